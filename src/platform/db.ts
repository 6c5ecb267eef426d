import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Kysely, PostgresDialect, type Compilable, type CompiledQuery, type Transaction } from 'kysely';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { startEmbedded } from './embedded.ts';
import { migrate } from './migrate.ts';
import type { Database } from './schema.ts';

export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;
/** Repository functions take either, so a service can pass its transaction in. */
export type Queryable = Db | Tx;

// Dates stay 'YYYY-MM-DD' strings: a calendar date has no time zone, and JS Date would shift it.
pg.types.setTypeParser(1082, (v) => v);
// … and so do arrays of dates (date[] would otherwise come back as JS Dates): the text[] parser splits them.
// (1182 = date[], 1009 = text[]; the typings list only the scalar type ids.)
const DATE_ARRAY = 1182 as Parameters<typeof pg.types.setTypeParser>[0];
const TEXT_ARRAY = 1009 as Parameters<typeof pg.types.getTypeParser>[0];
pg.types.setTypeParser(DATE_ARRAY, pg.types.getTypeParser(TEXT_ARRAY));
// bigint ids and counts as strings; callers parse counts deliberately.
pg.types.setTypeParser(20, (v) => v);

export interface DatabaseHandle {
  db: Db;
  pool: pg.Pool;
  url: string;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Embedded server directory (default ./data); ignored when databaseUrl is given. */
  dataDir?: string;
  /** External server; defaults to $DATABASE_URL. */
  databaseUrl?: string;
  log?: (line: string) => void;
  poolSize?: number;
}

/** SQL texts run as named prepared statements, and their names (see `executePrepared`). */
const preparedNames = new Map<string, string>();

/**
 * A client that runs the texts `executePrepared` registered as named prepared statements: PostgreSQL parses and plans
 * them once per connection. Kysely's driver sends every query as (text, values), and an unnamed statement is planned
 * at each run: for the session look-up and the member look-up every counter request makes, planning was four fifths
 * of PostgreSQL's time (0.13 of 0.17 ms).
 */
class PreparingClient extends pg.Client {
  override query(...args: unknown[]): never {
    const [text, values, callback] = args;
    const name = typeof text === 'string' ? preparedNames.get(text) : undefined;
    const query = super.query as (...a: unknown[]) => never;
    if (!name) return query.apply(this, args);
    // (text, values, callback) as pg-pool calls it, or (text, values) as Kysely does.
    return typeof callback === 'function' ? query.call(this, { name, text, values }, callback) : query.call(this, { name, text, values });
  }
}

/** Marks a value's place in a look-up compiled once (see `preparedLookup`); NUL never occurs in our values. */
const PLACE = /\u0000doithe:(\w+)\u0000/g;

function valueOf<K extends string>(values: Record<K, string>, key: K): string {
  const value = values[key];
  if (typeof value !== 'string') throw new Error(`prepared look-up: no value for ${key}`);
  return value;
}

/**
 * A hot look-up (the session, the member, a scope's unit…) built and compiled by Kysely once per shape rather than at
 * every run — its builder and compiler cost the event loop more than PostgreSQL spends on the query, and made most of
 * what a request allocated — and run as a named prepared statement (`executePrepared`). `build` receives, for each
 * value, a placeholder string to put where the value goes (a builder may add to it, as a scope's LIKE pattern adds
 * '%'); each run puts the values in their places. Everything else `build` puts in the query is fixed at the first run:
 * nothing that changes with time (`now()` in SQL, not `new Date()`). `shape` tells apart the variants whose text
 * differs (which bounds a scope has). Same rules as `executePrepared`: few texts, plans that do not depend on values.
 */
export function preparedLookup<K extends string, O>(build: (db: Queryable, values: Record<K, string>, shape: string) => Compilable<O>) {
  type Compiled = { compiled: CompiledQuery<O>; fill: ((values: Record<K, string>) => unknown)[] };
  const shapes = new Map<string, Compiled>();
  const placeholders = new Proxy({}, { get: (_, key) => `\u0000doithe:${String(key)}\u0000` }) as Record<K, string>;
  return async (db: Queryable, values: Record<K, string>, shape = ''): Promise<O | undefined> => {
    let entry = shapes.get(shape);
    if (!entry) {
      const compiled = build(db, placeholders, shape).compile();
      const fill = compiled.parameters.map((p) =>
        typeof p === 'string' && p.includes('\u0000doithe:') ? (v: Record<K, string>) => p.replace(PLACE, (_, key: K) => valueOf(v, key)) : () => p,
      );
      shapes.set(shape, (entry = { compiled, fill }));
    }
    const { compiled, fill } = entry;
    return (await executePrepared<O>(db, { ...compiled, parameters: fill.map((f) => f(values)) }))[0];
  };
}

/**
 * The rows of a compiled query run as a named prepared statement. Only for the hot statements whose text has few
 * variants (each distinct text stays prepared on every connection) and whose best plan does not depend on the values
 * (the statement may switch to a generic plan): primary-key and unique look-ups, not searches.
 */
export async function executePrepared<O>(db: Queryable, compiled: CompiledQuery<O>): Promise<O[]> {
  if (!preparedNames.has(compiled.sql)) preparedNames.set(compiled.sql, `p_${createHash('sha256').update(compiled.sql).digest('hex').slice(0, 24)}`);
  return (await db.executeQuery(compiled)).rows;
}

export function connect(url: string, poolSize = 10): { db: Db; pool: pg.Pool } {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, Client: PreparingClient });
  // An idle client losing its server (restart, crash) must not crash the process.
  pool.on('error', () => {});
  return { db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }), pool };
}

/** Opens the database (embedded by default, external via DATABASE_URL), creating and migrating it as needed. */
export async function openDatabase(options: OpenOptions = {}): Promise<DatabaseHandle> {
  const external = options.databaseUrl ?? process.env.DATABASE_URL;
  let url: string;
  let stopServer = async () => {};
  if (external) {
    url = external;
  } else {
    const server = await startEmbedded(options.dataDir ?? 'data', options.log);
    stopServer = () => server.stop();
    url = server.url('doithe');
    const admin = new pg.Client({ connectionString: server.url('postgres') });
    await admin.connect();
    try {
      const exists = await admin.query("SELECT 1 FROM pg_database WHERE datname = 'doithe'");
      if (exists.rowCount === 0) await admin.query('CREATE DATABASE doithe').catch(ignoreDuplicate);
    } finally {
      await admin.end();
    }
  }
  const { db, pool } = connect(url, options.poolSize);
  try {
    await migrate(pool);
  } catch (error) {
    await db.destroy();
    await stopServer();
    throw error;
  }
  return {
    db,
    pool,
    url,
    async close() {
      await db.destroy();
      await stopServer();
    },
  };
}

/** Runs `work` in the caller's transaction, or in a new one: a use case is one transaction whoever calls it. */
export function inTransaction<T>(db: Queryable, work: (trx: Tx) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db as Tx) : db.transaction().execute(work);
}

/**
 * Runs `work` in one transaction on one pooled connection, giving both a Kysely view of it and the raw client
 * (for COPY, which Kysely cannot stream).
 */
export async function withClientTransaction<T>(pool: pg.Pool, work: (trx: Db, client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  // Kysely only calls query() and release() on what the pool hands out.
  const borrowed = { query: client.query.bind(client), release: () => {} };
  const single = { connect: async () => borrowed, end: async () => {} };
  const trx = new Kysely<Database>({ dialect: new PostgresDialect({ pool: single as unknown as pg.Pool }) });
  try {
    await client.query('BEGIN');
    const result = await work(trx, client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

function ignoreDuplicate(error: unknown) {
  if ((error as { code?: string }).code !== '42P04') throw error;
}

/** COPY text format: tab-separated, \N for null, backslash escapes. */
export function copyField(value: string | number | boolean | null): string {
  if (value === null) return '\\N';
  if (typeof value !== 'string') return String(value);
  return value.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

/** Streams COPY text lines into a table, in 1 MB chunks, honouring back-pressure. */
export async function copyInto(client: pg.PoolClient, table: string, columns: readonly string[], lines: Iterable<string> | AsyncIterable<string>): Promise<void> {
  const stream = client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN`));
  async function* chunks() {
    let buffer = '';
    for await (const line of lines) {
      buffer += line;
      if (buffer.length > 1 << 20) {
        yield buffer;
        buffer = '';
      }
    }
    if (buffer) yield buffer;
  }
  await pipeline(Readable.from(chunks()), stream);
}
