/**
 * Card production at the centre (decisions 0017, 0018): each accepted record without a card gets a number (a serial
 * of its province and year), a bit in the status list, a chip record and a QR signed by the current issuer key, and
 * a place in a print batch (one per province and commune committee's area). All of a run commits together.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import sharp from 'sharp';
import type { Db, Queryable } from '../platform/db.ts';
import { AppError } from '../platform/errors.ts';
import { requirePermission } from '../platform/permissions.ts';
import type { Actor } from '../platform/scope.ts';
import { appendAudit } from '../audit/store.ts';
import { translate } from '../platform/i18n/index.ts';
import { todayInVietnam } from '../common/dates.ts';
import { pieceLabel, type BatchContentStore } from '../centre/batch-content.ts';
import { formatCardNumber } from './domain/card-number.ts';
import { signChipRecord, type ChipRecord } from './domain/chip.ts';
import { encodeCardQr } from './domain/qr.ts';
import type { KeyRing } from './key-ring.ts';

const ISSUER_NAME = 'Ban Tổ chức Trung ương';
/** The chip's photo: 3×4, JPEG, at most this many bytes (the chip's data group has room for about 15 KB). */
const CHIP_PHOTO_BYTES = 12_000;
const MAX_RUN = 20_000;

/** The sent data the card is made from (what the province put in the batch; see sending/service.ts). */
interface SentData {
  personalId: string;
  fullName: string;
  dateOfBirth: string | null;
  birthYear: number;
  gender: 'male' | 'female';
  admittedOn: string | null;
  officialOn: string | null;
  partyCardNumber: string | null;
  organisation: { id: string | number; name: string; communeCode: string | null };
}

/** The photo scaled to 240×320 and compressed until it fits the chip. */
async function chipPhoto(photo: Buffer): Promise<Buffer> {
  const scaled = sharp(photo).resize(240, 320, { fit: 'cover', position: 'attention' });
  for (const quality of [70, 55, 40, 30]) {
    const jpeg = await scaled.clone().jpeg({ quality, mozjpeg: true }).toBuffer();
    if (jpeg.length <= CHIP_PHOTO_BYTES) return jpeg;
  }
  return scaled.clone().resize(180, 240).jpeg({ quality: 30, mozjpeg: true }).toBuffer();
}

export interface ProductionRun {
  cards: number;
  printBatches: { id: string; areaName: string; cards: number }[];
  /** Records no card could be made from, set aside with the reason (the rest of the run goes on). */
  problems: { dossierId: string; personalId: string; problem: string; message: string }[];
}

/** What a card is made from, checked: a problem names what is missing or unreadable (a code under card.problem.). */
async function materials(record: { data: unknown; photo: () => Promise<Buffer> }): Promise<{ ok: true; data: SentData; photo: Buffer } | { ok: false; problem: string }> {
  const data = record.data as Partial<SentData>;
  const text = (v: unknown) => typeof v === 'string' && v.trim() !== '';
  for (const field of ['personalId', 'fullName', 'admittedOn'] as const) if (!text(data[field])) return { ok: false, problem: `missing_${field}` };
  if (data.gender !== 'male' && data.gender !== 'female') return { ok: false, problem: 'missing_gender' };
  if (!text(data.organisation?.name)) return { ok: false, problem: 'missing_organisation' };
  if (!text(data.dateOfBirth) && !Number.isInteger(data.birthYear)) return { ok: false, problem: 'missing_dateOfBirth' };
  try {
    return { ok: true, data: data as SentData, photo: await chipPhoto(await record.photo()) };
  } catch {
    return { ok: false, problem: 'photo_unreadable' };
  }
}

/**
 * Produces the cards of up to `max` accepted records of a province (or of every province) that have no live card (a
 * card lost or replaced is made again; one of a member who died or left is not). A record no card can be made from is
 * set aside with the reason and the run goes on.
 */
export async function produceCards(db: Db, actor: Actor, keys: KeyRing, content: BatchContentStore, input: { provinceCode?: string; max?: number } = {}): Promise<ProductionRun> {
  requirePermission(actor, 'card.produce');
  if (!actor.scope.all) throw new AppError('auth.forbidden');
  const issuer = await keys.issuer(db);
  const max = Math.min(Math.max(1, input.max ?? MAX_RUN), MAX_RUN);
  return db.transaction().execute(async (trx) => {
    await sql`SELECT pg_advisory_xact_lock(hashtext('card_production'))`.execute(trx);
    let query = trx
      .selectFrom('centre_records as r')
      .innerJoin('centre_batches as b', 'b.id', 'r.batch_id')
      .select(['r.dossier_id', 'r.batch_id', 'r.seq', 'r.province_code', 'r.personal_id', 'r.data', 'r.photo_offset', 'r.photo_length', 'b.content_file'])
      .where('r.status', '=', 'accepted')
      .where('r.production_problem', 'is', null)
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('cards as c')
              .select('c.id')
              .whereRef('c.dossier_id', '=', 'r.dossier_id')
              .where((w) => w.or([w('c.state', '<>', 'revoked'), w('c.revoked_reason', 'in', ['deceased', 'left_party'])])),
          ),
        ),
      )
      .orderBy('r.province_code')
      .orderBy(sql`r.data->'organisation'->>'communeCode'`)
      .orderBy('r.received_at')
      .orderBy('r.seq')
      .limit(max);
    if (input.provinceCode) query = query.where('r.province_code', '=', input.provinceCode);
    const records = await query.execute();
    const problems: ProductionRun['problems'] = [];
    const ready: { record: (typeof records)[number]; data: SentData; photo: Buffer }[] = [];
    for (const record of records) {
      const got = await materials({ data: record.data, photo: () => content.read(record.content_file, { offset: Number(record.photo_offset), length: record.photo_length }, pieceLabel(record.batch_id, record.seq, 'photo')) });
      if (got.ok) ready.push({ record, data: got.data, photo: got.photo });
      else problems.push({ dossierId: record.dossier_id, personalId: record.personal_id, problem: got.problem, message: translate(`card.problem.${got.problem}`) });
    }
    if (problems.length) {
      await sql`UPDATE centre_records r SET production_problem = u.problem
        FROM unnest(${problems.map((p) => p.dossierId)}::uuid[], ${problems.map((p) => p.problem)}::text[]) AS u(dossier_id, problem)
        WHERE r.dossier_id = u.dossier_id`.execute(trx);
    }
    if (!ready.length) return { cards: 0, printBatches: [], problems };
    const issuedOn = todayInVietnam();
    const year = Number(issuedOn.slice(0, 4));
    const nextSerial = await allocateSerials(trx, ready.map((r) => r.record), year);
    const statusIndexes = (await sql<{ n: number }>`SELECT nextval('card_status_index_seq')::int AS n FROM generate_series(1, ${ready.length})`.execute(trx)).rows.map((r) => r.n);
    const batches = new Map<string, { id: string; provinceCode: string; communeCode: string | null; areaName: string; cards: number }>();
    const rows = [];
    for (const [i, { record, data, photo }] of ready.entries()) {
      const area = `${record.province_code}:${data.organisation.communeCode ?? ''}`;
      let batch = batches.get(area);
      if (!batch) {
        batch = { id: randomUUID(), provinceCode: record.province_code, communeCode: data.organisation.communeCode, areaName: await areaName(trx, record.province_code, data.organisation.communeCode), cards: 0 };
        batches.set(area, batch);
      }
      batch.cards++;
      const serial = nextSerial.get(record.province_code)!;
      nextSerial.set(record.province_code, serial + 1);
      const cardNumber = formatCardNumber({ provinceCode: record.province_code, year, serial });
      const chip: ChipRecord = {
        cardNumber,
        personalId: data.personalId,
        fullName: data.fullName,
        dateOfBirth: data.dateOfBirth ?? String(data.birthYear),
        issuedOn,
        issuer: ISSUER_NAME,
        statusIndex: statusIndexes[i]!,
        gender: data.gender,
        joinedOn: data.admittedOn!,
        officialOn: data.officialOn,
        organisation: data.organisation.name,
        previousCardNumber: data.partyCardNumber,
        photo,
      };
      rows.push({
        card_number: cardNumber,
        dossier_id: record.dossier_id,
        personal_id: data.personalId,
        full_name: data.fullName,
        province_code: record.province_code,
        organisation_id: String(data.organisation.id),
        organisation_name: data.organisation.name,
        status_index: chip.statusIndex,
        issued_on: issuedOn,
        kid: issuer.kid,
        chip: signChipRecord(chip, issuer),
        qr: encodeCardQr(chip, issuer),
        print_batch_id: batch.id,
        state: 'produced' as const,
      });
    }
    await trx
      .insertInto('print_batches')
      .values([...batches.values()].map((b) => ({ id: b.id, province_code: b.provinceCode, commune_code: b.communeCode, area_name: b.areaName, cards: b.cards })))
      .execute();
    for (let i = 0; i < rows.length; i += 1000) {
      const inserted = await trx.insertInto('cards').values(rows.slice(i, i + 1000)).returning('id').execute();
      await trx.insertInto('card_events').values(inserted.map((c) => ({ card_id: c.id, step: 'produced' as const, by_user: actor.userId, by_name: actor.username }))).execute();
    }
    await appendAudit(trx, actor, { action: 'card.produce', entity: 'print_batch', entityId: [...batches.values()][0]!.id, details: { cards: rows.length, printBatches: batches.size, problems: problems.length } });
    return { cards: rows.length, printBatches: [...batches.values()].map((b) => ({ id: b.id, areaName: b.areaName, cards: b.cards })), problems };
  });
}

/** Reserves a block of serials per province for the year; answers each province's first serial. */
async function allocateSerials(trx: Queryable, records: readonly { province_code: string }[], year: number): Promise<Map<string, number>> {
  const needed = new Map<string, number>();
  for (const r of records) needed.set(r.province_code, (needed.get(r.province_code) ?? 0) + 1);
  const first = new Map<string, number>();
  for (const [provinceCode, count] of needed) {
    const row = await trx
      .insertInto('card_serials')
      .values({ province_code: provinceCode, year, last_serial: count })
      .onConflict((oc) => oc.columns(['province_code', 'year']).doUpdateSet({ last_serial: sql`card_serials.last_serial + ${count}` }))
      .returning('last_serial')
      .executeTakeFirstOrThrow();
    if (row.last_serial > 999_999) throw new AppError('card.serials_exhausted', { provinceCode, year });
    first.set(provinceCode, row.last_serial - count + 1);
  }
  return first;
}

async function areaName(db: Queryable, provinceCode: string, communeCode: string | null): Promise<string> {
  const province = await db.selectFrom('provinces').select('name').where('code', '=', provinceCode).executeTakeFirst();
  const commune = communeCode ? await db.selectFrom('communes').select('name').where('code', '=', communeCode).executeTakeFirst() : undefined;
  return [commune?.name, province?.name ?? provinceCode].filter(Boolean).join(', ');
}
