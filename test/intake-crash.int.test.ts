import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../src/platform/db.ts';
import { freePort } from '../src/platform/embedded.ts';
import { encryptedFileStore } from '../src/platform/files.ts';
import { loadDemo } from '../src/demo/load.ts';
import { createTestDatabase } from './database.ts';
import { Client } from './http.ts';
import { answering, doithe, stopChildren } from './processes.ts';
import { DEVICE_STEPS, padSignature } from './intake-fixtures.ts';

let handle: DatabaseHandle;
const dataDir = mkdtempSync(path.join(tmpdir(), 'doithe-crash-'));

beforeAll(async () => {
  handle = await createTestDatabase();
  await loadDemo(handle, { provinceCode: '20', members: 400, seed: 31 });
});
afterAll(async () => {
  stopChildren();
  await handle?.close();
});

/** `doithe serve` as its own process on the test database, its files under `dataDir`. */
async function serve(port: number) {
  const child = doithe(['serve', '--port', String(port), '--data', dataDir], { DATABASE_URL: handle.url });
  await answering(`http://127.0.0.1:${port}/api/health`, child);
  return child;
}

describe('dossiers across a server crash', () => {
  it('keeps every acknowledged dossier exactly once after kill -9, and retries of the others create no duplicates', async () => {
    const { addUser } = await import('../src/users/service.ts');
    const { cliActor } = await import('../src/platform/scope.ts');
    await addUser(handle.db, cliActor(), { username: 'quantri', fullName: 'Quản trị', password: 'mat-khau-thu-nghiem', role: 'central_admin' });
    const members = (await handle.db.selectFrom('members').select('id').where('eligible', '=', true).orderBy('id').limit(120).execute()).map((m) => m.id);
    const photo = await sharp({ create: { width: 480, height: 640, channels: 3, background: { r: 190, g: 180, b: 170 } } }).jpeg().toBuffer();
    const signature = await padSignature();
    const steps = DEVICE_STEPS;
    const submissions = members.map((memberId) => ({ id: randomUUID(), memberId, data: {}, steps }));
    const form = (submission: object) => {
      const body = new FormData();
      body.append('submission', JSON.stringify(submission));
      body.append('photo', new Blob([new Uint8Array(photo)], { type: 'image/jpeg' }), 'anh.jpg');
      body.append('signature', new Blob([new Uint8Array(signature)], { type: 'image/png' }), 'chu-ky.png');
      return body;
    };

    const port = await freePort();
    let server = await serve(port);
    const client = new Client(`http://127.0.0.1:${port}`);
    expect((await client.login('quantri', 'mat-khau-thu-nghiem')).status).toBe(200);
    const acknowledged = new Set<string>();
    // A burst from 8 stations; the server is killed once a third of the dossiers are acknowledged.
    let next = 0;
    const station = async () => {
      while (next < submissions.length) {
        const submission = submissions[next++]!;
        const r = await client.request('POST', '/api/dossiers', form(submission)).catch(() => undefined);
        if (r && (r.status === 201 || r.status === 200)) acknowledged.add(submission.id);
        if (acknowledged.size >= submissions.length / 3 && server.exitCode === null) server.kill('SIGKILL');
      }
    };
    await Promise.all(Array.from({ length: 8 }, station));
    expect(acknowledged.size).toBeGreaterThan(0);
    expect(acknowledged.size).toBeLessThan(submissions.length);

    server = await serve(port);
    const store = await encryptedFileStore(path.join(dataDir, 'files'), path.join(dataDir, 'files.key'));
    const stored = await handle.db.selectFrom('dossiers').select(['id', 'photo_ref', 'photo_sha256']).execute();
    const storedIds = new Set(stored.map((d) => d.id));
    // Every acknowledged dossier is there, with its photo readable.
    for (const id of acknowledged) expect(storedIds.has(id), id).toBe(true);
    for (const d of stored) expect((await store.get(d.photo_ref!)).equals(photo)).toBe(true);

    // The stations retry everything they have no answer for (and, to be sure, some they have): no duplicates.
    const again = new Client(`http://127.0.0.1:${port}`);
    expect((await again.login('quantri', 'mat-khau-thu-nghiem')).status).toBe(200);
    for (const submission of submissions) {
      const r = await again.request('POST', '/api/dossiers', form(submission));
      expect([200, 201]).toContain(r.status);
      if (storedIds.has(submission.id)) expect(r.status).toBe(200);
    }
    const rows = await handle.db.selectFrom('dossiers').select(['id', 'member_id', 'conflict_with']).execute();
    expect(rows.length).toBe(submissions.length);
    expect(new Set(rows.map((r) => r.member_id)).size).toBe(submissions.length);
    expect(rows.filter((r) => r.conflict_with !== null)).toEqual([]);
    server.kill('SIGTERM');
  });
});
