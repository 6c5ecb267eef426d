import { sql } from 'kysely';
import { appendAudit } from '../audit/store.ts';
import { summaryColumns, type MemberSummary } from '../members/store.ts';
import type { Db, Queryable } from '../platform/db.ts';
import { AppError } from '../platform/errors.ts';
import { requirePermission } from '../platform/permissions.ts';
import type { Actor } from '../platform/scope.ts';
import { formatDate, todayInVietnam } from '../common/dates.ts';
import { organisationInScope } from '../organisations/scope.ts';
import { addDays, dayNumber } from '../scheduling/domain/slots.ts';
import { campaignWindow, type CampaignSpan, type CampaignWindow } from './domain/campaign-window.ts';
import { forecast, rateWindowStart, type Forecast } from './domain/forecast.ts';
import { lateUnits, type LateUnit } from './domain/lateness.ts';
import type { DailyReport, ReportRow } from './outputs/daily-report.ts';
import { effective } from './rollups.ts';
import { getOrganisation } from '../organisations/service.ts';
import { ancestorsOf, listChildren, listRoots, type OrganisationRow } from '../organisations/store.ts';

/** A unit's whole-subtree counters (decision 0016): members, each counted once. */
export interface Totals {
  /** Eligible members. */
  target: number;
  /** Members booked by the published plans (their cells' appointments). */
  scheduled: number;
  /** Members with a dossier not returned, then how far the furthest one went. */
  received: number;
  confirmed: number;
  approved: number;
  readyToSend: number;
  sent: number;
  /** Members whose every dossier was returned. */
  returned: number;
  /** Members with two dossiers or more not returned. */
  conflicts: number;
  openMismatches: number;
  awaitingCheck: number;
}

export interface UnitProgress extends Totals {
  id: string;
  name: string;
  kind: OrganisationRow['kind'];
  closed: boolean;
}

/** The counters of progress_units (scheduled comes from progress_scheduled). */
const COUNTERS = {
  target: 'target',
  received: 'received',
  confirmed: 'confirmed',
  approved: 'approved',
  readyToSend: 'ready_to_send',
  sent: 'sent',
  returned: 'returned',
  conflicts: 'conflicts',
  openMismatches: 'open_mismatches',
  awaitingCheck: 'awaiting_check',
} as const satisfies Record<Exclude<keyof Totals, 'scheduled'>, string>;

const zero = (): Totals => ({ ...(Object.fromEntries(Object.keys(COUNTERS).map((k) => [k, 0])) as Omit<Totals, 'scheduled'>), scheduled: 0 });

/**
 * The units' rows by primary key, plus what is pending for them: no member or dossier is read but the few pending
 * ones. A unit nothing was counted for has zeros.
 */
async function totalsOf(db: Queryable, unitIds: readonly string[]): Promise<Map<string, Totals>> {
  const result = new Map(unitIds.map((id) => [id, zero()]));
  if (unitIds.length === 0) return result;
  const [rows, scheduled] = await Promise.all([
    sql<Record<string, string>>`
      SELECT organisation_id AS id, ${sql.join(Object.entries(COUNTERS).map(([key, column]) => sql`${sql.ref(column)} AS ${sql.ref(key)}`))}
      FROM (${effective('progress_units', sql`organisation_id = ANY(${unitIds}::bigint[])`)}) u`.execute(db),
    sql<{ id: string; members: string }>`
      SELECT organisation_id AS id, sum(members) AS members FROM progress_scheduled WHERE organisation_id = ANY(${unitIds}::bigint[]) GROUP BY 1`.execute(db),
  ]);
  for (const row of rows.rows) {
    const totals = result.get(String(row.id))!;
    for (const key of Object.keys(COUNTERS) as (keyof typeof COUNTERS)[]) totals[key] = Number(row[key]);
  }
  for (const row of scheduled.rows) result.get(String(row.id))!.scheduled = Number(row.members);
  return result;
}

const view = (unit: OrganisationRow, totals: Totals): UnitProgress => ({ id: unit.id, name: unit.name, kind: unit.kind, closed: unit.closed, ...totals });

/** The unit asked for (or the caller's single visible top unit) and its children; several tops are the children. */
async function unitAndChildren(db: Queryable, actor: Actor, organisationId: string | undefined): Promise<{ unit?: OrganisationRow; children: OrganisationRow[] }> {
  if (organisationId) {
    const unit = await getOrganisation(db, actor, organisationId);
    return { unit, children: await listChildren(db, actor.scope, unit.id) };
  }
  const roots = await listRoots(db, actor.scope);
  if (roots.length === 1) return { unit: roots[0], children: await listChildren(db, actor.scope, roots[0]!.id) };
  return { children: roots };
}

/** The longest range a dashboard shows or a report covers. */
export const MAX_RANGE_DAYS = 366;
/** Days shown when no range is asked and no campaign gives a start. */
const DEFAULT_RANGE_DAYS = 30;

export interface DayCounts {
  day: string;
  /** Dossiers received that day. */
  dossiers: number;
  approved: number;
  returned: number;
}

export interface ChildProgress extends UnitProgress {
  forecast: Forecast | null;
}

export interface Dashboard {
  today: string;
  from: string;
  to: string;
  /** The unit shown; null when the caller's scope has several tops (shown as the children, totals summed). */
  unit: UnitProgress | null;
  totals: Totals;
  /** The unit's ancestors the caller may see, top first (for the way back up). */
  ancestors: { id: string; name: string }[];
  campaign: CampaignWindow | null;
  forecast: Forecast | null;
  series: DayCounts[];
  children: ChildProgress[];
  /** Children that will miss the deadline, most members short first. */
  late: LateUnit[];
}

/** The range asked, checked: dates, from ≤ to, at most MAX_RANGE_DAYS. */
export function checkedRange(query: { from?: string; to?: string }, defaults: { from: string; to: string }): { from: string; to: string } {
  for (const field of ['from', 'to'] as const) {
    const value = query[field];
    if (value !== undefined && dayNumber(value) === undefined) throw new AppError('progress.bad_date', { value }, [{ field, code: 'progress.bad_date', params: { value } }]);
  }
  const to = query.to ?? defaults.to;
  const from = query.from ?? (query.to ? addDays(to, -(DEFAULT_RANGE_DAYS - 1)) : defaults.from);
  if (from > to) {
    const params = { from: formatDate(from), to: formatDate(to) };
    throw new AppError('progress.range_reversed', params, [{ field: 'from', code: 'progress.range_reversed', params }]);
  }
  const days = dayNumber(to)! - dayNumber(from)! + 1;
  if (days > MAX_RANGE_DAYS) throw new AppError('progress.range_too_long', { days, max: MAX_RANGE_DAYS }, [{ field: 'from', code: 'progress.range_too_long', params: { days, max: MAX_RANGE_DAYS } }]);
  return { from, to };
}

/** Campaigns that can measure the unit or anything below it: at the unit, above it, or inside its subtree. */
async function campaignsAround(db: Queryable, paths: readonly string[]): Promise<CampaignSpan[]> {
  if (paths.length === 0) return [];
  const rows = await sql<{ path: string; start_date: string; deadline: string; holidays: string[] }>`
    SELECT o.path, c.start_date::text, c.deadline::text, c.holidays::text[] AS holidays
    FROM campaigns c JOIN organisations o ON o.id = c.organisation_id
    WHERE EXISTS (SELECT FROM unnest(${paths}::text[]) AS u(path) WHERE starts_with(u.path, o.path) OR starts_with(o.path, u.path))`.execute(db);
  return rows.rows.map((r) => ({ path: r.path, startDate: r.start_date, deadline: r.deadline, holidays: r.holidays }));
}

/** Each unit's day counts over [from, to] (stored + pending), by unit id then day. */
async function daysOf(db: Queryable, spans: readonly { id: string; from: string }[], to: string): Promise<Map<string, Map<string, DayCounts>>> {
  const result = new Map<string, Map<string, DayCounts>>(spans.map((s) => [s.id, new Map()]));
  if (spans.length === 0) return result;
  // One condition per first day (units mostly share one): `= ANY(ids) AND day BETWEEN` keeps to the primary key's
  // ranges (a per-unit first day joined in, EXISTS over unnest, let the planner scan the whole table: ≈ 250 ms at 5.6 M).
  const byFrom = new Map<string, string[]>();
  for (const s of spans) byFrom.set(s.from, [...(byFrom.get(s.from) ?? []), s.id]);
  const conditions = [...byFrom].map(([from, ids]) => sql`organisation_id = ANY(${ids}::bigint[]) AND day BETWEEN ${from}::date AND ${to}::date`);
  const rows = await sql<{ organisation_id: string; day: string; dossiers: number; approved: number; returned: number }>`
    SELECT organisation_id, day::text, dossiers, approved, returned FROM (${effective('progress_unit_days', conditions)}) d`.execute(db);
  for (const r of rows.rows) result.get(String(r.organisation_id))!.set(r.day, { day: r.day, dossiers: r.dossiers, approved: r.approved, returned: r.returned });
  return result;
}

function sumDays(maps: readonly Map<string, DayCounts>[]): Map<string, DayCounts> {
  const total = new Map<string, DayCounts>();
  for (const map of maps)
    for (const d of map.values()) {
      const t = total.get(d.day) ?? { day: d.day, dossiers: 0, approved: 0, returned: 0 };
      total.set(d.day, { day: d.day, dossiers: t.dossiers + d.dossiers, approved: t.approved + d.approved, returned: t.returned + d.returned });
    }
  return total;
}

function forecastOf(totals: Totals, days: Map<string, DayCounts>, window: CampaignWindow | null, today: string, firstDay?: string): Forecast | null {
  if (!window) return null;
  const daily: Record<string, number> = {};
  for (const d of days.values()) if (d.day <= today) daily[d.day] = d.dossiers;
  // Intake runs every day of the week (evenings and weekends too); only the campaign's holidays are off.
  return forecast({ daily, target: totals.target, done: totals.received, today, deadline: window.deadline, calendar: { closedWeekdays: [], holidays: window.holidays }, ...(firstDay ? { firstDay } : {}) });
}

/** Each unit's first day with a dossier received, as stored (one index probe each; what is pending is today's). */
async function firstDaysOf(db: Queryable, unitIds: readonly string[]): Promise<Map<string, string>> {
  if (unitIds.length === 0) return new Map();
  const rows = await sql<{ id: string; day: string }>`
    SELECT u.id, f.day::text AS day FROM unnest(${unitIds}::bigint[]) AS u(id),
      LATERAL (SELECT day FROM progress_unit_days WHERE organisation_id = u.id AND dossiers > 0 ORDER BY day LIMIT 1) f`.execute(db);
  return new Map(rows.rows.map((r) => [String(r.id), r.day]));
}

const sumTotals = (all: readonly Totals[]): Totals => {
  const total = zero();
  for (const t of all) for (const key of Object.keys(total) as (keyof Totals)[]) total[key] += t[key];
  return total;
};

/**
 * A unit's dashboard: its totals and its children's (whole subtrees), the day counts over the range, and against its
 * campaign's deadline a forecast for it and each child, with the children that will miss it. Without a unit: the
 * caller's visible top unit, or, when the scope has several tops, those as the children and their sum as the totals.
 * A unit outside the caller's scope is "not found", as everywhere. Reads the counters only (decision 0016).
 */
export async function progressOf(db: Queryable, actor: Actor, options: { organisationId?: string; from?: string; to?: string; today?: string } = {}): Promise<Dashboard> {
  requirePermission(actor, 'progress.read');
  const today = options.today ?? todayInVietnam();
  const { unit, children } = await unitAndChildren(db, actor, options.organisationId);
  const paths = unit ? [unit.path] : children.map((c) => c.path);
  const campaigns = await campaignsAround(db, paths);
  const windowOf = (path: string) => campaignWindow(path, campaigns);
  // Several tops: the campaigns read are already those around them.
  const unitWindow = unit ? windowOf(unit.path) : campaignWindow('/', campaigns);
  // By default, from the campaign's start (at most the longest range back) to today.
  const longest = addDays(today, -(MAX_RANGE_DAYS - 1));
  const defaultFrom = unitWindow && unitWindow.startDate <= today ? (unitWindow.startDate < longest ? longest : unitWindow.startDate) : addDays(today, -(DEFAULT_RANGE_DAYS - 1));
  const range = checkedRange(options, { from: defaultFrom, to: today });
  const historyTo = range.to > today ? range.to : today;
  const earliest = addDays(historyTo, -3 * MAX_RANGE_DAYS);
  const bounded = (day: string) => (day < earliest ? earliest : day);
  const ids = [...(unit ? [unit.id] : []), ...children.map((c) => c.id)];
  const [totals, ancestors] = await Promise.all([totalsOf(db, ids), unit ? ancestorsOf(db, actor.scope, unit) : Promise.resolve([])]);
  // The days each forecast needs, not the whole history of every child (a province has a hundred children): the
  // days the rate is measured on and those since a passed deadline, with the first day anyone came read apart; a
  // child that is done, its whole history (the day it finished). The unit itself: the range shown, and the history.
  const childFrom = new Map<string, string>();
  for (const c of children) {
    const window = windowOf(c.path);
    const t = totals.get(c.id)!;
    let from = range.from;
    if (window && t.target > 0 && t.received >= t.target) from = window.startDate;
    else if (window) {
      const rateFrom = rateWindowStart(today, { closedWeekdays: [], holidays: window.holidays });
      from = window.deadline < today && window.deadline < rateFrom ? addDays(window.deadline, 1) : rateFrom;
    }
    // Without a unit, the series shown is the children's sum.
    childFrom.set(c.id, bounded(unit || from < range.from ? from : range.from));
  }
  const unitFrom = bounded(unitWindow && unitWindow.startDate < range.from ? unitWindow.startDate : range.from);
  const [days, firstDays] = await Promise.all([
    daysOf(db, [...(unit ? [{ id: unit.id, from: unitFrom }] : []), ...children.map((c) => ({ id: c.id, from: childFrom.get(c.id)! }))], historyTo),
    firstDaysOf(db, children.map((c) => c.id)),
  ]);
  const childRows = children.map((c) => {
    const t = totals.get(c.id)!;
    return { ...view(c, t), forecast: forecastOf(t, days.get(c.id)!, windowOf(c.path), today, firstDays.get(c.id)) };
  });
  const unitTotals = unit ? totals.get(unit.id)! : sumTotals(children.map((c) => totals.get(c.id)!));
  const unitDays = unit ? days.get(unit.id)! : sumDays(children.map((c) => days.get(c.id)!));
  const series = [...unitDays.values()].filter((d) => d.day >= range.from && d.day <= range.to).sort((a, b) => a.day.localeCompare(b.day));
  return {
    today,
    ...range,
    unit: unit ? view(unit, unitTotals) : null,
    totals: unitTotals,
    ancestors,
    campaign: unitWindow,
    forecast: forecastOf(unitTotals, unitDays, unitWindow, today),
    series,
    children: childRows,
    late: lateUnits(childRows.filter((c) => c.forecast).map((c) => ({ unitId: c.id, name: c.name, forecast: c.forecast! }))),
  };
}


/**
 * Today's report of a unit (the caller's top unit by default): one row per child unit, and the totals. Counts as they
 * stand now; "that day" is the dossiers received on Vietnam's day `date` (today unless given; never a day to come).
 */
export async function dailyReportOf(db: Queryable, actor: Actor, options: { organisationId?: string; date?: string; now?: Date } = {}): Promise<DailyReport> {
  requirePermission(actor, 'progress.read');
  const now = options.now ?? new Date();
  const today = todayInVietnam(now);
  const date = options.date ?? today;
  if (dayNumber(date) === undefined) throw new AppError('progress.bad_date', { value: date }, [{ field: 'date', code: 'progress.bad_date', params: { value: date } }]);
  if (date > today) throw new AppError('progress.report.future', { date: formatDate(date) }, [{ field: 'date', code: 'progress.report.future', params: { date: formatDate(date) } }]);
  const { unit, children } = await unitAndChildren(db, actor, options.organisationId);
  const ids = [...(unit ? [unit.id] : []), ...children.map((c) => c.id)];
  const [totals, days, place, superior] = await Promise.all([
    totalsOf(db, ids),
    daysOf(db, ids.map((id) => ({ id, from: date })), date),
    placeOf(db, unit ?? children[0]),
    unit?.parentId ? db.selectFrom('organisations').select('name').where('id', '=', unit.parentId).executeTakeFirst() : Promise.resolve(undefined),
  ]);
  const rowOf = (id: string, name: string): ReportRow => {
    const t = totals.get(id)!;
    return { name, target: t.target, today: days.get(id)!.get(date)?.dossiers ?? 0, total: t.received, openMismatches: t.openMismatches, conflicts: t.conflicts, returned: t.returned };
  };
  const rows = children.map((c) => rowOf(c.id, c.name));
  const sum = (key: Exclude<keyof ReportRow, 'name'>) => rows.reduce((n, r) => n + r[key], 0);
  const totalsRow: ReportRow = unit
    ? rowOf(unit.id, unit.name)
    : { name: '', target: sum('target'), today: sum('today'), total: sum('total'), openMismatches: sum('openMismatches'), conflicts: sum('conflicts'), returned: sum('returned') };
  return { unitName: unit?.name ?? 'Ban Chấp hành Trung ương', superiorName: superior?.name ?? null, place, date, generatedAt: now.toISOString(), rows, totals: totalsRow };
}

/** Where a unit's report is signed: its province, or the capital for central units. */
async function placeOf(db: Queryable, unit: OrganisationRow | undefined): Promise<string> {
  const province = unit?.provinceCode ? await db.selectFrom('provinces').select('name').where('code', '=', unit.provinceCode).executeTakeFirst() : undefined;
  return province ? province.name.replace(/^(Tỉnh|Thành phố) /, '') : 'Hà Nội';
}

export const WAITING_PAGE_SIZE = 100;

export interface WaitingMember extends MemberSummary {
  /** The next day the member's cell is booked at a point (a published plan), today or later. */
  appointment: { day: string; shift: string; pointName: string } | null;
  /** Every dossier of the member was returned: to be taken again. */
  returned: boolean;
}

/**
 * Who has not come yet, for the cell secretary to call: the eligible members of the unit's subtree with no dossier
 * still standing (none, or all returned), in Vietnamese name order, with their cell's next booked day. Audited (a list
 * of personal records).
 */
export async function waitingMembers(db: Db, actor: Actor, options: { organisationId: string; page?: number; today?: string }): Promise<{ unit: { id: string; name: string }; items: WaitingMember[]; hasMore: boolean }> {
  requirePermission(actor, 'progress.read');
  const unit = await getOrganisation(db, actor, options.organisationId);
  const page = Math.max(1, Math.floor(options.page ?? 1));
  const today = options.today ?? todayInVietnam();
  const rows = await db
    .selectFrom('members as m')
    .innerJoin('organisations as o', 'o.id', 'm.organisation_id')
    .select(summaryColumns)
    .select((eb) => [
      sql<boolean>`EXISTS (SELECT FROM dossiers d WHERE d.member_id = m.id)`.as('returned'),
      sql<{ day: string; shift: string; pointName: string } | null>`(
        SELECT json_build_object('day', a.day, 'shift', a.shift, 'pointName', p.name)
        FROM appointments a JOIN schedule_plans sp ON sp.id = a.plan_id AND sp.status = 'published' JOIN intake_points p ON p.id = a.point_id
        WHERE a.cell_id = m.organisation_id AND a.day >= ${today}::date ORDER BY a.day, a.shift LIMIT 1)`.as('appointment'),
    ])
    .where('m.eligible', '=', true)
    .where('o.path', 'like', `${unit.path}%`)
    .where(organisationInScope(actor.scope, 'o'))
    .where((eb) => eb.not(eb.exists(eb.selectFrom('dossiers as d').select('d.id').whereRef('d.member_id', '=', 'm.id').where('d.state', '<>', 'returned'))))
    .orderBy('m.sort_key')
    .orderBy('m.id')
    .limit(WAITING_PAGE_SIZE + 1)
    .offset((page - 1) * WAITING_PAGE_SIZE)
    .execute();
  const items = rows.slice(0, WAITING_PAGE_SIZE);
  await appendAudit(db, actor, { action: 'progress.waiting_list', entity: 'organisation', entityId: unit.id, details: { page, members: items.length } });
  return { unit: { id: unit.id, name: unit.name }, items, hasMore: rows.length > WAITING_PAGE_SIZE };
}
