import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeBase45 } from '../src/cards/domain/base45.ts';
import { QR_PREFIX } from '../src/cards/domain/claims.ts';
import { signCose } from '../src/cards/domain/cose.ts';
import { encodeCardQr } from '../src/cards/domain/qr.ts';
import { emptyBits } from '../src/cards/domain/status-bits.ts';
import { signStatusList } from '../src/cards/domain/status-list.ts';
import type { KeyRing } from '../src/cards/key-ring.ts';
import { verifyCard } from '../src/cards/verify.ts';
import { cardsOptionsIn } from '../src/server.ts';
import type { DatabaseHandle } from '../src/platform/db.ts';
import type { FileStore } from '../src/platform/files.ts';
import { cliActor } from '../src/platform/scope.ts';
import { enrolLocalProvince, prepareBatch, sendBatch } from '../src/sending/service.ts';
import { seedCounterDay } from './counter-fixtures.ts';
import { createTestDatabase } from './database.ts';
import { seedTwoCommunes } from './fixtures.ts';
import { signedInClient, startServer, temporaryFileStore, type Client } from './http.ts';
import { approvedDossier, padSignature } from './intake-fixtures.ts';

const run = promisify(execFile);

let handle: DatabaseHandle;
let server: Awaited<ReturnType<typeof startServer>>;
let keys: KeyRing;
let files: FileStore;
let admin: Client;
let dir: string;
let signature: Buffer;
let incomplete: string;

interface Card {
  cardNumber: string;
  fullName: string;
  personalId: string;
  state: string;
  qr: string;
  statusIndex: number;
}

const download = async (route: string) => Buffer.from(await (await fetch(`${server.base}${route}`)).arrayBuffer());
async function trust() {
  return { root: await keys.rootPublic(), keyList: await download('/api/public/issuer-keys'), statusList: await download('/api/public/status-list') };
}

beforeAll(async () => {
  handle = await createTestDatabase();
  const units = await seedTwoCommunes(handle);
  await seedCounterDay(handle, units, 4);
  dir = mkdtempSync(path.join(tmpdir(), 'doithe-cards-'));
  files = await temporaryFileStore();
  signature = await padSignature();
  const photo = await sharp({ create: { width: 480, height: 640, channels: 3, background: '#c8beb4' } }).jpeg().toBuffer();
  const members = await handle.db.selectFrom('members').select('id').where('eligible', '=', true).orderBy('id').limit(5).execute();
  // The fifth has no date of joining the Party on record: no card can be made from it.
  await handle.db.updateTable('members').set({ admitted_on: null }).where('id', '=', members[4]!.id).execute();
  incomplete = members[4]!.id;
  for (const m of members) await approvedDossier(handle, files, m.id, { photo, signature });
  const cards = await cardsOptionsIn(dir);
  keys = cards.keys;
  server = await startServer(handle, { files, cards });
  await enrolLocalProvince(handle.db, keys, '68');
  const batch = await prepareBatch(handle.db, cliActor(), keys, { provinceCode: '68' });
  await sendBatch(handle.db, keys, files, { url: server.base }, batch!.id);
  admin = await signedInClient(server.base, 'quantri');
});
afterAll(async () => {
  await server?.close();
  await handle?.close();
});

describe('cards at the centre', () => {
  let cards: Card[];

  it('produces numbered, signed cards in print batches, prints them and exports the chip data', async () => {
    const produced = await admin.request('POST', '/api/cards/production', {});
    expect(produced.status).toBe(200);
    // The record no card can be made from is set aside with the reason; the others are made.
    const { personal_id: incompleteId } = await handle.db.selectFrom('members').select('personal_id').where('id', '=', incomplete).executeTakeFirstOrThrow();
    expect(produced.body).toMatchObject({ cards: 4, problems: [{ personalId: incompleteId, problem: 'missing_admittedOn', message: 'thiếu ngày vào Đảng' }] });
    const list = (await admin.request('GET', '/api/cards')).body as { items: Card[]; total: number };
    cards = list.items;
    expect(list.total).toBe(4);
    const year = new Date().getFullYear();
    for (const c of cards) expect(c.cardNumber).toMatch(new RegExp(`^68\\.${year}\\.\\d{6}-\\d$`));
    expect(new Set(cards.map((c) => c.statusIndex)).size).toBe(4);
    // Produced again: nothing new (each record gets one card).
    expect((await admin.request('POST', '/api/cards/production', {})).body).toEqual({ cards: 0, printBatches: [], problems: [] });
    const batches = (await admin.request('GET', '/api/cards/print-batches')).body as { items: { id: string; cards: number; areaName: string }[] };
    expect(batches.items.reduce((n, b) => n + b.cards, 0)).toBe(4);
    const pdf = await admin.download(`/api/cards/print-batches/${batches.items[0]!.id}/cards.pdf`);
    expect(pdf.status).toBe(200);
    const file = path.join(dir, 'cards.pdf');
    writeFileSync(file, Buffer.from(await pdf.arrayBuffer()));
    const { stdout: info } = await run('pdfinfo', [file]);
    // Two CR80 pages (front, back) per card: 242.65 × 153.01 pt.
    expect(info).toMatch(/Page size:\s+242\.6\d* x 153\.0\d* pts/);
    expect(Number(/Pages:\s+(\d+)/.exec(info)![1])).toBe(2 * batches.items[0]!.cards);
    const { stdout: text } = await run('pdftotext', ['-layout', file, '-']);
    expect(text).toContain('THẺ ĐẢNG VIÊN');
    const first = cards.find((c) => text.includes(c.cardNumber))!;
    expect(text).toContain(first.fullName.toLocaleUpperCase('vi'));
    // The chip export: one signed chip record per card, which verifies (with its photo).
    const jsonl = (await (await admin.download(`/api/cards/print-batches/${batches.items[0]!.id}/chip-data.jsonl`)).text()).trim().split('\n');
    const line = JSON.parse(jsonl[0]!) as { cardNumber: string; chip: string };
    const chip = verifyCard(Buffer.from(line.chip, 'base64'), await trust());
    expect(chip).toMatchObject({ verdict: 'valid', kind: 'chip', claims: { cardNumber: line.cardNumber } });
    expect(chip.record!.photo.length).toBeLessThanOrEqual(12_000);
  });

  it('records each step of the way in order, scanned by QR or number, the handover with the member signature', async () => {
    const card = cards[0]!;
    const scan = (step: string, extra: Record<string, unknown> = {}) => admin.request('POST', '/api/cards/scan', { code: card.qr, step, ...extra });
    const early = await admin.request('POST', '/api/cards/scan', { code: card.cardNumber, step: 'at_organisation' });
    expect(early.status).toBe(400);
    expect((early.body as { error: { message: string } }).error.message).toContain('đang ở bước "đã sản xuất"');
    expect((await scan('shipped')).status).toBe(200);
    expect((await admin.request('POST', '/api/cards/scan', { code: card.cardNumber.replace(/\./g, ''), step: 'at_organisation' })).status).toBe(200);
    const unsigned = await scan('handed_over');
    expect((unsigned.body as { error: { code: string } }).error.code).toBe('card.signature_required');
    const handed = await scan('handed_over', { signature: signature.toString('base64') });
    expect(handed.status).toBe(200);
    expect(handed.body).toMatchObject({ state: 'handed_over', events: [{ step: 'produced' }, { step: 'shipped' }, { step: 'at_organisation' }, { step: 'handed_over', signed: true }] });
    // A mistyped number is caught by its check digit.
    const typo = card.cardNumber.replace(/-(\d)$/, (_, d: string) => `-${(Number(d) + 1) % 10}`);
    const wrong = await admin.request('GET', `/api/cards/${encodeURIComponent(typo)}`);
    expect((wrong.body as { error: { issues: { code: string }[] } }).error.issues[0]!.code).toBe('card.number_check_digit');
    // A commune's officer sees the cards of the commune's members only.
    const officerA = await signedInClient(server.base, 'canbo.a');
    const seen = ((await officerA.request('GET', '/api/cards')).body as { items: Card[] }).items.map((c) => c.cardNumber);
    expect(seen.length).toBe(2);
    const elsewhere = cards.find((c) => !seen.includes(c.cardNumber))!;
    expect((await officerA.request('GET', `/api/cards/${encodeURIComponent(elsewhere.cardNumber)}`)).status).toBe(404);
  });

  it('verifies a card before and after revocation, with the published key and status lists (CLI, offline)', async () => {
    const card = cards[1]!;
    const cli = async (...args: string[]) => {
      const result = await run('node', ['bin/doithe.js', 'card', 'verify', ...args, '--root', path.join(dir, 'root.pub.pem'), '--cache', path.join(dir, 'verify-cache')]).catch((e: { stdout: string; code: number }) => e);
      return { out: result.stdout, code: (result as { code?: number }).code ?? 0 };
    };
    writeFileSync(path.join(dir, 'root.pub.pem'), (await keys.rootPublic()).export({ format: 'pem', type: 'spki' }));
    const before = await cli(card.qr, '--url', server.base);
    expect(before.code).toBe(0);
    expect(before.out).toContain('Kết quả: HỢP LỆ');
    expect(before.out).toContain(card.fullName);
    const revoked = await admin.request('POST', `/api/cards/${encodeURIComponent(card.cardNumber)}/revoke`, { reason: 'lost', note: 'Báo mất ngày 20/11' });
    expect(revoked.body).toMatchObject({ state: 'revoked', revokedReason: 'lost' });
    // Offline: the cached lists still say "valid", and say how old they are; fetched again, "revoked".
    const stale = await cli(card.qr, '--json');
    expect(JSON.parse(stale.out)).toMatchObject({ verdict: 'valid', statusListAgeHours: expect.any(Number) });
    const after = await cli(card.qr, '--url', server.base, '--json');
    expect(after.code).toBe(3);
    expect(JSON.parse(after.out)).toMatchObject({ verdict: 'revoked', claims: { cardNumber: card.cardNumber } });
    // A card scanned for a step after revocation is refused.
    expect(((await admin.request('POST', '/api/cards/scan', { code: card.qr, step: 'shipped' })).body as { error: { code: string } }).error.code).toBe('card.revoked');
    // Lost: a new card is made from the same record, with a new number and status bit; the old one stays revoked.
    expect((await admin.request('POST', '/api/cards/production', {})).body).toMatchObject({ cards: 1 });
    const again = ((await admin.request('GET', '/api/cards?state=produced')).body as { items: Card[] }).items.filter((c) => c.personalId === card.personalId);
    expect(again).toHaveLength(1);
    expect(again[0]!.cardNumber).not.toBe(card.cardNumber);
    expect(again[0]!.statusIndex).not.toBe(card.statusIndex);
    // Deceased: no new card.
    await admin.request('POST', `/api/cards/${encodeURIComponent(again[0]!.cardNumber)}/revoke`, { reason: 'deceased' });
    expect((await admin.request('POST', '/api/cards/production', {})).body).toMatchObject({ cards: 0 });
  });

  it('refuses a changed QR, base45 that is not, truncated CBOR, an unknown key and an expired status list — never "valid"', async () => {
    const t = await trust();
    const card = cards[2]!;
    const body = card.qr.slice(QR_PREFIX.length);
    // Any one character changed to another of the alphabet.
    const swapped = QR_PREFIX + body.slice(0, 20) + (body[20] === 'A' ? 'B' : 'A') + body.slice(21);
    expect(verifyCard(swapped, t).verdict).toBe('invalid');
    expect(verifyCard(QR_PREFIX + body.slice(0, 10) + 'é' + body.slice(11), t)).toMatchObject({ verdict: 'invalid', problem: 'not_base45' });
    const issuer = await keys.issuer(handle.db);
    const cose = signCose(Buffer.from([0xa1, 0x01]), issuer);
    expect(verifyCard(QR_PREFIX + encodeBase45(deflateSync(cose.subarray(0, cose.length - 20))), t)).toMatchObject({ verdict: 'invalid', problem: 'truncated' });
    const stranger = { kid: 'BTC-khongro', privateKey: generateKeyPairSync('ed25519').privateKey };
    const claims = { cardNumber: card.cardNumber, personalId: card.personalId, fullName: card.fullName, dateOfBirth: '1960-01-01', issuedOn: '2026-11-23', issuer: 'Ban Tổ chức Trung ương', statusIndex: card.statusIndex };
    expect(verifyCard(encodeCardQr(claims, stranger), t)).toMatchObject({ verdict: 'invalid', problem: 'unknown_key' });
    // A list issued now, valid for a minute, read a day later.
    const expired = signStatusList({ issuedAt: new Date().toISOString(), validUntil: new Date(Date.now() + 60_000).toISOString(), bits: emptyBits(8) }, issuer);
    expect(verifyCard(card.qr, { ...t, statusList: expired, now: new Date(Date.now() + 86_400_000) })).toMatchObject({ verdict: 'status_expired', statusListAgeHours: 24 });
    expect(verifyCard(card.qr, { ...t, statusList: undefined })).toMatchObject({ verdict: 'status_unknown' });
  });

  it('keeps cards signed with a rotated-out key valid, and signs new ones with the new key', async () => {
    const old = await keys.issuer(handle.db);
    const fresh = await keys.rotateIssuer(handle.db);
    expect(fresh.kid).not.toBe(old.kid);
    const t = await trust();
    expect(verifyCard(cards[3]!.qr, t)).toMatchObject({ verdict: 'valid', kid: old.kid });
    expect(verifyCard(cards[1]!.qr, t)).toMatchObject({ verdict: 'revoked' });
    // The retired key cannot speak for the cards any more: a status list it signs now (clearing every bit) is not taken.
    const forged = signStatusList({ issuedAt: new Date(Date.now() + 1000).toISOString(), validUntil: new Date(Date.now() + 3_600_000).toISOString(), bits: emptyBits(64) }, old);
    expect(verifyCard(cards[1]!.qr, { ...t, statusList: forged, now: new Date(Date.now() + 2000) })).toMatchObject({ verdict: 'status_unknown', problem: 'status_list_outside_key_period' });
  });
});
