import { openDatabase, type DatabaseHandle, type OpenOptions } from './db.ts';
import { ensureProgressCounted } from '../progress/recount.ts';
import { seedReference } from '../reference/service.ts';

/** Opens, migrates, seeds the reference data and counts progress once if never done: what every command needs first. */
export async function openApp(options: OpenOptions): Promise<DatabaseHandle> {
  const handle = await openDatabase(options);
  try {
    await seedReference(handle.db);
    await ensureProgressCounted(handle.db);
  } catch (error) {
    await handle.close();
    throw error;
  }
  return handle;
}
