/**
 * The supervisor's side of intake (issue 5): the queue of dossiers, one dossier with its record and its conflict pair,
 * its photo and signature, each officer's pace over a day. Every query goes through the member's organisation in the
 * caller's scope (organisationInScope), so a dossier outside it is "not found", exactly as reviewDossier does.
 */
import { sql, type ExpressionBuilder } from 'kysely';
import sharp from 'sharp';
import { todayInVietnam } from '../common/dates.ts';
import type { Db, Queryable } from '../platform/db.ts';
import { AppError } from '../platform/errors.ts';
import type { FileStore } from '../platform/files.ts';
import { translate, type Locale } from '../platform/i18n/index.ts';
import { can, requirePermission } from '../platform/permissions.ts';
import type { Database } from '../platform/schema.ts';
import type { Actor } from '../platform/scope.ts';
import { appendAudit } from '../audit/store.ts';
import { organisationInScope } from '../organisations/scope.ts';
import { STEPS, type Dossier, type DossierStatus } from './domain/dossier.ts';
import { officerPace } from './domain/pace.ts';
import type { PhotoCheck } from './photo-check.ts';
import type { ReceiptConflict } from '../sending/domain/batch.ts';

/** The server's check of the photo, its issues in the caller's language. */
export interface PhotoCheckView {
  ok: boolean;
  issues: { code: string; message: string }[];
  checkedAt: string;
}

export interface QueueQuery {
  state?: DossierStatus;
  pointId?: string;
  /** Only dossiers with an open conflict. */
  conflicts?: boolean;
  /** users.id of the confirming officer. */
  officer?: string;
  page: number;
  pageSize: number;
}

type Eb = ExpressionBuilder<Database & { d: Database['dossiers']; m: Database['members']; o: Database['organisations'] }, 'd' | 'm' | 'o'>;

/**
 * Open conflict: this dossier and another of the same member are both still standing (neither returned). Taken twice
 * (two points, or online and offline), the supervisor keeps one and returns the other, which closes the conflict.
 */
const openConflict = (eb: Eb) =>
  eb.and([
    eb('d.state', '<>', 'returned'),
    eb.exists(eb.selectFrom('dossiers as x').select(sql`1`.as('one')).whereRef('x.member_id', '=', 'd.member_id').whereRef('x.id', '<>', 'd.id').where('x.state', '<>', 'returned')),
  ]);

/** Dossiers whose member is in the actor's scope (the member follows its cell, so the dossier does too). */
function dossiersInScope(db: Queryable, actor: Actor) {
  return db
    .selectFrom('dossiers as d')
    .innerJoin('members as m', 'm.id', 'd.member_id')
    .innerJoin('organisations as o', 'o.id', 'm.organisation_id')
    .where(organisationInScope(actor.scope, 'o'));
}

type Scoped = ReturnType<typeof dossiersInScope>;

/** How the member signed: on the pad, or on the printed slip (with its scan, or without one). */
export type SignatureKind = 'pad' | 'paper' | 'paper_scanned';

/** The queue's columns over dossiers in scope (filtered or not). */
function summaries(scoped: Scoped) {
  return scoped
    .leftJoin('intake_points as p', 'p.id', 'd.point_id')
    .leftJoin('mobile_teams as t', 't.id', 'd.mobile_team_id')
    .leftJoin('users as u', 'u.id', 'd.submitted_by')
    .select((eb) => [
      'd.id',
      'd.state',
      'd.member_id as memberId',
      'm.full_name as fullName',
      'm.personal_id as personalId',
      'o.name as organisationName',
      'd.point_id as pointId',
      'p.name as pointName',
      'd.mobile_team_id as mobileTeamId',
      't.name as mobileTeamName',
      'd.submitted_by as officerId',
      'u.full_name as officerName',
      'd.received_at as receivedAt',
      'd.device_submitted_at as deviceSubmittedAt',
      'd.conflict_with as conflictWith',
      openConflict(eb).as('conflict'),
      'd.photo_check as photoCheck',
      'd.centre_conflict as centreConflict',
      sql<SignatureKind>`CASE WHEN NOT d.signature_on_paper THEN 'pad' WHEN d.signature_ref IS NULL THEN 'paper' ELSE 'paper_scanned' END`.as('signature'),
    ]);
}

type SummaryRow = Awaited<ReturnType<ReturnType<typeof summaries>['execute']>>[number];

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());

function summaryView<R extends SummaryRow>(row: R, locale: Locale) {
  const { photoCheck: stored, centreConflict, receivedAt, deviceSubmittedAt, ...rest } = row;
  // Written by the photo check job (migration 0013): NULL until it has run.
  const photoCheck = stored as PhotoCheck | null;
  return {
    ...rest,
    receivedAt: iso(receivedAt)!,
    deviceSubmittedAt: iso(deviceSubmittedAt),
    // The centre did not accept it: the member's dossier it holds came first (sending/service.ts).
    centreConflict: centreConflict as ReceiptConflict | null,
    photoCheck: (photoCheck && {
      ok: photoCheck.ok,
      checkedAt: photoCheck.checkedAt,
      issues: photoCheck.issues.map((i) => ({ code: i.code, message: translate(i.code, {}, locale) })),
    }) as PhotoCheckView | null,
  };
}

/**
 * The supervisor's queue. Waiting dossiers (confirmed) come oldest first — the one waiting longest is reviewed first;
 * any other list (approved, returned, all) shows the newest first.
 */
export async function listDossiers(db: Db, actor: Actor, query: QueueQuery, locale: Locale) {
  requirePermission(actor, 'intake.review');
  let scoped = dossiersInScope(db, actor);
  if (query.state) scoped = scoped.where('d.state', '=', query.state);
  if (query.pointId) scoped = scoped.where('d.point_id', '=', query.pointId);
  if (query.officer) scoped = scoped.where('d.submitted_by', '=', query.officer);
  if (query.conflicts) scoped = scoped.where(openConflict);
  const direction = query.state === 'confirmed' ? 'asc' : 'desc';
  const [{ total }, rows] = await Promise.all([
    scoped.select((eb) => eb.fn.countAll<string>().as('total')).executeTakeFirstOrThrow(),
    summaries(scoped)
      .orderBy('d.received_at', direction)
      .orderBy('d.id', direction)
      .limit(query.pageSize)
      .offset((query.page - 1) * query.pageSize)
      .execute(),
  ]);
  return { items: rows.map((r) => summaryView(r, locale)), total: Number(total), page: query.page, pageSize: query.pageSize };
}

/** users.id → full name, for the `by` of steps and transitions (a CLI actor's name is kept as it is). */
export async function userNames(db: Queryable, ids: Iterable<string>): Promise<Map<string, string>> {
  const numeric = [...new Set(ids)].filter((id) => /^\d{1,18}$/.test(id));
  if (!numeric.length) return new Map();
  const rows = await db.selectFrom('users').select(['id', 'full_name']).where('id', 'in', numeric).execute();
  return new Map(rows.map((r) => [r.id, r.full_name]));
}

/** One dossier in scope with its member's data, or "not found". */
async function dossierRow(db: Queryable, actor: Actor, id: string) {
  const row = await summaries(dossiersInScope(db, actor))
    .leftJoin('users as r', 'r.id', 'd.reviewed_by')
    .select([
      'd.data',
      'd.record',
      'd.device_id as deviceId',
      'd.return_reason as returnReason',
      'd.reviewed_by as reviewedBy',
      'r.full_name as reviewerName',
      'd.reviewed_at as reviewedAt',
      'd.photo_ref as photoRef',
      'd.signature_ref as signatureRef',
      'm.date_of_birth as dateOfBirth',
      'm.birth_year as birthYear',
      'm.gender',
    ])
    .where('d.id', '=', id)
    .executeTakeFirst();
  if (!row) throw new AppError('dossier.not_found', { id });
  return row;
}

/**
 * One dossier for review: the member's data as confirmed, each step with who and when (server and device time), the
 * corrections with their old values, the transitions, the photo check, and the member's other dossiers (the conflict
 * pair, side by side). Reading it is recorded in the audit trail.
 */
export async function getDossier(db: Db, actor: Actor, id: string, locale: Locale) {
  requirePermission(actor, 'intake.review');
  const row = await dossierRow(db, actor, id);
  const record = row.record as Dossier;
  const others = await summaries(dossiersInScope(db, actor)).select('d.data').where('d.member_id', '=', row.memberId).where('d.id', '<>', id).orderBy('d.received_at').execute();
  const names = await userNames(db, [...Object.values(record.steps).map((s) => s!.by), ...record.corrections.map((c) => c.by), ...record.history.map((h) => h.by)]);
  const who = (by: string) => ({ id: by, name: names.get(by) ?? by });
  await appendAudit(db, actor, { action: 'dossier.read', entity: 'dossier', entityId: id });
  const { data, record: _r, photoRef: _p, signatureRef: _s, reviewedAt, ...rest } = row;
  return {
    ...summaryView(rest, locale),
    data: data as Record<string, unknown>,
    reviewedAt: iso(reviewedAt),
    steps: STEPS.flatMap((step) => {
      const done = record.steps[step];
      return done ? [{ step, by: who(done.by), at: done.at, deviceAt: done.deviceAt ?? null }] : [];
    }),
    corrections: record.corrections.map((c) => ({ field: c.field, old: c.old, new: c.new, by: who(c.by), at: c.at, deviceAt: c.deviceAt ?? null })),
    transitions: record.history.map((h) => ({ from: h.from, to: h.to, by: who(h.by), at: h.at, deviceAt: h.deviceAt ?? null, reason: h.reason ?? null })),
    others: others.map(({ data: otherData, ...other }) => ({ ...summaryView(other, locale), data: otherData as Record<string, unknown> })),
  };
}

/**
 * The decrypted photo or signature of a dossier in scope, for a supervisor's eyes: the read is audited, the content
 * never logged. The format is read from the image itself (the upload was checked to be JPEG, PNG or WebP).
 */
export async function dossierImage(db: Db, actor: Actor, files: FileStore, id: string, kind: 'photo' | 'signature') {
  requirePermission(actor, 'intake.review');
  const row = await dossierRow(db, actor, id);
  const ref = kind === 'photo' ? row.photoRef : row.signatureRef;
  if (!ref) throw new AppError('dossier.not_found', { id });
  const content = await files.get(ref);
  await appendAudit(db, actor, { action: `dossier.${kind}.read`, entity: 'dossier', entityId: id, details: { memberId: row.memberId } });
  // JPEG, PNG or WebP (checked on upload); the header says which.
  const { format } = await sharp(content).metadata();
  return { content, mime: `image/${format}` };
}

/** What the receipt prints of a dossier in scope; for the counter that took it as for the supervisor. */
export async function receiptData(db: Db, actor: Actor, id: string) {
  if (!can(actor, 'intake.review')) requirePermission(actor, 'intake.capture');
  const row = await dossierRow(db, actor, id);
  const record = row.record as Dossier;
  const confirmed = record.history.findLast((h) => h.to === 'confirmed');
  await appendAudit(db, actor, { action: 'dossier.receipt', entity: 'dossier', entityId: id });
  return {
    id: row.id,
    fullName: row.fullName,
    personalId: row.personalId,
    dateOfBirth: row.dateOfBirth,
    birthYear: row.birthYear,
    organisationName: row.organisationName,
    place: row.pointName ?? row.mobileTeamName,
    confirmedAt: confirmed ? (confirmed.deviceAt ?? confirmed.at) : null,
    officerName: row.officerName,
    state: row.state,
  };
}

/** Vietnam's calendar day as [start, end) instants. */
function vietnamDay(date: string): [Date, Date] {
  const from = new Date(`${date}T00:00:00+07:00`);
  return [from, new Date(from.getTime() + 24 * 3600_000)];
}

/** Each officer's pace on a Vietnamese day (today by default), over the dossiers in scope, optionally of one point. */
export async function intakePace(db: Db, actor: Actor, query: { date?: string; pointId?: string }) {
  requirePermission(actor, 'intake.review');
  const date = query.date ?? todayInVietnam();
  const [from, to] = vietnamDay(date);
  // A dossier's confirmation time is the device's when it sent one (the record's confirm transition has the same).
  let rows = dossiersInScope(db, actor)
    .select('d.record')
    .where(sql<Date>`coalesce(d.device_submitted_at, d.received_at)`, '>=', from)
    .where(sql<Date>`coalesce(d.device_submitted_at, d.received_at)`, '<', to);
  if (query.pointId) rows = rows.where('d.point_id', '=', query.pointId);
  const pace = officerPace((await rows.execute()).map((r) => r.record as Dossier), from, to);
  const names = await userNames(db, pace.map((p) => p.officerId));
  return { date, officers: pace.map((p) => ({ ...p, officerName: names.get(p.officerId) ?? p.officerId })) };
}
