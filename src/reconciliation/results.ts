import { sql, type RawBuilder } from 'kysely';
import type { Queryable } from '../platform/db.ts';
import type { Scope } from '../platform/scope.ts';
import { organisationInScope } from '../organisations/scope.ts';
import type { FieldDifference, Field, PartySide } from './domain/compare.ts';
import type { RegisterRecord } from './register.ts';

export type ResultStatus = 'matched' | 'mismatched' | 'not_found' | 'awaiting';
export type DecisionKind = 'corrected' | 'kept' | 'referred';

export interface CheckOutcome {
  memberId: string;
  status: Exclude<ResultStatus, 'awaiting'>;
  blocking: boolean;
  differences: FieldDifference[];
}

/**
 * The latest result per member replaces the previous one. A decision survives a re-check that finds the very same
 * differences (a kept date of birth stays kept); anything else reopens the case.
 */
const UPSERT_TAIL = sql`
  ON CONFLICT (member_id) DO UPDATE SET
    status = excluded.status, blocking = excluded.blocking, differences = excluded.differences, checked_at = excluded.checked_at,
    -- No row from the sub-select sets all four to NULL. An awaiting row kept the differences it had, so a re-check
    -- after an outage compares with those.
    (decision, decision_reason, decided_by, decided_at) = (
      SELECT rr.decision, rr.decision_reason, rr.decided_by, rr.decided_at
      WHERE excluded.status <> 'matched' AND rr.differences = excluded.differences AND (rr.status = excluded.status OR rr.status = 'awaiting'))`;

export async function storeOutcomes(db: Queryable, outcomes: readonly CheckOutcome[]): Promise<void> {
  if (outcomes.length === 0) return;
  await sql`
    INSERT INTO reconciliation_results AS rr (member_id, status, blocking, differences, checked_at)
    SELECT u."memberId", u.status, u.blocking, u.differences, now()
    -- One JSON document parses faster than four arrays (the differences would be JSON inside an array literal).
    FROM jsonb_to_recordset(${JSON.stringify(outcomes)}::jsonb) AS u("memberId" bigint, status text, blocking boolean, differences jsonb)
    ${UPSERT_TAIL}`.execute(db);
}

/**
 * One pass over the members of `set` joined with the register: those equal to the letter are stored as matched by the
 * statement itself, the rest (a few percent) come back for the comparison rules, with the number stored. A plain
 * INSERT of the members without a result beside an UPDATE of those with one is a fifth faster than ON CONFLICT; a
 * result written meanwhile by a live check makes it fail with a unique violation, and the caller runs it again.
 */
export async function storeExactMatchesReturningRest(db: Queryable, set: MemberSet): Promise<{ matched: number; rest: RegisterJoinRow[] }> {
  const rows = await sql<RegisterJoinRow & { matched: string }>`
    WITH joined AS (
      SELECT ${PARTY_COLUMNS}, r.personal_id AS r_id, r.full_name AS r_name, r.date_of_birth AS r_dob, r.gender AS r_gender,
        r.hometown AS r_hometown, r.permanent_address AS r_address, ${EXACTLY_EQUAL} AS exact
      FROM ${set.from} LEFT JOIN population_register r ON r.personal_id = m.personal_id
      WHERE ${set.where}),
    refreshed AS (
      UPDATE reconciliation_results rr
      SET status = 'matched', blocking = false, differences = '[]', checked_at = now(),
        decision = NULL, decision_reason = NULL, decided_by = NULL, decided_at = NULL
      FROM joined j WHERE j.exact AND rr.member_id = j.id
      RETURNING 1),
    added AS (
      INSERT INTO reconciliation_results (member_id, status, blocking, differences, checked_at)
      SELECT id, 'matched', false, '[]'::jsonb, now() FROM joined j
      WHERE exact AND NOT EXISTS (SELECT 1 FROM reconciliation_results x WHERE x.member_id = j.id)
      RETURNING 1)
    -- Always one row at least, so the count arrives even when every record matched.
    SELECT c.matched, rest.* FROM (SELECT (SELECT count(*) FROM refreshed) + (SELECT count(*) FROM added) AS matched) c
    LEFT JOIN (
      SELECT id, "personalId", "fullName", "dateOfBirth", "birthYear", gender, hometown, "permanentAddress",
        CASE WHEN r_id IS NULL THEN NULL ELSE json_build_object('personalId', r_id, 'fullName', r_name, 'dateOfBirth', r_dob,
          'gender', r_gender, 'hometown', r_hometown, 'permanentAddress', r_address) END AS found
      FROM joined WHERE NOT exact) rest ON true`.execute(db);
  return { matched: Number(rows.rows[0]?.matched ?? 0), rest: rows.rows.filter((r) => r.id !== null).map(({ matched: _m, ...r }) => r) };
}

/** Members to check: a FROM clause (members as `m`, with their unit as `o` when needed) and its condition. */
export interface MemberSet {
  from: RawBuilder<unknown>;
  where: RawBuilder<unknown>;
}

/** A party record beside the register's record for the same personal ID (null when the register has none). */
export interface RegisterJoinRow extends PartySide {
  id: string;
  personalId: string;
  found: RegisterRecord | null;
}

/** The party side of a member as the comparison rules read it. */
export const PARTY_COLUMNS = sql`m.id, m.personal_id AS "personalId", m.full_name AS "fullName", m.date_of_birth AS "dateOfBirth",
  m.birth_year AS "birthYear", m.gender, m.hometown, m.permanent_address AS "permanentAddress"`;

/** Never null: every register column compared here is NOT NULL except the two places, compared null-safely. */
const EXACTLY_EQUAL = sql<boolean>`(r.personal_id IS NOT NULL AND m.date_of_birth IS NOT NULL AND m.full_name = r.full_name
  AND m.date_of_birth = r.date_of_birth AND m.gender = r.gender
  AND m.hometown IS NOT DISTINCT FROM r.hometown AND m.permanent_address IS NOT DISTINCT FROM r.permanent_address)`;

/** The register could not answer: the check waits, keeping whatever was known before (and its decision). */
export async function markAwaiting(db: Queryable, memberIds: readonly string[]): Promise<void> {
  if (memberIds.length === 0) return;
  await sql`
    INSERT INTO reconciliation_results AS rr (member_id, status, blocking, differences, checked_at)
    SELECT id, 'awaiting', false, '[]'::jsonb, now() FROM unnest(${memberIds}::bigint[]) AS u(id)
    ON CONFLICT (member_id) DO UPDATE SET status = 'awaiting', checked_at = excluded.checked_at`.execute(db);
}

export interface DecisionView {
  kind: DecisionKind;
  reason: string | null;
  decidedBy: string;
  decidedAt: string;
}

export interface ResultView {
  memberId: string;
  personalId: string;
  fullName: string;
  organisationId: string;
  organisationName: string;
  status: ResultStatus;
  blocking: boolean;
  /** A blocking difference (or absence from the register) nobody has decided on yet. */
  open: boolean;
  intakeBlocked: boolean;
  checkedAt: string;
  differences: FieldDifference[];
  decision: DecisionView | null;
}

export interface ResultFilter {
  /** Materialised path of the unit whose subtree is listed. */
  below?: string;
  status?: ResultStatus;
  field?: Field;
  open?: boolean;
  memberId?: string;
  /** These members' results, whatever their status (a counter's day list). */
  memberIds?: readonly string[];
}

/** A result still open (`alias` names reconciliation_results): a blocking difference, or absence from the register, nobody has decided on. It blocks the member's intake. */
export const openCase = (alias: string): RawBuilder<boolean> => sql<boolean>`(${sql.ref(`${alias}.blocking`)} AND ${sql.ref(`${alias}.decision`)} IS NULL)`;

function filtered(db: Queryable, scope: Scope, filter: ResultFilter) {
  let qb = db
    .selectFrom('reconciliation_results as rr')
    .innerJoin('members as m', 'm.id', 'rr.member_id')
    .innerJoin('organisations as o', 'o.id', 'm.organisation_id')
    .where(organisationInScope(scope, 'o'));
  if (filter.memberId) qb = qb.where('rr.member_id', '=', filter.memberId);
  else if (filter.memberIds) qb = qb.where('rr.member_id', '=', sql<string>`ANY(${filter.memberIds}::bigint[])`);
  else qb = qb.where('rr.status', filter.status ? '=' : '<>', filter.status ?? 'matched');
  if (filter.below) qb = qb.where(sql<boolean>`o.path COLLATE "C" LIKE ${filter.below + '%'}`);
  if (filter.field) qb = qb.where(sql<boolean>`rr.differences @> ${JSON.stringify([{ field: filter.field }])}::jsonb`);
  if (filter.open !== undefined) qb = qb.where(sql<boolean>`${openCase('rr')} = ${filter.open}`);
  return qb;
}

export async function listResults(db: Queryable, scope: Scope, filter: ResultFilter, page: { offset: number; limit: number }) {
  const [rows, count] = await Promise.all([
    filtered(db, scope, filter)
      .leftJoin('users as u', 'u.id', 'rr.decided_by')
      .select([
        'rr.member_id as memberId',
        'm.personal_id as personalId',
        'm.full_name as fullName',
        'o.id as organisationId',
        'o.name as organisationName',
        'rr.status',
        'rr.blocking',
        'rr.checked_at as checkedAt',
        'rr.differences',
        'rr.decision',
        'rr.decision_reason as decisionReason',
        'rr.decided_at as decidedAt',
        sql<string | null>`coalesce(u.full_name, u.username)`.as('decidedBy'),
      ])
      .orderBy(openCase('rr'), 'desc')
      .orderBy('m.sort_key')
      .orderBy('m.id')
      .offset(page.offset)
      .limit(page.limit)
      .execute(),
    filtered(db, scope, filter).select(sql<string>`count(*)`.as('n')).executeTakeFirstOrThrow(),
  ]);
  const items: ResultView[] = rows.map((r) => {
    const open = r.blocking && r.decision === null;
    return {
      memberId: r.memberId,
      personalId: r.personalId,
      fullName: r.fullName,
      organisationId: r.organisationId,
      organisationName: r.organisationName,
      status: r.status,
      blocking: r.blocking,
      open,
      intakeBlocked: open,
      checkedAt: r.checkedAt.toISOString(),
      differences: r.differences as FieldDifference[],
      decision: r.decision
        ? { kind: r.decision, reason: r.decisionReason, decidedBy: r.decidedBy ?? '', decidedAt: r.decidedAt!.toISOString() }
        : null,
    };
  });
  return { total: Number(count.n), items };
}

export interface Counts {
  members: number;
  checked: number;
  matched: number;
  mismatched: number;
  notFound: number;
  awaiting: number;
  open: number;
}

/** Counts over the whole subtree of each unit, of what the scope shows. */
export async function countsBelow(db: Queryable, scope: Scope, unitIds: readonly string[]): Promise<Map<string, Counts>> {
  const empty = (): Counts => ({ members: 0, checked: 0, matched: 0, mismatched: 0, notFound: 0, awaiting: 0, open: 0 });
  const result = new Map(unitIds.map((id) => [id, empty()]));
  if (unitIds.length === 0) return result;
  const rows = await sql<Record<keyof Counts | 'id', string>>`
    SELECT u.id, count(*) AS members, count(rr.member_id) AS checked,
      count(*) FILTER (WHERE rr.status = 'matched') AS matched, count(*) FILTER (WHERE rr.status = 'mismatched') AS mismatched,
      count(*) FILTER (WHERE rr.status = 'not_found') AS "notFound", count(*) FILTER (WHERE rr.status = 'awaiting') AS awaiting,
      count(*) FILTER (WHERE ${openCase('rr')}) AS open
    FROM organisations u
    JOIN organisations d ON d.path COLLATE "C" LIKE u.path || '%' AND ${organisationInScope(scope, 'd')}
    JOIN members m ON m.organisation_id = d.id AND m.eligible
    LEFT JOIN reconciliation_results rr ON rr.member_id = m.id
    WHERE u.id = ANY(${unitIds}::bigint[])
    GROUP BY u.id`.execute(db);
  for (const r of rows.rows) {
    const c = result.get(String(r.id))!;
    for (const key of Object.keys(c) as (keyof Counts)[]) c[key] = Number(r[key]);
  }
  return result;
}
