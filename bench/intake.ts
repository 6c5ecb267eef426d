import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import sharp from 'sharp';
import { loadDemo } from '../src/demo/load.ts';
import { freePort } from '../src/platform/embedded.ts';
import { encryptedFileStore, type StoredFile } from '../src/platform/files.ts';
import { cliActor } from '../src/platform/scope.ts';
import { addUser } from '../src/users/service.ts';
import { entryHash, GENESIS_HASH } from '../src/audit/domain.ts';
import { benchDatabase, percentile, round, tiny } from './support.ts';

const STATIONS = 64;
/** The issue's target rate: p99Ms is measured with dossiers arriving at this rate (tiny runs: a tenth). */
const TARGET_RATE = tiny ? 50 : 500;
const PASSWORD = 'mat-khau-do-hieu-nang';

/** A photo of about 40 KB and a signature of about 10 KB, as counters send them. */
export async function images() {
  const noise = (w: number, h: number) => sharp(randomBytes(w * h * 3), { raw: { width: w, height: h, channels: 3 } });
  const photo = await noise(480, 640).blur(1.2).jpeg({ quality: 62 }).toBuffer();
  const signature = await sharp(Buffer.from(`<svg width="600" height="200"><rect width="600" height="200" fill="white"/>${Array.from({ length: 14 }, (_, i) => `<path d="M${10 + i * 40} ${60 + (i % 5) * 20} q 30 -50 60 ${(i % 3) * 30 - 20}" stroke="black" stroke-width="4" fill="none"/>`).join('')}</svg>`))
    .png({ compressionLevel: 3 })
    .toBuffer();
  return { photo, signature };
}

/**
 * A multipart body as a browser sends it, with the photo and signature parts built once: only the `submission` part
 * differs between dossiers, so the load generator (on the same cores as the server) spends almost nothing per request.
 */
function multipartBodies(photo: Buffer, signature: Buffer) {
  const boundary = `----doithe-bench-${randomBytes(12).toString('hex')}`;
  const part = (disposition: string, type?: string) =>
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; ${disposition}\r\n${type ? `Content-Type: ${type}\r\n` : ''}\r\n`);
  const files = Buffer.concat([
    Buffer.from('\r\n'),
    part('name="photo"; filename="anh.jpg"', 'image/jpeg'),
    photo,
    Buffer.from('\r\n'),
    part('name="signature"; filename="chu-ky.png"', 'image/png'),
    signature,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    body: (submission: unknown) => [part('name="submission"'), Buffer.from(JSON.stringify(submission)), files],
  };
}

/** One request on a keep-alive connection; resolves with the status and the body text. */
function send(agent: http.Agent, url: URL, headers: http.OutgoingHttpHeaders, chunks: Buffer[]): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: 'POST', agent, headers: { ...headers, 'content-length': chunks.reduce((n, c) => n + c.length, 0) } }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (d: string) => (text += d));
      response.on('end', () => resolve({ status: response.statusCode!, text }));
      response.on('error', reject);
    });
    request.on('error', reject);
    for (const chunk of chunks.slice(0, -1)) request.write(chunk);
    request.end(chunks[chunks.length - 1]);
  });
}

/** utime + stime (seconds), of which stime, parent pid and nice value of /proc/<pid>/stat or /proc/<pid>/task/<tid>/stat. */
function procStat(file: string): { ppid: number; seconds: number; kernel: number; nice: number } | undefined {
  const TICKS = 100;
  try {
    // Fields after the command name (which may hold spaces): ppid is [1], utime [11], stime [12], nice [16].
    const fields = readFileSync(file, 'utf8').split(') ').pop()!.split(' ');
    return { ppid: Number(fields[1]), seconds: (Number(fields[11]) + Number(fields[12])) / TICKS, kernel: Number(fields[12]) / TICKS, nice: Number(fields[16]) };
  } catch {
    return undefined; // gone meanwhile
  }
}

/**
 * `count` jobs over STATIONS stations, each station taking the next job as soon as its last is done (a closed loop);
 * `station()` makes one station's worker (with any state of its own). Answers the seconds taken.
 */
async function closedLoop(count: number, station: () => (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: STATIONS }, async () => {
      const work = station();
      for (let i = next++; i < count; i = next++) await work(i);
    }),
  );
  return (performance.now() - started) / 1000;
}

const pids = (dir: string) => readdirSync(dir).filter((e) => /^\d+$/.test(e)).map(Number);

/**
 * CPU seconds used so far by the server: its threads at normal priority (requests, libuv's pool, GC), of which in the
 * kernel and in its main thread (the event loop: its id is the process's), and those at a lower one (the photo
 * re-check's detector), from /proc. Zero off Linux.
 */
function serverCpu(pid: number): { submissions: number; kernel: number; mainThread: number; idlePriority: number } {
  const cpu = { submissions: 0, kernel: 0, mainThread: 0, idlePriority: 0 };
  for (const tid of existsSync(`/proc/${pid}/task`) ? pids(`/proc/${pid}/task`) : []) {
    const s = procStat(`/proc/${pid}/task/${tid}/stat`);
    if (!s) continue;
    if (s.nice > 0) cpu.idlePriority += s.seconds;
    else [cpu.submissions, cpu.kernel] = [cpu.submissions + s.seconds, cpu.kernel + s.kernel];
    if (tid === pid) cpu.mainThread = s.seconds;
  }
  return cpu;
}

/** CPU seconds used so far by a process and its live children (PostgreSQL's backends). */
function treeCpu(pid: number): number {
  let seconds = procStat(`/proc/${pid}/stat`)?.seconds ?? 0;
  for (const child of existsSync('/proc') ? pids('/proc') : []) {
    const s = procStat(`/proc/${child}/stat`);
    if (s?.ppid === pid) seconds += s.seconds;
  }
  return seconds;
}

/** The embedded PostgreSQL's postmaster, found by the port in its command line (undefined for an outside server). */
function postmasterPid(port: string): number | undefined {
  for (const pid of existsSync('/proc') ? pids('/proc') : []) {
    try {
      const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (args[0]?.endsWith('postgres') && args.includes('-p') && args[args.indexOf('-p') + 1] === port) return pid;
    } catch {
      // gone meanwhile
    }
  }
  return undefined;
}

/**
 * 64 stations submit dossiers over HTTP on loopback to one `doithe serve` process. The limit: the same rows and files
 * written straight to PostgreSQL and the encrypted file store, without HTTP, at the same concurrency, same run.
 */
export async function run() {
  const dossiers = tiny ? 200 : 4000;
  const db = await benchDatabase();
  // The server's files and the raw path's: about 0.8 GB a run, removed at the end.
  let dataDir: string | undefined;
  try {
    await loadDemo(db, { provinceCode: '68', members: Math.ceil(dossiers * 6) + STATIONS * 2, seed: 17 });
    // An intake officer of the province, as at the counters: the scope check is the one they go through.
    await addUser(db.db, cliActor(), { username: 'do.hieu.nang', fullName: 'Đo hiệu năng', password: PASSWORD, role: 'intake_officer', provinceCode: '68' });
    // Members by use, `dossiers` each: server's first capacity round, raw (both rounds), server's second round, the
    // paced run, then STATIONS for the warm-up. No member gets two dossiers from the server (that is a conflict).
    const members = (await db.db.selectFrom('members').select('id').where('eligible', '=', true).orderBy('id').limit(dossiers * 4 + STATIONS).execute()).map((m) => m.id);
    if (members.length < dossiers * 4 + STATIONS) throw new Error(`only ${members.length} eligible members`);
    const { photo, signature } = await images();
    console.log(`photo ${(photo.length / 1024).toFixed(0)} KB, signature ${(signature.length / 1024).toFixed(0)} KB`);
    const steps = { photo: { at: '2026-12-01T08:01:00+07:00' }, cross_check: { at: '2026-12-01T08:02:00+07:00' }, signature: { at: '2026-12-01T08:03:00+07:00' } };

    dataDir = mkdtempSync(path.join(tmpdir(), 'doithe-bench-files-'));
    const port = await freePort();
    // BENCH_PROFILE_DIR=<dir>: the server writes a V8 CPU profile per thread there (node --cpu-prof), to see where its
    // time goes. BENCH_NODE_FLAGS: more flags for the server's node (say --trace-gc); BENCH_STDOUT=<file>: where the
    // server's standard output goes (--trace-gc writes there).
    const profile = process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_PROFILE_DIR] : [];
    // The server runs with the flags the doithe command gives node (bin/doithe.js's first line).
    const doitheFlags = readFileSync('bin/doithe.js', 'utf8').split('\n')[0]!.match(/--[\w-]+=\S+/g) ?? [];
    const server = spawn('node', [...doitheFlags, ...profile, ...(process.env.BENCH_NODE_FLAGS?.split(' ').filter(Boolean) ?? []), '--import', './bench/rss-probe.js', 'bin/doithe.js', 'serve', '--port', String(port), '--data', dataDir], {
      env: { ...process.env, DATABASE_URL: db.url },
      stdio: ['ignore', process.env.BENCH_STDOUT ? openSync(process.env.BENCH_STDOUT, 'w') : 'ignore', 'pipe'],
    });
    let serverErr = '';
    server.stderr!.on('data', (d) => (serverErr += d));
    for (let i = 0; !(await fetch(`http://127.0.0.1:${port}/api/health`).then((r) => r.ok, () => false)); i++) {
      if (i > 300) throw new Error(`serve did not start: ${serverErr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const base = new URL(`http://127.0.0.1:${port}`);
    const login = await fetch(new URL('/api/session', base), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'do.hieu.nang', password: PASSWORD }) });
    if (login.status !== 200) throw new Error('login failed');
    const headers = { cookie: login.headers.get('set-cookie')!.split(';')[0]!, 'x-csrf-token': ((await login.json()) as { csrfToken: string }).csrfToken };
    const { contentType, body } = multipartBodies(photo, signature);
    const agent = new http.Agent({ keepAlive: true, maxSockets: STATIONS });
    const url = new URL('/api/dossiers', base);
    const pgPid = postmasterPid(new URL(db.url).port);
    const cpu = () => {
      const own = process.cpuUsage();
      const { submissions, kernel, mainThread, idlePriority } = serverCpu(server.pid!);
      return { server: submissions, serverKernel: kernel, mainThread, recheck: idlePriority, postgres: pgPid ? treeCpu(pgPid) : 0, load: (own.user + own.system) / 1e6, loadKernel: own.system / 1e6 };
    };
    const perDossier = (before: ReturnType<typeof cpu>, after: ReturnType<typeof cpu>, key: keyof ReturnType<typeof cpu>) => round(((after[key] - before[key]) * 1000) / dossiers, 2);
    const submit = async (memberId: string) => {
      const r = await send(agent, url, { ...headers, 'content-type': contentType }, body({ id: randomUUID(), memberId, data: {}, steps }));
      if (r.status !== 201) throw new Error(`dossier refused: ${r.status} ${r.text}`);
    };
    // Warm-up (JIT, connections, caches), not measured.
    await Promise.all(members.slice(4 * dossiers, 4 * dossiers + STATIONS).map(submit));

    // Capacity: every station sends its next dossier as soon as the last is answered (a closed loop, no pause). Its
    // latency is queueing by construction (64 waiting / throughput), so the p99 users feel is measured apart, below.
    const capacityRound = async (first: number) => {
      const times: number[] = [];
      const before = cpu();
      const seconds = await closedLoop(dossiers, () => async (i) => {
        const t = performance.now();
        await submit(members[first + i]!);
        times.push(performance.now() - t);
      });
      const after = cpu();
      console.log(
        `HTTP: ${round(dossiers / seconds, 1)}/s, CPU ms per dossier: server ${perDossier(before, after, 'server')} (main thread ${perDossier(before, after, 'mainThread')}, kernel ${perDossier(before, after, 'serverKernel')}; + ${perDossier(before, after, 'recheck')} photo re-check at idle priority), PostgreSQL ${perDossier(before, after, 'postgres')}, load generator ${perDossier(before, after, 'load')}`,
      );
      return { seconds, times };
    };

    // The limit: the same file (photo and signature together) encrypted and synced, and the same rows (the dossier as
    // the server stored it, and its audit entry) inserted by one statement, for the same number of dossiers at the same
    // concurrency. Each station chains its own audit entries: no lock, no look-up of the chain's head.
    const stored = await db.db.selectFrom('dossiers').select(['data', 'record']).limit(1).executeTakeFirstOrThrow();
    const audit = await db.db.selectFrom('audit_log').select(['actor_id', 'actor', 'scope', 'details']).where('action', '=', 'dossier.submit').limit(1).executeTakeFirstOrThrow();
    const [data, record] = [JSON.stringify(stored.data), JSON.stringify(stored.record)];
    const store = await encryptedFileStore(path.join(dataDir, 'raw'), path.join(dataDir, 'raw.key'));
    const rawRound = async () => {
      const before = cpu();
      const roundSeconds = await closedLoop(dossiers, () => {
        let prev = GENESIS_HASH;
        return async (i) => {
          const [p, s] = (await store.put([{ kind: 'photo', content: photo }, { kind: 'signature', content: signature }])) as [StoredFile, StoredFile];
          const id = randomUUID();
          const fields = { at: new Date().toISOString(), actorId: audit.actor_id, actor: audit.actor, action: 'dossier.submit', entity: 'dossier', entityId: id, scope: audit.scope, details: { ...(audit.details as object), memberId: members[dossiers + i]! } };
          const hash = entryHash(prev, fields);
          await sql`WITH d AS (
              INSERT INTO dossiers (id, member_id, state, data, record, photo_ref, photo_sha256, signature_ref, signature_sha256, payload_sha256, submitted_by)
              VALUES (${id}, ${members[dossiers + i]!}, 'confirmed', ${data}, ${record}, ${p.ref}, ${p.sha256}, ${s.ref}, ${s.sha256}, ${p.sha256}, ${audit.actor_id}))
            INSERT INTO audit_log (at, actor_id, actor, action, entity, entity_id, scope, details, prev_hash, hash)
            VALUES (${fields.at}, ${fields.actorId}, ${fields.actor}, ${fields.action}, ${fields.entity}, ${id}, ${fields.scope}, ${JSON.stringify(fields.details)}, ${prev}, ${hash})`.execute(db.db);
          prev = hash;
        };
      });
      const after = cpu();
      console.log(`raw: ${round(dossiers / roundSeconds, 1)}/s, CPU ms per dossier: PostgreSQL ${perDossier(before, after, 'postgres')}, files and queries ${perDossier(before, after, 'load')} (kernel ${perDossier(before, after, 'loadKernel')})`);
      return roundSeconds;
    };
    // Two rounds of each, taken in turn, the faster counting: each side's first round runs cold (JIT, and a new file
    // tree), and creating files here costs several times more kernel time for a minute or more after many were
    // deleted (ext4 without a journal skips recently freed inodes one by one: decision 0015, addendum 6).
    const capacity1 = await capacityRound(0);
    const raw1 = await rawRound();
    const capacity2 = await capacityRound(2 * dossiers);
    const raw2 = await rawRound();
    const { seconds, times } = capacity1.seconds < capacity2.seconds ? capacity1 : capacity2;
    const rawSeconds = Math.min(raw1, raw2);

    // Latency at the target rate: dossiers arrive on a fixed schedule of TARGET_RATE a second spread over the 64
    // stations, whether or not earlier ones were answered (an open loop: a station's outbox sends what the officers
    // confirm). Each latency counts from the dossier's scheduled time, so a server that falls behind shows it.
    const pacedTimes: number[] = [];
    const pacedStarted = performance.now();
    await Promise.all(
      Array.from({ length: dossiers }, async (_, i) => {
        const due = pacedStarted + (i * 1000) / TARGET_RATE;
        await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
        await submit(members[3 * dossiers + i]!);
        pacedTimes.push(performance.now() - due);
      }),
    );
    const pacedSeconds = (performance.now() - pacedStarted) / 1000;
    console.log(`at ${TARGET_RATE}/s: p50 ${round(percentile(pacedTimes, 50), 1)} ms, p90 ${round(percentile(pacedTimes, 90), 1)} ms, p99 ${round(percentile(pacedTimes, 99), 1)} ms, max ${round(Math.max(...pacedTimes), 1)} ms`);
    agent.destroy();
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
    const peakRssMb = Math.round(Number(/DOITHE_PEAK_RSS_KB=(\d+)/.exec(serverErr)?.[1] ?? 0) / 1024);
    return {
      dossiers,
      stations: STATIONS,
      seconds: round(seconds),
      perSecond: round(dossiers / seconds, 1),
      saturatedP99Ms: round(percentile(times, 99), 1),
      targetRate: TARGET_RATE,
      pacedPerSecond: round(dossiers / pacedSeconds, 1),
      p99Ms: round(percentile(pacedTimes, 99), 1),
      peakRssMb,
      rawPerSecond: round(dossiers / rawSeconds, 1),
      ratioToRaw: round(dossiers / seconds / (dossiers / rawSeconds), 2),
    };
  } finally {
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    await db.dispose();
  }
}
