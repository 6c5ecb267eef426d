/**
 * One batch of 100,000 dossiers from a province to the centre (issue 7): prepare (freeze the data, build and sign the
 * manifest), send over HTTP on loopback, verify every piece at the centre, store, sign the receipt, and mark the
 * dossiers sent — the one-machine setup, the province and the centre in one server process. Photos of ~40 KB and
 * signatures of ~10 KB, one file each in the encrypted store, as counters send them.
 * The limit, measured in the same run: the same files read from the store, hashed and written to one file, synced.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { keyRing } from '../src/cards/key-ring.ts';
import { batchContentStore } from '../src/centre/batch-content.ts';
import { loadDemo } from '../src/demo/load.ts';
import { encryptedFileStore, type FileStore } from '../src/platform/files.ts';
import { cliActor } from '../src/platform/scope.ts';
import { buildServer } from '../src/server.ts';
import { enrolLocalProvince, prepareBatch, sendBatch } from '../src/sending/service.ts';
import { images } from './intake.ts';
import { benchDatabase, round, tiny } from './support.ts';

/** Stores a photo and a signature per dossier, many puts at once (the store syncs them in groups). */
async function storeFiles(files: FileStore, count: number, photo: Buffer, signature: Buffer) {
  const refs: { photo: string; signature: string }[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      for (let i = next++; i < count; i = next++) {
        const [p, s] = await Promise.all([files.put('photo', photo), files.put('signature', signature)]);
        refs[i] = { photo: p.ref, signature: s.ref };
      }
    }),
  );
  return refs;
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

    const keys = keyRing(path.join(dir, 'keys'));
    const content = await batchContentStore(path.join(dir, 'centre', 'batches'), path.join(dir, 'centre.key'));
    const app = await buildServer({ db, pool: handle.pool }, { files, cards: { role: 'both', keys, content }, progressFoldMs: null });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address() as { port: number };
    await enrolLocalProvince(db, keys, '68');
    await keys.issuer(db);
    try {
      let peakRss = process.memoryUsage().rss;
      const probe = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
      t = performance.now();
      const batch = await prepareBatch(db, cliActor(), keys, { provinceCode: '68' });
      const prepareSeconds = (performance.now() - t) / 1000;
      t = performance.now();
      const sent = await sendBatch(db, keys, files, { url: `http://127.0.0.1:${address.port}` }, batch!.id);
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
      };
    } finally {
      await app.close();
    }
  } finally {
    await handle.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}
