/**
 * One batch of 100,000 dossiers from a province to the centre (issue 7): prepare (freeze the data, build and sign the
 * manifest), send over HTTP on loopback, verify every piece at the centre, store, sign the receipt, and mark the
 * dossiers sent. The centre runs as its own server process (`serve --role central`), as deployed. Photos of ~40 KB and
 * signatures of ~10 KB, one file each in the encrypted store, as counters send them.
 * The limit, measured in the same run: the same files read from the store, hashed and written to one file, synced.
 */
import { createHash } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { keyRing, spkiOf } from '../src/cards/key-ring.ts';
import { loadDemo } from '../src/demo/load.ts';
import { encryptedFileStore, type FileStore } from '../src/platform/files.ts';
import { cliActor } from '../src/platform/scope.ts';
import { freePort } from '../src/platform/embedded.ts';
import { enrolProvinceKey, prepareBatch, sendBatch } from '../src/sending/service.ts';
import { images } from './intake.ts';
import { benchDatabase, round, tiny } from './support.ts';

/** Stores a photo and a signature per dossier, many puts at once (the store syncs them in groups). */
async function storeFiles(files: FileStore, count: number, photo: Buffer, signature: Buffer) {
  const refs: { photo: string; signature: string }[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      for (let i = next++; i < count; i = next++) {
        const [p, s] = await files.put([{ kind: 'photo', content: photo }, { kind: 'signature', content: signature }]);
        refs[i] = { photo: p!.ref, signature: s!.ref };
      }
    }),
  );
  return refs;
}

/** Stops a child server (SIGTERM) and answers its error output once it has exited. */
async function stopped(child: ChildProcess, output: () => string): Promise<string> {
  if (child.exitCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  return output();
}

export async function measureBatch() {
  const dossiers = tiny ? 200 : Number(process.env.BENCH_BATCH_DOSSIERS ?? 100_000);
  const handle = await benchDatabase();
  const dir = mkdtempSync(path.join(tmpdir(), 'doithe-batch-'));
  try {
    const { db } = handle;
    await loadDemo(handle, { provinceCode: '68', members: Math.ceil(dossiers * 1.25), seed: 7 });
    const { photo, signature } = await images();
    const files = await encryptedFileStore(path.join(dir, 'files'), path.join(dir, 'files.key'));
    let t = performance.now();
    const refs = await storeFiles(files, dossiers, photo, signature);
    console.log(`${dossiers} dossiers' files (${(photo.length / 1024).toFixed(0)} KB + ${(signature.length / 1024).toFixed(0)} KB) stored in ${((performance.now() - t) / 1000).toFixed(0)} s`);
    const photoHash = createHash('sha256').update(photo).digest('hex');
    const signatureHash = createHash('sha256').update(signature).digest('hex');
    // Approved dossiers (ready to send), in bulk: the intake path has its own bench.
    await sql`
      INSERT INTO dossiers (id, member_id, state, data, record, photo_ref, photo_sha256, signature_ref, signature_sha256, payload_sha256, received_at)
      SELECT gen_random_uuid(), m.id, 'ready_to_send', '{}',
        jsonb_build_object('memberId', m.id::text, 'status', 'ready_to_send', 'steps', '{}'::jsonb, 'corrections', '[]'::jsonb, 'history', '[]'::jsonb, 'returnReason', null, 'seq', 5),
        r.photo, ${photoHash}, r.signature, ${signatureHash}, md5(m.id::text), now() - make_interval(secs => r.n)
      FROM unnest(${refs.map((r) => r.photo)}::text[], ${refs.map((r) => r.signature)}::text[]) WITH ORDINALITY AS r(photo, signature, n)
      JOIN (SELECT id, row_number() OVER (ORDER BY id) AS n FROM members WHERE eligible) m ON m.n = r.n`.execute(db);
    const loaded = Number((await sql<{ n: string }>`SELECT count(*) AS n FROM dossiers`.execute(db)).rows[0]!.n);
    if (loaded !== dossiers) throw new Error(`only ${loaded} eligible members for ${dossiers} dossiers`);
    await sql`VACUUM ANALYZE`.execute(db);
    await sql`CHECKPOINT`.execute(db);

    // The centre as deployed: its own process (`doithe serve --role central`), its own keys and store; here on the same
    // PostgreSQL server (its tables are its own). The province's side runs in this process, as the job would.
    const centreDir = path.join(dir, 'centre-node');
    const port = await freePort();
    const profile = process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_PROFILE_DIR] : [];
    const centre = spawn('node', [...profile, '--import', './bench/rss-probe.js', 'bin/doithe.js', 'serve', '--role', 'central', '--port', String(port), '--data', centreDir], {
      env: { ...process.env, DATABASE_URL: handle.url },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let centreErr = '';
    centre.stderr!.on('data', (d) => (centreErr += d));
    const centreUrl = `http://127.0.0.1:${port}`;
    try {
      for (let i = 0; !(await fetch(`${centreUrl}/api/health`).then((r) => r.ok, () => false)); i++) {
        if (i > 300) throw new Error(`the centre did not start: ${centreErr}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      // The province trusts the centre's root key, given once; the centre enrols the province's key.
      const keys = keyRing(path.join(dir, 'keys'));
      mkdirSync(keys.dir, { recursive: true });
      writeFileSync(path.join(keys.dir, 'root.pub.pem'), await (await fetch(`${centreUrl}/api/public/root-key`)).text());
      const provinceKey = await keys.province('68');
      await enrolProvinceKey(db, '68', { kid: provinceKey.kid, spki: spkiOf(provinceKey.privateKey) });
      let peakRss = process.memoryUsage().rss;
      const probe = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
      t = performance.now();
      const batch = await prepareBatch(db, cliActor(), keys, { provinceCode: '68' });
      const prepareSeconds = (performance.now() - t) / 1000;
      t = performance.now();
      const sent = await sendBatch(db, keys, files, { url: centreUrl }, batch!.id);
      const sendSeconds = (performance.now() - t) / 1000;
      clearInterval(probe);
      if (sent.state !== 'acknowledged' || sent.accepted !== dossiers) throw new Error(`batch not acknowledged whole: ${JSON.stringify(sent)}`);
      const stillReady = Number((await sql<{ n: string }>`SELECT count(*) AS n FROM dossiers WHERE state <> 'sent'`.execute(db)).rows[0]!.n);
      if (stillReady) throw new Error(`${stillReady} dossiers not marked sent`);

      // The limit: the same files read from the store, hashed, and written one after another to a file, synced.
      t = performance.now();
      const out = await open(path.join(dir, 'raw.bin'), 'w');
      for (let i = 0; i < dossiers; i += 32) {
        const chunk = refs.slice(i, i + 32);
        const pieces = await Promise.all(chunk.flatMap((r) => [files.get(r.photo), files.get(r.signature)]));
        for (const piece of pieces) createHash('sha256').update(piece).digest();
        await out.writev(pieces);
      }
      await out.sync();
      await out.close();
      const rawSeconds = (performance.now() - t) / 1000;
      const batchSeconds = prepareSeconds + sendSeconds;
      return {
        batchDossiers: dossiers,
        batchGigabytes: round((dossiers * (photo.length + signature.length)) / 1e9, 2),
        batchSeconds: round(batchSeconds, 2),
        prepareSeconds: round(prepareSeconds, 2),
        sendSeconds: round(sendSeconds, 2),
        rawBatchSeconds: round(rawSeconds, 2),
        batchRatioToRaw: round(rawSeconds / batchSeconds, 2),
        batchPeakRssMb: Math.round(peakRss / 1048576),
        centrePeakRssMb: Math.round(Number(/DOITHE_PEAK_RSS_KB=(\d+)/.exec(await stopped(centre, () => centreErr))?.[1] ?? 0) / 1024),
      };
    } finally {
      if (centre.exitCode === null) centre.kill('SIGKILL');
    }
  } finally {
    await handle.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}
