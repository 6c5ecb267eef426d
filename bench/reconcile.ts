import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { sql } from 'kysely';
import { to as copyTo } from 'pg-copy-streams';
import { loadDemo } from '../src/demo/load.ts';
import { benchDatabase, percentile, round, tiny } from './support.ts';

const exec = promisify(execFile);

/** Whole-list reconciliation of 1,000,000 members against 1,000,000 register records; the limit is streaming the plain join. */
export async function run() {
  const members = tiny ? 20_000 : 1_000_000;
  const db = await benchDatabase();
  try {
    await loadDemo(db, { provinceCode: '68', members, seed: 13 });
    await sql`VACUUM ANALYZE`.execute(db.db);
    // Steady state, as the server is a while after a load: the load's dirty pages written out, not flushed during the run.
    await sql`CHECKPOINT`.execute(db.db);

    // The limit: the same two tables joined on personal ID, every row streamed to the client.
    const client = await db.pool.connect();
    const joinStarted = performance.now();
    let bytes = 0;
    await pipeline(
      client.query(copyTo(`COPY (SELECT m.id, m.personal_id, m.full_name, m.date_of_birth, m.birth_year, m.gender, m.hometown, m.permanent_address,
        r.full_name, r.date_of_birth, r.gender, r.hometown, r.permanent_address
        FROM members m JOIN population_register r ON r.personal_id = m.personal_id WHERE m.eligible) TO STDOUT`)),
      new Writable({ write: (chunk: Buffer, _e, done) => ((bytes += chunk.length), done()) }),
    );
    const joinSeconds = (performance.now() - joinStarted) / 1000;
    client.release();
    console.log(`plain join streamed: ${(bytes / 1048576).toFixed(0)} MB in ${joinSeconds.toFixed(2)} s`);

    const started = performance.now();
    const child = await exec('node', ['--import', './bench/rss-probe.js', 'bin/doithe.js', 'reconcile', '--json'], {
      env: { ...process.env, DATABASE_URL: db.url },
      maxBuffer: 512 << 20,
    });
    const seconds = (performance.now() - started) / 1000;
    const report = JSON.parse(child.stdout.trim().split('\n').pop()!) as { checked: number; matched: number; mismatched: unknown[]; notFound: unknown[] };
    const peakRssMb = Math.round(Number(/DOITHE_PEAK_RSS_KB=(\d+)/.exec(child.stderr)![1]) / 1024);
    console.log(`reconcile: ${report.checked} checked (${report.matched} matched, ${report.mismatched.length} mismatched, ${report.notFound.length} not found) in ${seconds.toFixed(2)} s, peak RSS ${peakRssMb} MB`);

    // One live lookup against the embedded register, as the intake counter will make it.
    const ids = (await sql<{ personal_id: string }>`SELECT personal_id FROM population_register TABLESAMPLE SYSTEM (1) REPEATABLE (5) LIMIT 1000`.execute(db.db)).rows.map((r) => r.personal_id);
    const { embeddedRegister } = await import('../src/reconciliation/register.ts');
    const register = embeddedRegister(db.db);
    const times: number[] = [];
    for (const id of ids) {
      const t = performance.now();
      await register.lookup(id);
      times.push(performance.now() - t);
    }
    const lookupP99Ms = round(percentile(times, 99));
    return { members, checked: report.checked, seconds: round(seconds), peakRssMb, joinSeconds: round(joinSeconds), ratioToJoin: round(seconds / joinSeconds, 2), lookupP99Ms };
  } finally {
    await db.dispose();
  }
}
