/**
 * What a counter (or a mobile team) downloads to work through a day, also without the server: the members expected
 * from the published schedule, with what the cross-check found, and the key that encrypts what the device keeps.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Db, Queryable } from '../platform/db.ts';
import { AppError } from '../platform/errors.ts';
import { requirePermission } from '../platform/permissions.ts';
import type { Actor } from '../platform/scope.ts';
import { appendAudit } from '../audit/store.ts';
import { organisationInScope } from '../organisations/scope.ts';
import { listResults, type ResultView } from '../reconciliation/results.ts';
import { findMemberIdByPersonalId, summaryColumns, type Member, type MemberSummary } from '../members/store.ts';
import { pointInScope, provinceInScope } from '../scheduling/store.ts';

export type Shift = 'morning' | 'afternoon' | 'evening';

/** One member as the counter needs them: what is compared with the chip card, and what the cross-check found. */
export interface CounterMember
  extends Pick<Member, keyof MemberSummary | 'hometown' | 'permanentAddress'> {
  /** Set for members expected today (the shift of their cell's appointment); absent for walk-ins and home visits. */
  shift?: Shift;
  reconciliation: Pick<ResultView, 'status' | 'open' | 'differences' | 'decision' | 'checkedAt'> | null;
  /** A dossier already exists (and was not returned): taking them again is flagged to the supervisor. */
  taken: boolean;
}

export interface CounterDay {
  date: string;
  station: { kind: 'point' | 'team'; id: string; name: string };
  cells: { id: string; name: string; shift: Shift | null; members: number }[];
  members: CounterMember[];
}

export type Station = { pointId: string } | { mobileTeamId: string };

const MAX_LIST = 5000;

async function membersById(db: Queryable, actor: Actor, ids: readonly string[], shifts: Map<string, Shift>): Promise<CounterMember[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('members as m')
    .innerJoin('organisations as o', 'o.id', 'm.organisation_id')
    .select([
      ...summaryColumns,
      'm.hometown',
      'm.permanent_address as permanentAddress',
      sql<boolean>`EXISTS (SELECT 1 FROM dossiers d WHERE d.member_id = m.id AND d.state <> 'returned')`.as('taken'),
    ])
    .where('m.id', 'in', ids)
    .where(organisationInScope(actor.scope, 'o'))
    .orderBy('m.sort_key')
    .orderBy('m.id')
    .execute();
  const { items } = await listResults(db, actor.scope, { memberIds: rows.map((r) => r.id) }, { offset: 0, limit: rows.length });
  const results = new Map(items.map((r) => [r.memberId, r]));
  return rows.map((r) => {
    const result = results.get(r.id);
    const shift = shifts.get(r.organisationId);
    return {
      ...r,
      ...(shift ? { shift } : {}),
      reconciliation: result ? { status: result.status, open: result.open, differences: result.differences, decision: result.decision, checkedAt: result.checkedAt } : null,
    };
  });
}

/** The day's list of a point (cells booked there by the published plans) or of a mobile team (its home visits). */
export async function counterDay(db: Db, actor: Actor, station: Station, date: string): Promise<CounterDay> {
  requirePermission(actor, 'intake.capture');
  let day: CounterDay;
  if ('pointId' in station) {
    const point = await db.selectFrom('intake_points as p').select(['p.id', 'p.name']).where('p.id', '=', station.pointId).where(pointInScope(actor.scope, 'p')).executeTakeFirst();
    if (!point) throw new AppError('intake.point.not_found', { id: station.pointId });
    const cells = await db
      .selectFrom('appointments as a')
      .innerJoin('schedule_plans as sp', 'sp.id', 'a.plan_id')
      .innerJoin('organisations as o', 'o.id', 'a.cell_id')
      .select(['o.id', 'o.name', 'a.shift'])
      .where('sp.status', '=', 'published')
      .where('a.point_id', '=', point.id)
      .where('a.day', '=', date)
      .where('a.missed', '=', false)
      .where(organisationInScope(actor.scope, 'o'))
      .orderBy(sql`CASE a.shift WHEN 'morning' THEN 1 WHEN 'afternoon' THEN 2 ELSE 3 END`)
      .orderBy(sql`o.name COLLATE "vi-x-icu"`)
      .execute();
    const shifts = new Map(cells.map((c) => [c.id, c.shift as Shift]));
    const ids = cells.length
      ? (await db.selectFrom('members').select('id').where('organisation_id', 'in', cells.map((c) => c.id)).where('needs_home_visit', '=', false).limit(MAX_LIST).execute()).map((m) => m.id)
      : [];
    const members = await membersById(db, actor, ids, shifts);
    day = {
      date,
      station: { kind: 'point', id: point.id, name: point.name },
      cells: cells.map((c) => ({ id: c.id, name: c.name, shift: c.shift as Shift, members: members.filter((m) => m.organisationId === c.id).length })),
      members,
    };
  } else {
    const team = await db.selectFrom('mobile_teams as t').select(['t.id', 't.name']).where('t.id', '=', station.mobileTeamId).where(provinceInScope(actor.scope, 't.province_code')).executeTakeFirst();
    if (!team) throw new AppError('intake.team.not_found', { id: station.mobileTeamId });
    const runs = await db
      .selectFrom('home_visit_runs as r')
      .innerJoin('schedule_plans as sp', 'sp.id', 'r.plan_id')
      .select(sql<string[]>`r.member_ids::text[]`.as('memberIds'))
      .where('sp.status', '=', 'published')
      .where('r.team_id', '=', team.id)
      .where('r.day', '=', date)
      .execute();
    const members = await membersById(db, actor, runs.flatMap((r) => r.memberIds).slice(0, MAX_LIST), new Map());
    day = { date, station: { kind: 'team', id: team.id, name: team.name }, cells: [], members };
  }
  await appendAudit(db, actor, { action: 'intake.day_list', entity: day.station.kind === 'point' ? 'intake_point' : 'mobile_team', entityId: day.station.id, details: { date, members: day.members.length } });
  return day;
}

/** A walk-in (or anyone not on the downloaded list), found by the personal ID read from their card. */
export async function counterMember(db: Db, actor: Actor, personalId: string): Promise<CounterMember> {
  requirePermission(actor, 'intake.capture');
  const id = await findMemberIdByPersonalId(db, actor.scope, personalId);
  const [member] = id ? await membersById(db, actor, [id], new Map()) : [];
  if (!member) throw new AppError('member.not_found', { id: personalId });
  await appendAudit(db, actor, { action: 'member.read', entity: 'member', entityId: member.id, details: { via: 'counter' } });
  return member;
}

/** Points and mobile teams the officer may work at. */
export async function counterStations(db: Queryable, actor: Actor) {
  requirePermission(actor, 'intake.capture');
  const [points, teams] = await Promise.all([
    db.selectFrom('intake_points as p').select(['p.id', 'p.name']).where(pointInScope(actor.scope, 'p')).orderBy(sql`p.name COLLATE "vi-x-icu"`).orderBy('p.id').execute(),
    db.selectFrom('mobile_teams as t').select(['t.id', 't.name']).where(provinceInScope(actor.scope, 't.province_code')).orderBy(sql`t.name COLLATE "vi-x-icu"`).orderBy('t.id').execute(),
  ]);
  return { points, teams };
}

/**
 * The key that encrypts what this user's counter keeps on the device (the day's list, the outbox). It stays on the
 * server: the browser holds it in memory only, so a lost laptop's disk holds ciphertext; the next session gets it again.
 */
export async function counterKey(db: Db, actor: Actor): Promise<string> {
  requirePermission(actor, 'intake.capture');
  if (!actor.userId) throw new AppError('auth.forbidden', { permission: 'intake.capture' });
  const row = await db
    .insertInto('counter_keys')
    .values({ user_id: actor.userId, key: randomBytes(32) })
    .onConflict((oc) => oc.column('user_id').doUpdateSet({ user_id: sql`counter_keys.user_id` }))
    .returning('key')
    .executeTakeFirstOrThrow();
  return row.key.toString('base64');
}
