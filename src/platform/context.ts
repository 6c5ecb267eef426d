import { openDatabase, type DatabaseHandle, type OpenOptions } from './db.ts';
import { seedReference } from '../reference/service.ts';

/** Opens, migrates and seeds the reference data: what every command needs before it starts. */
export async function openApp(options: OpenOptions): Promise<DatabaseHandle> {
  const handle = await openDatabase(options);
  try {
    await seedReference(handle.db);
  } catch (error) {
    await handle.close();
    throw error;
  }
  return handle;
}
