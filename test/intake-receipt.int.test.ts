import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAudit } from '../src/audit/store.ts';
import { loadDemo } from '../src/demo/load.ts';
import { insertReceived, type ReceivedRow } from '../src/intake/receipt-writer.ts';
import { submitDossier, type DossierSubmission } from '../src/intake/service.ts';
import type { DatabaseHandle } from '../src/platform/db.ts';
import type { FileStore } from '../src/platform/files.ts';
import { cliActor } from '../src/platform/scope.ts';
import { createTestDatabase } from './database.ts';
import { temporaryFileStore } from './http.ts';
import { DEVICE_STEPS, padSignature } from './intake-fixtures.ts';

let handle: DatabaseHandle;
let files: FileStore;
let members: string[];
let photo: Buffer;
let signature: Buffer;

beforeAll(async () => {
  handle = await createTestDatabase();
  await loadDemo(handle, { provinceCode: '20', members: 200, seed: 41 });
  members = (await handle.db.selectFrom('members').select('id').where('eligible', '=', true).orderBy('id').limit(60).execute()).map((m) => m.id);
  files = await temporaryFileStore();
  photo = await sharp({ create: { width: 480, height: 640, channels: 3, background: '#c8beb4' } }).jpeg().toBuffer();
  signature = await padSignature();
});
afterAll(async () => {
  await handle?.close();
});

/** A row as submitDossier would build it, for the member. */
const row = (memberId: string): ReceivedRow => ({
  id: randomUUID(),
  member_id: memberId,
  state: 'confirmed',
  data: {},
  record: {},
  photo_ref: `photo-${'0'.repeat(32)}`,
  photo_sha256: 'x',
  signature_ref: `signature-${'0'.repeat(32)}`,
  signature_sha256: 'x',
  payload_sha256: randomUUID(),
});

const submit = (submission: DossierSubmission) => submitDossier(handle.db, cliActor(), files, submission, { content: photo, mime: 'image/jpeg' }, { content: signature, mime: 'image/png' });

describe('group commit of received dossiers', () => {
  it('writes a burst in few transactions, audits every row, and flags a member taken twice in one burst', async () => {
    const burst = [...members.slice(0, 20).map(row), row(members[0]!)];
    const stored = await Promise.all(burst.map((r) => insertReceived(handle.db, r, cliActor())));
    expect(stored.map((s) => s?.id)).toEqual(burst.map((r) => r.id));
    // One transaction gives one received_at (now() is the transaction's start): the burst shared a few of them.
    const times = new Set(stored.map((s) => s!.receivedAt.toISOString()));
    expect(times.size).toBeLessThan(5);
    // The member's second dossier went into a later transaction than the first, and points at it.
    expect(stored[20]!.conflictWith).toBe(burst[0]!.id);
    expect(stored.slice(0, 20).every((s) => s!.conflictWith === null)).toBe(true);
    const audited = await handle.db.selectFrom('audit_log').select('entity_id').where('action', '=', 'dossier.submit').execute();
    expect(new Set(audited.map((a) => a.entity_id))).toEqual(new Set(burst.map((r) => r.id)));
    expect(await verifyAudit(handle.db)).toMatchObject({ ok: true });
  });

  it('fails only the row that cannot be stored, and skips a key already taken', async () => {
    const good = members.slice(20, 30).map(row);
    const orphan = row('999999999'); // no such member: its insert breaks the foreign key
    const taken = { ...row(members[30]!), id: good[0]!.id };
    const results = await Promise.allSettled([...good, orphan, taken].map((r) => insertReceived(handle.db, r, cliActor())));
    expect(results.slice(0, 10).every((r) => r.status === 'fulfilled' && r.value !== undefined)).toBe(true);
    expect(results[10]).toMatchObject({ status: 'rejected', reason: { code: '23503' } });
    expect(results[11]).toEqual({ status: 'fulfilled', value: undefined });
    expect(await handle.db.selectFrom('dossiers').select('id').where('id', '=', orphan.id).execute()).toEqual([]);
    expect(await verifyAudit(handle.db)).toMatchObject({ ok: true });
  });
});

describe('replays', () => {
  it('answers a replay with the original even when the member has changed since, and refuses another payload', async () => {
    const submission = { id: randomUUID(), memberId: members[40]!, data: { phone: '0912345678' }, corrections: [{ field: 'phone', old: null, new: '0912345678', at: '2026-12-01T08:00:00+07:00' }], steps: DEVICE_STEPS };
    const first = await submit(submission);
    expect(first).toMatchObject({ replayed: false, dossier: { id: submission.id, state: 'confirmed' } });
    // No longer eligible: a new dossier would be refused, the retry of the stored one is answered as before.
    await sql`UPDATE members SET party_card_number = NULL WHERE id = ${members[40]!}`.execute(handle.db);
    await expect(submit({ ...submission, id: randomUUID() })).rejects.toMatchObject({ code: 'validation' });
    expect(await submit({ ...submission })).toEqual({ ...first, replayed: true });
    await expect(submit({ ...submission, data: { phone: '0999999999' } })).rejects.toMatchObject({ code: 'dossier.conflict' });
  });

  it('answers the same key sent twice at once with one stored dossier and one replay', async () => {
    const submission = { id: randomUUID(), memberId: members[41]!, data: {}, steps: DEVICE_STEPS };
    const answers = await Promise.all([submit(submission), submit({ ...submission })]);
    expect(answers.map((a) => a.replayed).sort()).toEqual([false, true]);
    expect(answers[0]!.dossier).toEqual(answers[1]!.dossier);
    expect(await handle.db.selectFrom('dossiers').select('id').where('member_id', '=', members[41]!).execute()).toHaveLength(1);
  });
});
