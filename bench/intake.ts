import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import sharp from 'sharp';
import { loadDemo } from '../src/demo/load.ts';
import { freePort } from '../src/platform/embedded.ts';
import { encryptedFileStore } from '../src/platform/files.ts';
import { cliActor } from '../src/platform/scope.ts';
import { addUser } from '../src/users/service.ts';
import { Client } from '../test/http.ts';
import { benchDatabase, percentile, round, tiny } from './support.ts';

const STATIONS = 64;
const PASSWORD = 'mat-khau-do-hieu-nang';

/** A photo of about 40 KB and a signature of about 10 KB, as counters send them. */
async function images() {
  const noise = (w: number, h: number) => sharp(randomBytes(w * h * 3), { raw: { width: w, height: h, channels: 3 } });
  const photo = await noise(480, 640).blur(1.2).jpeg({ quality: 62 }).toBuffer();
  const signature = await sharp(Buffer.from(`<svg width="600" height="200"><rect width="600" height="200" fill="white"/>${Array.from({ length: 14 }, (_, i) => `<path d="M${10 + i * 40} ${60 + (i % 5) * 20} q 30 -50 60 ${(i % 3) * 30 - 20}" stroke="black" stroke-width="4" fill="none"/>`).join('')}</svg>`))
    .png({ compressionLevel: 3 })
    .toBuffer();
  return { photo, signature };
}

/**
 * 64 stations submit dossiers over HTTP on loopback to one `doithe serve` process. The limit: the same rows and files
 * written straight to PostgreSQL and the encrypted file store, without HTTP, at the same concurrency, same run.
 */
export async function run() {
  const dossiers = tiny ? 200 : 4000;
  const db = await benchDatabase();
  try {
    await loadDemo(db, { provinceCode: '68', members: Math.ceil(dossiers * 2.2), seed: 17 });
    await addUser(db.db, cliActor(), { username: 'do.hieu.nang', fullName: 'Đo hiệu năng', password: PASSWORD, role: 'central_admin' });
    const members = (await db.db.selectFrom('members').select('id').where('eligible', '=', true).orderBy('id').limit(dossiers * 2).execute()).map((m) => m.id);
    if (members.length < dossiers * 2) throw new Error(`only ${members.length} eligible members`);
    const { photo, signature } = await images();
    console.log(`photo ${(photo.length / 1024).toFixed(0)} KB, signature ${(signature.length / 1024).toFixed(0)} KB`);
    const steps = { photo: { at: '2026-12-01T08:01:00+07:00' }, cross_check: { at: '2026-12-01T08:02:00+07:00' }, signature: { at: '2026-12-01T08:03:00+07:00' } };

    const dataDir = mkdtempSync(path.join(tmpdir(), 'doithe-bench-files-'));
    const port = await freePort();
    const server = spawn('node', ['--import', './bench/rss-probe.js', 'bin/doithe.js', 'serve', '--port', String(port), '--data', dataDir], {
      env: { ...process.env, DATABASE_URL: db.url },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let serverErr = '';
    server.stderr!.on('data', (d) => (serverErr += d));
    for (let i = 0; !(await fetch(`http://127.0.0.1:${port}/api/health`).then((r) => r.ok, () => false)); i++) {
      if (i > 300) throw new Error(`serve did not start: ${serverErr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const client = new Client(`http://127.0.0.1:${port}`);
    if ((await client.login('do.hieu.nang', PASSWORD)).status !== 200) throw new Error('login failed');
    const form = (memberId: string) => {
      const body = new FormData();
      body.append('submission', JSON.stringify({ id: randomUUID(), memberId, data: {}, steps }));
      body.append('photo', new Blob([new Uint8Array(photo)], { type: 'image/jpeg' }), 'anh.jpg');
      body.append('signature', new Blob([new Uint8Array(signature)], { type: 'image/png' }), 'chu-ky.png');
      return body;
    };
    const times: number[] = [];
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: STATIONS }, async () => {
        for (let i = next++; i < dossiers; i = next++) {
          const t = performance.now();
          const r = await client.request('POST', '/api/dossiers', form(members[i]!));
          if (r.status !== 201) throw new Error(`dossier refused: ${r.status} ${JSON.stringify(r.body)}`);
          times.push(performance.now() - t);
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
    const peakRssMb = Math.round(Number(/DOITHE_PEAK_RSS_KB=(\d+)/.exec(serverErr)?.[1] ?? 0) / 1024);

    // The limit: files encrypted and synced, and the row inserted, for the same number of dossiers at the same concurrency.
    const store = await encryptedFileStore(path.join(dataDir, 'raw'), path.join(dataDir, 'raw.key'));
    next = 0;
    const rawStarted = performance.now();
    await Promise.all(
      Array.from({ length: STATIONS }, async () => {
        for (let i = next++; i < dossiers; i = next++) {
          const [p, s] = await Promise.all([store.put('photo', photo), store.put('signature', signature)]);
          await sql`INSERT INTO dossiers (id, member_id, state, data, record, photo_ref, photo_sha256, signature_ref, signature_sha256, payload_sha256)
            VALUES (${randomUUID()}, ${members[dossiers + i]!}, 'confirmed', '{}', '{}', ${p.ref}, ${p.sha256}, ${s.ref}, ${s.sha256}, ${p.sha256})`.execute(db.db);
        }
      }),
    );
    const rawSeconds = (performance.now() - rawStarted) / 1000;
    return {
      dossiers,
      stations: STATIONS,
      seconds: round(seconds),
      perSecond: round(dossiers / seconds, 1),
      p99Ms: round(percentile(times, 99), 1),
      peakRssMb,
      rawPerSecond: round(dossiers / rawSeconds, 1),
      ratioToRaw: round(dossiers / seconds / (dossiers / rawSeconds), 2),
    };
  } finally {
    await db.dispose();
  }
}
