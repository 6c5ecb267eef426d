import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { connect, type DatabaseHandle } from '../src/platform/db.ts';
import { withDatabase } from './global-setup.ts';

/** A fresh database copied from the migrated template, dropped by close(). */
export async function createTestDatabase(): Promise<DatabaseHandle> {
  const server = inject('databaseServer');
  const template = inject('templateDatabase');
  const name = `doithe_t${randomBytes(5).toString('hex')}_${template.split('_').pop()}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
  } finally {
    await admin.end();
  }
  const url = withDatabase(server, name);
  const { db, pool } = connect(url, 5);
  return {
    db,
    pool,
    url,
    async close() {
      await db.destroy();
      const drop = new pg.Client({ connectionString: server });
      await drop.connect();
      await drop.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await drop.end();
    },
  };
}
