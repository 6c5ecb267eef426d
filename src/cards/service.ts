/**
 * Cards after production: found by number or QR, their way to the member step by step, revocation, and the signed
 * status list published after every revocation (and refreshed before it expires).
 */
import { sql } from 'kysely';
import type { Db, Queryable } from '../platform/db.ts';
import { AppError } from '../platform/errors.ts';
import { requirePermission } from '../platform/permissions.ts';
import type { CardState, RevocationReason } from '../platform/schema.ts';
import type { Actor } from '../platform/scope.ts';
import { appendAudit } from '../audit/store.ts';
import { translate } from '../platform/i18n/index.ts';
import { organisationInScope } from '../organisations/scope.ts';
import { checkImage } from '../intake/images.ts';
import { QR_PREFIX } from './domain/claims.ts';
import { parseCardNumber } from './domain/card-number.ts';
import { verifyCardQr } from './domain/qr.ts';
import { emptyBits, setRevoked } from './domain/status-bits.ts';
import { signStatusList } from './domain/status-list.ts';
import { checkStep, REVOCATION_REASONS } from './domain/lifecycle.ts';
import { issuerKeyLookup, type KeyRing } from './key-ring.ts';

/** How long a status list is trusted; a new one is published after each revocation and well before this runs out. */
const STATUS_LIST_VALID_HOURS = 48;


/** Cards the actor may see: everywhere for the centre; otherwise those of organisations in the actor's scope. */
function cardsInScope(db: Queryable, actor: Actor) {
  const { scope } = actor;
  // The card's organisation id comes from the sending province's tree: it names a local organisation only when that
  // organisation is in the same province (one machine). A province's staff scoped to the whole province are matched
  // by the card's province instead, so they also handle their cards at a centre deployed apart (which does not hold
  // the province's tree); staff scoped to a unit or commune need that tree.
  const cards = db
    .selectFrom('cards')
    .leftJoin('organisations as o', (join) => join.onRef('o.id', '=', 'cards.organisation_id').onRef('o.province_code', '=', 'cards.province_code'));
  const wholeProvince = !scope.all && scope.provinceCode !== undefined && !scope.organisationPath && !scope.communeCode;
  return wholeProvince ? cards.where('cards.province_code', '=', scope.provinceCode!) : cards.where(organisationInScope(scope, 'o'));
}

const cardColumns = [
  'cards.id',
  'cards.card_number',
  'cards.personal_id',
  'cards.full_name',
  'cards.province_code',
  'cards.organisation_name',
  'cards.status_index',
  'cards.issued_on',
  'cards.state',
  'cards.revoked_reason',
  'cards.revoked_at',
  'cards.print_batch_id',
  'cards.qr',
] as const;

export interface CardView {
  cardNumber: string;
  personalId: string;
  fullName: string;
  provinceCode: string;
  organisationName: string;
  statusIndex: number;
  issuedOn: string;
  state: CardState;
  revokedReason: RevocationReason | null;
  revokedAt: string | null;
  printBatchId: string;
  qr: string;
}

function cardView(r: { card_number: string; personal_id: string; full_name: string; province_code: string; organisation_name: string; status_index: number; issued_on: string; state: CardState; revoked_reason: RevocationReason | null; revoked_at: Date | null; print_batch_id: string; qr: string }): CardView {
  return {
    cardNumber: r.card_number,
    personalId: r.personal_id,
    fullName: r.full_name,
    provinceCode: r.province_code,
    organisationName: r.organisation_name,
    statusIndex: r.status_index,
    issuedOn: r.issued_on,
    state: r.state,
    revokedReason: r.revoked_reason,
    revokedAt: r.revoked_at ? new Date(r.revoked_at).toISOString() : null,
    printBatchId: r.print_batch_id,
    qr: r.qr,
  };
}

/** The card number a scanned or typed code names: a card number, or a card's QR (checked against the issuer keys). */
async function cardNumberOf(db: Db, code: string): Promise<string> {
  const text = code.trim();
  if (text.startsWith(QR_PREFIX)) {
    const read = verifyCardQr(text, await issuerKeyLookup(db));
    if (!read.ok) throw new AppError('validation', {}, [{ field: 'code', code: `card.qr_${read.problem}` }]);
    return read.claims.cardNumber;
  }
  const parsed = parseCardNumber(text);
  if (!parsed.ok) throw new AppError('validation', {}, [{ field: 'code', code: `card.number_${parsed.problem}` }]);
  return parsed.text;
}

/** The card in the actor's scope; `lock` holds its row for the transaction's change. */
async function cardRow(db: Queryable, actor: Actor, cardNumber: string, lock = false) {
  const query = cardsInScope(db, actor).select(cardColumns).where('cards.card_number', '=', cardNumber);
  const row = await (lock ? query.forUpdate('cards') : query).executeTakeFirst();
  if (!row) throw new AppError('card.not_found', { cardNumber });
  return row;
}

/** The card with its way so far (the caller has checked scope and audits the read or the change). */
async function cardDetail(db: Queryable, row: Awaited<ReturnType<typeof cardRow>>) {
  const events = await db.selectFrom('card_events').select(['step', 'at', 'by_name', 'note', sql<boolean>`signature IS NOT NULL`.as('signed')]).where('card_id', '=', row.id).orderBy('at').orderBy('id').execute();
  return { ...cardView(row), events: events.map((e) => ({ step: e.step, at: e.at.toISOString(), by: e.by_name, note: e.note, signed: e.signed })) };
}

export async function getCard(db: Db, actor: Actor, code: string) {
  requirePermission(actor, 'card.handover');
  const row = await cardRow(db, actor, await cardNumberOf(db, code));
  await appendAudit(db, actor, { action: 'card.read', entity: 'card', entityId: row.card_number, details: {} });
  return cardDetail(db, row);
}

export async function listCards(db: Db, actor: Actor, query: { state?: CardState; printBatchId?: string; page: number; pageSize: number }) {
  requirePermission(actor, 'card.handover');
  let scoped = cardsInScope(db, actor);
  if (query.state) scoped = scoped.where('cards.state', '=', query.state);
  if (query.printBatchId) scoped = scoped.where('cards.print_batch_id', '=', query.printBatchId);
  const [{ total }, rows] = await Promise.all([
    scoped.select((eb) => eb.fn.countAll<string>().as('total')).executeTakeFirstOrThrow(),
    scoped.select(cardColumns).orderBy('cards.card_number').limit(query.pageSize).offset((query.page - 1) * query.pageSize).execute(),
  ]);
  return { items: rows.map(cardView), total: Number(total), page: query.page, pageSize: query.pageSize };
}

/** Records the next step of a card's way, scanned by number or QR; the handover carries the member's signature. */
export async function recordCardStep(db: Db, actor: Actor, input: { code: string; step: CardState; signature?: Buffer; note?: string }) {
  requirePermission(actor, 'card.handover');
  const cardNumber = await cardNumberOf(db, input.code);
  if (input.signature) {
    const checked = await checkImage(input.signature, 'image/png', 'signature');
    if (!checked.ok) throw new AppError('validation', {}, [{ field: 'signature', code: checked.code, params: checked.params }]);
  }
  return db.transaction().execute(async (trx) => {
    const row = await cardRow(trx, actor, cardNumber, true);
    const refusal = checkStep(row.state, input.step, Boolean(input.signature));
    if (refusal) throw new AppError(refusal, { cardNumber, state: `card.state.${row.state}`, step: `card.state.${input.step}` });
    await trx.updateTable('cards').set({ state: input.step }).where('id', '=', row.id).execute();
    await trx.insertInto('card_events').values({ card_id: row.id, step: input.step, by_user: actor.userId, by_name: actor.username, signature: input.signature ?? null, note: input.note ?? null }).execute();
    await appendAudit(trx, actor, { action: `card.${input.step}`, entity: 'card', entityId: cardNumber, details: {} });
    return cardDetail(trx, { ...row, state: input.step });
  });
}

/** Revokes a card, with its reason; the new status list is published in the same transaction. */
export async function revokeCard(db: Db, actor: Actor, keys: KeyRing, input: { code: string; reason: RevocationReason; note?: string }) {
  requirePermission(actor, 'card.revoke');
  if (!REVOCATION_REASONS.includes(input.reason)) throw new AppError('validation', {}, [{ field: 'reason', code: 'card.reason_unknown' }]);
  const cardNumber = await cardNumberOf(db, input.code);
  return db.transaction().execute(async (trx) => {
    const row = await cardRow(trx, actor, cardNumber, true);
    if (row.state === 'revoked') throw new AppError('card.revoked', { cardNumber });
    const revokedAt = new Date();
    await trx.updateTable('cards').set({ state: 'revoked', revoked_reason: input.reason, revoked_note: input.note ?? null, revoked_at: revokedAt }).where('id', '=', row.id).execute();
    await trx.insertInto('card_events').values({ card_id: row.id, step: 'revoked', by_user: actor.userId, by_name: actor.username, note: [translate(`card.reason.${input.reason}`), input.note].filter(Boolean).join(': ') }).execute();
    await appendAudit(trx, actor, { action: 'card.revoke', entity: 'card', entityId: cardNumber, details: { reason: input.reason } });
    await publishStatusList(trx, keys);
    return cardDetail(trx, { ...row, state: 'revoked', revoked_reason: input.reason, revoked_at: revokedAt });
  });
}

/** Signs and stores the status list as the cards now stand. */
async function publishStatusList(db: Queryable, keys: KeyRing): Promise<Buffer> {
  // Serialised: two revocations at once must not publish an older list last.
  await sql`SELECT pg_advisory_xact_lock(hashtext('status_lists'))`.execute(db);
  const { size } = (await sql<{ size: number }>`SELECT coalesce(max(status_index) + 1, 0)::int AS size FROM cards`.execute(db)).rows[0]!;
  const revoked = await db.selectFrom('cards').select('status_index').where('state', '=', 'revoked').execute();
  const bits = emptyBits(Math.max(size, 8));
  for (const r of revoked) setRevoked(bits, r.status_index);
  const issuedAt = new Date();
  const validUntil = new Date(issuedAt.getTime() + STATUS_LIST_VALID_HOURS * 3600_000);
  const signed = signStatusList({ issuedAt: issuedAt.toISOString(), validUntil: validUntil.toISOString(), bits }, await keys.issuer(db as Db));
  await db.insertInto('status_lists').values({ issued_at: issuedAt, valid_until: validUntil, cards: size, revoked: revoked.length, signed }).execute();
  return signed;
}

/** The newest status list; a new one when there is none or the newest has used half its validity. */
export async function currentStatusList(db: Db, keys: KeyRing): Promise<Buffer> {
  const fresh = async (q: Queryable) => {
    const newest = await q.selectFrom('status_lists').select(['signed', 'issued_at', 'valid_until']).orderBy('id', 'desc').limit(1).executeTakeFirst();
    return newest && Date.now() < (newest.issued_at.getTime() + newest.valid_until.getTime()) / 2 ? newest.signed : undefined;
  };
  return (
    (await fresh(db)) ??
    db.transaction().execute(async (trx) => {
      // Many verifiers may ask at once when it is due: the first publishes, the others take that one.
      await sql`SELECT pg_advisory_xact_lock(hashtext('status_lists'))`.execute(trx);
      return (await fresh(trx)) ?? publishStatusList(trx, keys);
    })
  );
}

export async function listPrintBatches(db: Db, actor: Actor) {
  requirePermission(actor, 'card.produce');
  const rows = await db.selectFrom('print_batches').selectAll().orderBy('created_at', 'desc').limit(200).execute();
  return rows.map((r) => ({ id: r.id, provinceCode: r.province_code, communeCode: r.commune_code, areaName: r.area_name, cards: r.cards, createdAt: r.created_at.toISOString() }));
}

/** The cards of a print batch with what is printed and put on the chip, in card number order. */
export async function printBatchCards(db: Db, actor: Actor, printBatchId: string) {
  requirePermission(actor, 'card.produce');
  const batch = await db.selectFrom('print_batches').selectAll().where('id', '=', printBatchId).executeTakeFirst();
  if (!batch) throw new AppError('card.print_batch.not_found', { id: printBatchId });
  const cards = await db.selectFrom('cards').select(['card_number', 'chip', 'qr']).where('print_batch_id', '=', printBatchId).orderBy('card_number').execute();
  await appendAudit(db, actor, { action: 'card.print', entity: 'print_batch', entityId: printBatchId, details: { cards: cards.length } });
  return { batch, cards };
}

/** One card's printed and chip data, by number or QR, in the actor's scope. */
export async function cardForPrint(db: Db, actor: Actor, code: string) {
  requirePermission(actor, 'card.handover');
  const row = await cardRow(db, actor, await cardNumberOf(db, code));
  const { chip } = await db.selectFrom('cards').select('chip').where('id', '=', row.id).executeTakeFirstOrThrow();
  await appendAudit(db, actor, { action: 'card.print', entity: 'card', entityId: row.card_number, details: {} });
  return { card_number: row.card_number, chip, qr: row.qr };
}
