import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { Queryable } from '../platform/db.ts';
import type { Scope } from '../platform/scope.ts';
import { organisationInScope } from '../organisations/scope.ts';
import type { Appointment, CellDemand, IntakePoint, PointSettings, ShiftSpec } from './domain/types.ts';

/**
 * "Point `alias` is inside the scope": points belong to a province (and a commune), not to the party tree, so a user
 * scoped to a unit sees the points of that unit's province; one scoped to a commune, the points of that commune.
 */
export function pointInScope(scope: Scope, alias: string): RawBuilder<SqlBool> {
  if (scope.all) return sql<SqlBool>`true`;
  const commune = sql.ref(`${alias}.commune_code`);
  const parts = [provinceInScope(scope, `${alias}.province_code`)];
  if (scope.communeCode) parts.push(sql<SqlBool>`${commune} = ${scope.communeCode}`);
  if (scope.organisationPath) {
    parts.push(sql<SqlBool>`EXISTS (SELECT 1 FROM organisations so WHERE so.path = ${scope.organisationPath} AND (so.commune_code IS NULL OR so.commune_code = ${commune}))`);
  }
  return sql<SqlBool>`(${sql.join(parts, sql` AND `)})`;
}

/** "Province `ref` is one the scope reaches" (for what belongs to a province as a whole, like mobile teams). */
export function provinceInScope(scope: Scope, ref: string): RawBuilder<SqlBool> {
  if (scope.all) return sql<SqlBool>`true`;
  const province = sql.ref(ref);
  const parts = [];
  if (scope.provinceCode) parts.push(sql`${province} = ${scope.provinceCode}`);
  if (scope.communeCode) parts.push(sql`EXISTS (SELECT 1 FROM communes sc WHERE sc.code = ${scope.communeCode} AND sc.province_code = ${province})`);
  if (scope.organisationPath) parts.push(sql`EXISTS (SELECT 1 FROM organisations so WHERE so.path = ${scope.organisationPath} AND (so.province_code IS NULL OR so.province_code = ${province}))`);
  if (parts.length === 0) return sql<SqlBool>`false`;
  return sql<SqlBool>`(${sql.join(parts, sql` AND `)})`;
}

export interface PointRow extends IntakePoint {
  provinceCode: string;
  address: string | null;
}

/** Points with their settings, ordered by name (Vietnamese order). */
export async function loadPoints(db: Queryable, scope: Scope, filter: { provinceCode?: string; pointId?: string }): Promise<PointRow[]> {
  let qb = db
    .selectFrom('intake_points as p')
    .select(['p.id', 'p.name', 'p.province_code as provinceCode', 'p.commune_code as communeCode', 'p.address', 'p.operator', sql<string[]>`p.closed_on::text[]`.as('closedOn')])
    .where(pointInScope(scope, 'p'))
    .orderBy(sql`p.name COLLATE "vi-x-icu"`)
    .orderBy('p.id');
  if (filter.provinceCode) qb = qb.where('p.province_code', '=', filter.provinceCode);
  if (filter.pointId) qb = qb.where('p.id', '=', filter.pointId);
  const points = await qb.execute();
  if (points.length === 0) return [];
  const settings = await db
    .selectFrom('intake_point_settings')
    .selectAll()
    .where('point_id', 'in', points.map((p) => p.id))
    .orderBy('point_id')
    .orderBy('effective_from')
    .execute();
  const byPoint = new Map<string, PointSettings[]>();
  for (const s of settings) {
    const list = byPoint.get(s.point_id) ?? [];
    list.push({ from: s.effective_from, kits: s.kits, recordsPerKitHour: Number(s.records_per_kit_hour), shifts: s.shifts as ShiftSpec[], openWeekdays: s.open_weekdays });
    byPoint.set(s.point_id, list);
  }
  return points.map((p) => ({ ...p, settings: byPoint.get(p.id) ?? [] }));
}

/**
 * What each cell below the campaign's unit brings to the points: its eligible members who do not need a home visit.
 * A cell's commune is its own (inherited from its commune committee); cells outside communes are provincial or central.
 */
export async function loadCellDemand(db: Queryable, scope: Scope, below: string): Promise<CellDemand[]> {
  const rows = await sql<{ cellId: string; communeCode: string | null; provincial: boolean; central: boolean; members: string }>`
    SELECT o.id AS "cellId", o.commune_code AS "communeCode",
      EXISTS (SELECT 1 FROM organisations a WHERE o.path COLLATE "C" LIKE a.path || '%' AND a.kind = 'central_committee') AS central,
      o.commune_code IS NULL AS provincial, count(*) AS members
    FROM members m JOIN organisations o ON o.id = m.organisation_id
    WHERE m.eligible AND NOT m.needs_home_visit AND o.path COLLATE "C" LIKE ${below + '%'} AND ${organisationScope(scope)}
    GROUP BY o.id
    ORDER BY o.id`.execute(db);
  return rows.rows.map((r) => ({
    cellId: r.cellId,
    communeCode: r.communeCode,
    level: r.central ? 'central' : r.provincial ? 'provincial' : 'commune',
    members: Number(r.members),
  }));
}

const organisationScope = (scope: Scope) => organisationInScope(scope, 'o');

/** Open cells below the unit with no eligible member at all: reported with the plan, so nobody wonders where they went. */
export async function cellsWithoutEligibleMembers(db: Queryable, scope: Scope, below: string): Promise<string[]> {
  const rows = await db
    .selectFrom('organisations as o')
    .select('o.id')
    .where('o.kind', 'in', ['cell', 'grassroots_cell'])
    .where('o.closed_at', 'is', null)
    .where(sql<boolean>`o.path COLLATE "C" LIKE ${below + '%'}`)
    .where(organisationScope(scope))
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('members as m').select('m.id').whereRef('m.organisation_id', '=', 'o.id').where('m.eligible', '=', true))))
    .orderBy('o.id')
    .execute();
  return rows.map((r) => r.id);
}

export async function homeVisitDemand(db: Queryable, scope: Scope, below: string) {
  return db
    .selectFrom('members as m')
    .innerJoin('organisations as o', 'o.id', 'm.organisation_id')
    .select(['m.id as memberId', 'o.commune_code as communeCode'])
    .where('m.eligible', '=', true)
    .where('m.needs_home_visit', '=', true)
    .where(sql<boolean>`o.path COLLATE "C" LIKE ${below + '%'}`)
    .where(organisationScope(scope))
    .orderBy('m.id')
    .execute();
}

export async function planAppointments(db: Queryable, planId: string): Promise<(Appointment & { id: string; locked: boolean; missed: boolean })[]> {
  return db
    .selectFrom('appointments')
    .select(['id', 'cell_id as cellId', 'point_id as pointId', 'day as date', 'shift', 'members', 'locked', 'missed'])
    .where('plan_id', '=', planId)
    .orderBy('day')
    .orderBy('point_id')
    .orderBy('shift')
    .orderBy('cell_id')
    .execute();
}

/**
 * Members taken on `day` at the province's points without a booking of their cell at that point that day in the
 * published plan (walk-ins), per point and minute received (Vietnam time): capacity they used.
 */
export async function walkInsOn(db: Queryable, provinceCode: string, day: string, publishedPlanId: string | undefined) {
  const rows = await sql<{ pointId: string; time: string; members: string }>`
    SELECT d.point_id AS "pointId", to_char(d.taken_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'HH24:MI') AS time, count(DISTINCT d.member_id) AS members
    FROM (
      -- When the member was there: the device's clock (an offline counter sends later), else the server's.
      SELECT *, coalesce(device_submitted_at, received_at) AS taken_at FROM dossiers WHERE state <> 'returned'
    ) d JOIN members m ON m.id = d.member_id JOIN intake_points p ON p.id = d.point_id
    WHERE p.province_code = ${provinceCode}
      AND (d.taken_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date = ${day}::date
      AND NOT EXISTS (SELECT 1 FROM appointments a WHERE a.plan_id = ${publishedPlanId ?? null}::bigint AND a.cell_id = m.organisation_id AND a.point_id = d.point_id AND a.day = ${day}::date)
    GROUP BY 1, 2`.execute(db);
  return rows.rows.map((r) => ({ pointId: r.pointId, time: r.time, members: Number(r.members) }));
}
