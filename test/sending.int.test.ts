import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyRing, type KeyRing } from '../src/cards/key-ring.ts';
import { verifyKeyList } from '../src/cards/domain/keys.ts';
import { cardsOptionsIn } from '../src/server.ts';
import type { DatabaseHandle } from '../src/platform/db.ts';
import type { FileStore } from '../src/platform/files.ts';
import { cliActor } from '../src/platform/scope.ts';
import { getDossier } from '../src/intake/review.ts';
import { createOrganisation } from '../src/organisations/service.ts';
import { importMembers } from '../src/members/import.ts';
import { provinceCommittee } from '../src/reference/service.ts';
import { BATCH_CONTENT_TYPE, verifyReceipt } from '../src/sending/domain/batch.ts';
import { batchBody, enrolProvinceKey, prepareBatch, sendBatch, SendError } from '../src/sending/service.ts';
import { spkiOf } from '../src/cards/key-ring.ts';
import { createTestDatabase } from './database.ts';
import { seedCounterDay } from './counter-fixtures.ts';
import { seedTwoCommunes, writeCsv } from './fixtures.ts';
import { signedInClient, startServer, temporaryFileStore } from './http.ts';
import { approvedDossier, padSignature } from './intake-fixtures.ts';

// Province 68 and the centre share one server (the one-machine default); province 01 is another deployment with its own
// database, sending to that centre over HTTP.
let centre: DatabaseHandle;
let other: DatabaseHandle;
let server: Awaited<ReturnType<typeof startServer>>;
let centreDir: string;
let keys: KeyRing;
let otherKeys: KeyRing;
let files: FileStore;
let otherFiles: FileStore;
let images: { photo: Buffer; signature: Buffer };
let members68: { id: string; personal_id: string }[];

const dir = () => mkdtempSync(path.join(tmpdir(), 'doithe-sending-'));
const states = async (handle: DatabaseHandle, ids: string[]) =>
  (await handle.db.selectFrom('dossiers').select(['id', 'state', 'centre_conflict', 'record']).where('id', 'in', ids).execute()).map((r) => ({ ...r, record: r.record as { steps: Record<string, unknown> } }));
const countRows = async (table: 'centre_batches' | 'centre_records') => Number((await centre.db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);

async function waitFor<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The bytes of a prepared batch as they would travel. */
async function bodyOf(handle: DatabaseHandle, store: FileStore, batchId: string): Promise<Buffer> {
  const { manifest } = await handle.db.selectFrom('send_batches').select('manifest').where('id', '=', batchId).executeTakeFirstOrThrow();
  const chunks: Buffer[] = [];
  for await (const pieces of batchBody(handle.db, store, batchId, manifest)) chunks.push(...pieces);
  return Buffer.concat(chunks);
}

const post = (batchId: string, body: Buffer) => fetch(`${server.base}/api/centre/batches/${batchId}`, { method: 'POST', headers: { 'content-type': BATCH_CONTENT_TYPE }, body: new Uint8Array(body) });

beforeAll(async () => {
  centre = await createTestDatabase();
  other = await createTestDatabase();
  const units = await seedTwoCommunes(centre);
  await seedCounterDay(centre, units, 6);
  members68 = await centre.db.selectFrom('members').select(['id', 'personal_id']).where('eligible', '=', true).orderBy('id').execute();
  // Province 01: one member, listed there too though already listed (and taken) in Lâm Đồng.
  const hanoi = await provinceCommittee(other.db, '01');
  await other.db.insertInto('communes').values({ code: '90101', province_code: '01', name: 'Phường Thử Ba', kind: 'phuong' }).execute();
  const commune = await createOrganisation(other.db, cliActor(), { parentId: hanoi.id, name: 'Đảng bộ phường Thử Ba', kind: 'commune_committee', communeCode: '90101' });
  const cell = await createOrganisation(other.db, cliActor(), { parentId: commune.id, name: 'Chi bộ khu phố Ba', kind: 'cell' });
  const moved = members68.find((m) => m.personal_id === '068058001004')!;
  const imported = await importMembers(other.db, other.pool, cliActor(), {
    path: writeCsv(['Họ và tên,Số định danh cá nhân,Ngày sinh,Giới tính,Ngày vào Đảng,Ngày chính thức,Số thẻ đảng', `Phạm Văn Bắc,${moved.personal_id},10/10/1958,Nam,10/10/1980,10/10/1981,01.000777`]),
  }, { organisationId: cell.id });
  expect(imported.accepted).toBe(1);
  centreDir = dir();
  otherKeys = keyRing(path.join(dir(), 'keys'));
  files = await temporaryFileStore();
  otherFiles = await temporaryFileStore();
  images = { photo: await sharp({ create: { width: 480, height: 640, channels: 3, background: '#c8beb4' } }).jpeg().toBuffer(), signature: await padSignature() };
  const cards = await cardsOptionsIn(centreDir, 'both', undefined, 1);
  keys = cards.keys;
  server = await startServer(centre, { files, cards });
});
afterAll(async () => {
  await server?.close();
  await centre?.close();
  await other?.close();
});

describe('sending approved dossiers to the centre', () => {
  let sentIds: string[];
  let firstBatch: string;

  it('sends a province batch over HTTP in the background; the signed receipt marks the dossiers sent', async () => {
    sentIds = [];
    for (const m of members68.slice(0, 4)) sentIds.push(await approvedDossier(centre, files, m.id, images));
    const admin = await signedInClient(server.base, 'quantri');
    const created = await admin.request('POST', '/api/sending/batches', { provinceCode: '68' });
    expect(created.status).toBe(201);
    const batch = (created.body as { batch: { id: string; dossiers: number; state: string } }).batch;
    expect(batch).toMatchObject({ dossiers: 4, state: 'prepared' });
    firstBatch = batch.id;
    const acknowledged = await waitFor(async () => {
      const list = (await admin.request('GET', '/api/sending/batches')).body as { items: { id: string; state: string; accepted: number; conflicts: number }[] };
      const mine = list.items.find((b) => b.id === batch.id);
      return mine?.state === 'acknowledged' ? mine : undefined;
    }, 'the batch to be acknowledged');
    expect(acknowledged).toMatchObject({ accepted: 4, conflicts: 0 });
    for (const d of await states(centre, sentIds)) {
      expect(d.state).toBe('sent');
      expect(d.record.steps.sending).toBeTruthy();
    }
    // The receipt is signed by a key of the centre's published list, itself signed by the root.
    const list = verifyKeyList(Buffer.from(await (await fetch(`${server.base}/api/public/issuer-keys`)).arrayBuffer()), await keys.rootPublic());
    expect(list.ok).toBe(true);
    const { receipt } = await centre.db.selectFrom('send_batches').select('receipt').where('id', '=', batch.id).executeTakeFirstOrThrow();
    const verified = verifyReceipt(receipt!, list.ok ? list.keyOf : () => undefined);
    expect(verified).toMatchObject({ ok: true, receipt: { batchId: batch.id, provinceCode: '68', dossiers: 4, conflicts: [] } });
    expect(await countRows('centre_records')).toBe(4);
    // Nothing left to send: no empty batch.
    expect((await admin.request('POST', '/api/sending/batches', { provinceCode: '68' })).body).toEqual({ batch: null });
  });

  it('answers a batch sent again with its first receipt and stores it once', async () => {
    const before = { batches: await countRows('centre_batches'), records: await countRows('centre_records') };
    const body = await bodyOf(centre, files, firstBatch);
    const again = await post(firstBatch, body);
    expect(again.status).toBe(200);
    const answer = (await again.json()) as { receipt: string; replay: boolean };
    expect(answer.replay).toBe(true);
    const { receipt } = await centre.db.selectFrom('centre_batches').select('receipt').where('id', '=', firstBatch).executeTakeFirstOrThrow();
    expect(Buffer.from(answer.receipt, 'base64').equals(receipt)).toBe(true);
    // The province lost the answer and sends again through its own path: same outcome.
    await centre.db.updateTable('send_batches').set({ state: 'prepared' }).where('id', '=', firstBatch).execute();
    expect((await sendBatch(centre.db, keys, files, { url: server.base }, firstBatch)).state).toBe('acknowledged');
    expect({ batches: await countRows('centre_batches'), records: await countRows('centre_records') }).toEqual(before);
  });

  it('refuses a tampered batch whole, naming the dossier and the part, and keeps nothing of it', async () => {
    const id = await approvedDossier(centre, files, members68[4]!.id, images);
    const batch = (await prepareBatch(centre.db, cliActor(), keys, { provinceCode: '68' }))!;
    const body = await bodyOf(centre, files, batch.id);
    const before = { batches: await countRows('centre_batches'), records: await countRows('centre_records') };
    // One byte of the photo (the JPEG's middle), and then one byte of the signed manifest's payload.
    const photoAt = body.indexOf(images.photo.subarray(100, 132));
    const photoTampered = Buffer.from(body);
    photoTampered[photoAt + 16] = photoTampered[photoAt + 16]! ^ 0x01;
    const refused = await post(batch.id, photoTampered);
    expect(refused.status).toBe(422);
    const error = ((await refused.json()) as { error: { code: string; message: string } }).error;
    expect(error.code).toBe('centre.batch_tampered');
    expect(error.message).toContain('hồ sơ thứ 1');
    expect(error.message).toContain(id);
    expect(error.message).toContain('ảnh');
    const manifestTampered = Buffer.from(body);
    const idAt = manifestTampered.indexOf(Buffer.from(id));
    manifestTampered[idAt] = manifestTampered[idAt] === 0x61 ? 0x62 : 0x61;
    const forged = await post(batch.id, manifestTampered);
    expect(forged.status).toBe(422);
    expect(((await forged.json()) as { error: { message: string } }).error.message).toContain('chữ ký số sai');
    // A batch cut short, and bytes after the last dossier.
    expect((await post(batch.id, body.subarray(0, body.length - 10))).status).toBe(400);
    expect((await post(batch.id, Buffer.concat([body, Buffer.from('x')]))).status).toBe(400);
    expect({ batches: await countRows('centre_batches'), records: await countRows('centre_records') }).toEqual(before);
    expect(readdirSync(path.join(centreDir, 'centre', 'batches')).filter((f) => f.endsWith('.part'))).toEqual([]);
    // The untouched batch still goes through.
    expect((await sendBatch(centre.db, keys, files, { url: server.base }, batch.id)).state).toBe('acknowledged');
  });

  it('refuses a batch signed by a key the centre never enrolled, then accepts it once enrolled; the member sent by two provinces comes back as a conflict', async () => {
    const moved = (await other.db.selectFrom('members').select('id').executeTakeFirstOrThrow()).id;
    const dossier = await approvedDossier(other, otherFiles, moved, images);
    const batch = (await prepareBatch(other.db, cliActor(), otherKeys, { provinceCode: '01' }))!;
    expect(batch.dossiers).toBe(1);
    // The other deployment trusts the centre's root key, given to it once.
    const { writeFileSync } = await import('node:fs');
    writeFileSync(path.join(otherKeys.dir, 'root.pub.pem'), (await keys.rootPublic()).export({ format: 'pem', type: 'spki' }));
    const refusal = await sendBatch(other.db, otherKeys, otherFiles, { url: server.base }, batch.id).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(SendError);
    expect((refusal as SendError).final).toBe(true);
    expect((refusal as SendError).message).toContain('chưa được Trung ương đăng ký');
    expect(await other.db.selectFrom('send_batches').select(['state', 'last_error']).where('id', '=', batch.id).executeTakeFirstOrThrow()).toMatchObject({ state: 'refused' });
    // The centre enrols province 01's public key (an administrator's step there).
    const key = await otherKeys.province('01');
    await enrolProvinceKey(centre.db, '01', { kid: key.kid, spki: spkiOf(key.privateKey) });
    await other.db.updateTable('send_batches').set({ state: 'prepared' }).where('id', '=', batch.id).execute();
    const acknowledged = await sendBatch(other.db, otherKeys, otherFiles, { url: server.base }, batch.id);
    expect(acknowledged).toMatchObject({ state: 'acknowledged', accepted: 0, conflicts: 1 });
    const [row] = await states(other, [dossier]);
    expect(row!.state).toBe('ready_to_send');
    expect(row!.centre_conflict).toMatchObject({ reason: 'member_taken', acceptedProvinceCode: '68' });
    // The province's supervisor sees the centre's answer on the dossier.
    expect(await getDossier(other.db, cliActor(), dossier, 'vi')).toMatchObject({ centreConflict: { reason: 'member_taken', acceptedProvinceCode: '68' } });
    // Kept at the centre as a conflict beside the accepted one; and not picked for the next batch.
    expect(await centre.db.selectFrom('centre_records').select(['status', 'province_code']).where('dossier_id', '=', dossier).executeTakeFirstOrThrow()).toEqual({ status: 'conflict', province_code: '01' });
    expect(await prepareBatch(other.db, cliActor(), otherKeys, { provinceCode: '01' })).toBeNull();
  });

  it('keeps a batch to try again while the centre cannot be reached', async () => {
    const member = members68.find((m, i) => i > 4 && m)!;
    await approvedDossier(centre, files, member.id, images);
    const batch = (await prepareBatch(centre.db, cliActor(), keys, { provinceCode: '68' }))!;
    const down = await sendBatch(centre.db, keys, files, { url: 'http://127.0.0.1:9' }, batch.id).catch((e: unknown) => e);
    expect(down).toBeInstanceOf(SendError);
    expect((down as SendError).final).toBe(false);
    expect(await centre.db.selectFrom('send_batches').select(['state', 'attempts']).where('id', '=', batch.id).executeTakeFirstOrThrow()).toEqual({ state: 'prepared', attempts: 1 });
    expect((await sendBatch(centre.db, keys, files, { url: server.base }, batch.id)).state).toBe('acknowledged');
  });

  it('refuses to send a batch whose stored photo is gone, naming the dossier', async () => {
    const member = members68.filter((m, i) => i > 5)[0]!;
    const id = await approvedDossier(centre, files, member.id, images);
    const batch = (await prepareBatch(centre.db, cliActor(), keys, { provinceCode: '68' }))!;
    const { photo_ref } = await centre.db.selectFrom('dossiers').select('photo_ref').where('id', '=', id).executeTakeFirstOrThrow();
    await files.delete(photo_ref!);
    const refused = await sendBatch(centre.db, keys, files, { url: server.base }, batch.id).catch((e: unknown) => e);
    expect(refused).toMatchObject({ final: true });
    expect((refused as Error).message).toContain(id);
    expect(await centre.db.selectFrom('send_batches').select('state').where('id', '=', batch.id).executeTakeFirstOrThrow()).toEqual({ state: 'refused' });
  });

  it('lets only senders of the province prepare its batches', async () => {
    const officer = await signedInClient(server.base, 'canbo.b');
    expect((await officer.request('POST', '/api/sending/batches', { provinceCode: '68' })).status).toBe(403);
  });
});
