import { sql } from 'kysely';
import { inTransaction, type Db, type Queryable } from '../platform/db.ts';
import { AppError, type Issue } from '../platform/errors.ts';
import { requirePermission } from '../platform/permissions.ts';
import type { Actor } from '../platform/scope.ts';
import { appendAudit } from '../audit/store.ts';
import { todayInVietnam } from '../common/dates.ts';
import { cleanText } from '../common/text.ts';
import { getOrganisation } from '../organisations/service.ts';
import { organisationInScope } from '../organisations/scope.ts';
import { applyAdvice, plan as schedule } from './domain/schedule.ts';
import { addDays, buildSlots, DEFAULT_RECORDS_PER_KIT_HOUR, validateCampaign, validatePoint, walkInsUsed } from './domain/slots.ts';
import { planHomeVisits } from './domain/home-visits.ts';
import type { Appointment, Campaign, IntakePoint, Plan, PointSettings, ShiftKey, ShiftSpec } from './domain/types.ts';
import { cellsWithoutEligibleMembers, homeVisitDemand, loadCellDemand, loadPoints, planAppointments, pointInScope, provinceInScope, walkInsOn } from './store.ts';

const invalid = (issues: Issue[]) => new AppError('validation', {}, issues);

export interface CampaignInput {
  name: string;
  organisationId: string;
  /** Needed for a central-level committee, whose members come to one province's points. */
  provinceCode?: string;
  startDate: string;
  deadline: string;
  holidays?: string[];
}

export async function createCampaign(db: Db, actor: Actor, input: CampaignInput) {
  requirePermission(actor, 'campaign.plan');
  const unit = await getOrganisation(db, actor, input.organisationId);
  if (unit.kind !== 'provincial_committee' && unit.kind !== 'central_committee') throw invalid([{ field: 'organisationId', code: 'schedule.campaign.unit_kind' }]);
  const provinceCode = unit.provinceCode ?? input.provinceCode;
  if (!provinceCode) throw invalid([{ field: 'provinceCode', code: 'schedule.campaign.province_required' }]);
  const campaign: Campaign = { start: input.startDate, deadline: input.deadline, holidays: [...new Set(input.holidays ?? [])].sort() };
  const issues = validateCampaign(campaign);
  if (issues.length) throw invalid(issues);
  const name = cleanText(input.name);
  if (!name) throw invalid([{ field: 'name', code: 'schedule.campaign.name_required' }]);
  return inTransaction(db, async (trx) => {
    const { id } = await trx
      .insertInto('campaigns')
      .values({ name, organisation_id: unit.id, province_code: provinceCode, start_date: campaign.start, deadline: campaign.deadline, holidays: campaign.holidays, created_by: actor.userId })
      .returning('id')
      .executeTakeFirstOrThrow();
    await appendAudit(trx, actor, { action: 'campaign.create', entity: 'campaign', entityId: id, details: { name, organisationId: unit.id, ...campaign } });
    return getCampaign(trx, actor, id);
  });
}

/** The campaign with its unit's path, for the services (the path is internal, not part of the API). */
async function campaignRow(db: Queryable, actor: Actor, id: string) {
  const row = await db
    .selectFrom('campaigns as c')
    .innerJoin('organisations as o', 'o.id', 'c.organisation_id')
    .select(['c.id', 'c.name', 'c.organisation_id as organisationId', 'o.name as organisationName', 'o.path', 'c.province_code as provinceCode', 'c.start_date as startDate', 'c.deadline', sql<string[]>`c.holidays::text[]`.as('holidays')])
    .where('c.id', '=', id)
    .executeTakeFirst();
  // A campaign is seen by whoever sees its unit.
  if (!row) throw new AppError('schedule.campaign_not_found', { id });
  await getOrganisation(db, actor, row.organisationId).catch(() => Promise.reject(new AppError('schedule.campaign_not_found', { id })));
  return row;
}

export async function getCampaign(db: Queryable, actor: Actor, id: string) {
  const { path: _p, ...campaign } = await campaignRow(db, actor, id);
  return campaign;
}

/** A campaign's plans, newest first, so the planners can go back to any of them. */
export async function listPlans(db: Queryable, actor: Actor, campaignId: string) {
  await campaignRow(db, actor, campaignId);
  const rows = await db
    .selectFrom('schedule_plans')
    .select(['id', 'status', 'feasible', 'finish_date as finishDate', 'lower_bound_date as lowerBoundDate', 'created_at as createdAt', 'published_at as publishedAt'])
    .where('campaign_id', '=', campaignId)
    .orderBy('id', 'desc')
    .execute();
  return rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString(), publishedAt: r.publishedAt ? r.publishedAt.toISOString() : null }));
}

export async function listCampaigns(db: Queryable, actor: Actor) {
  requirePermission(actor, 'member.read');
  return db
    .selectFrom('campaigns as c')
    .innerJoin('organisations as o', 'o.id', 'c.organisation_id')
    .select(['c.id', 'c.name', 'c.organisation_id as organisationId', 'o.name as organisationName', 'c.province_code as provinceCode', 'c.start_date as startDate', 'c.deadline'])
    .where(organisationInScope(actor.scope, 'o'))
    .orderBy('c.id', 'desc')
    .execute();
}

export interface PointInput {
  name: string;
  communeCode: string;
  address?: string | null;
  operator: 'provincial' | 'commune';
  kits: number;
  recordsPerKitHour?: number;
  shifts: ShiftSpec[];
  openWeekdays: number[];
}

function settingsOf(input: Pick<PointInput, 'kits' | 'recordsPerKitHour' | 'shifts' | 'openWeekdays'>, from: string): PointSettings {
  return {
    from,
    kits: input.kits,
    recordsPerKitHour: input.recordsPerKitHour ?? DEFAULT_RECORDS_PER_KIT_HOUR,
    shifts: [...input.shifts].sort((a, b) => a.start.localeCompare(b.start)),
    openWeekdays: [...new Set(input.openWeekdays)].sort(),
  };
}

async function saveSettings(db: Queryable, pointId: string, settings: PointSettings) {
  await db
    .insertInto('intake_point_settings')
    .values({ point_id: pointId, effective_from: settings.from, kits: settings.kits, records_per_kit_hour: settings.recordsPerKitHour, shifts: JSON.stringify(settings.shifts), open_weekdays: settings.openWeekdays })
    .onConflict((oc) =>
      oc.columns(['point_id', 'effective_from']).doUpdateSet((eb) => ({
        kits: eb.ref('excluded.kits'),
        records_per_kit_hour: eb.ref('excluded.records_per_kit_hour'),
        shifts: eb.ref('excluded.shifts'),
        open_weekdays: eb.ref('excluded.open_weekdays'),
      })),
    )
    .execute();
}

export async function createPoint(db: Db, actor: Actor, input: PointInput) {
  requirePermission(actor, 'campaign.plan');
  const commune = await db.selectFrom('communes').select(['code', 'province_code']).where('code', '=', input.communeCode).executeTakeFirst();
  if (!commune) throw invalid([{ field: 'communeCode', code: 'reference.commune_unknown', params: { code: input.communeCode } }]);
  const name = cleanText(input.name);
  if (!name) throw invalid([{ field: 'name', code: 'schedule.point.name_required' }]);
  const settings = settingsOf(input, todayInVietnam());
  const point: IntakePoint = { id: 'new', name, communeCode: commune.code, operator: input.operator, settings: [settings], closedOn: [] };
  const issues = validatePoint(point);
  if (issues.length) throw invalid(issues);
  return inTransaction(db, async (trx) => {
    const { id } = await trx
      .insertInto('intake_points')
      .values({ name, province_code: commune.province_code, commune_code: commune.code, address: input.address ? cleanText(input.address) : null, operator: input.operator })
      .returning('id')
      .executeTakeFirstOrThrow();
    // Refuse a point the actor could not see afterwards (another province).
    if (!(await trx.selectFrom('intake_points as p').select('p.id').where('p.id', '=', id).where(pointInScope(actor.scope, 'p')).executeTakeFirst())) throw new AppError('auth.forbidden');
    await saveSettings(trx, id, settings);
    await appendAudit(trx, actor, { action: 'point.create', entity: 'intake_point', entityId: id, details: { name, communeCode: commune.code, settings } });
    return (await loadPoints(trx, actor.scope, { pointId: id }))[0]!;
  });
}

async function getPoint(db: Queryable, actor: Actor, id: string) {
  const [point] = await loadPoints(db, actor.scope, { pointId: id });
  if (!point) throw new AppError('schedule.point_not_found', { id });
  return point;
}

/** New capacity settings from a future day on (tomorrow by default): days already planned or done keep theirs. */
export async function changePointSettings(db: Db, actor: Actor, id: string, input: Pick<PointInput, 'kits' | 'recordsPerKitHour' | 'shifts' | 'openWeekdays'> & { from?: string }) {
  requirePermission(actor, 'campaign.plan');
  const today = todayInVietnam();
  const from = input.from ?? addDays(today, 1);
  if (from <= today) throw invalid([{ field: 'from', code: 'schedule.point.change_not_future' }]);
  return inTransaction(db, async (trx) => {
    const point = await getPoint(trx, actor, id);
    const settings = settingsOf(input, from);
    const issues = validatePoint({ ...point, settings: [settings] });
    if (issues.length) throw invalid(issues);
    await saveSettings(trx, id, settings);
    await appendAudit(trx, actor, { action: 'point.settings', entity: 'intake_point', entityId: id, details: { settings } });
    return getPoint(trx, actor, id);
  });
}

export async function closePointOn(db: Db, actor: Actor, id: string, date: string) {
  requirePermission(actor, 'campaign.plan');
  if (date < todayInVietnam()) throw invalid([{ field: 'date', code: 'schedule.point.closure_past' }]);
  return inTransaction(db, async (trx) => {
    await getPoint(trx, actor, id);
    await sql`UPDATE intake_points SET closed_on = (SELECT array_agg(DISTINCT d ORDER BY d) FROM unnest(closed_on || ${date}::date) AS d) WHERE id = ${id}`.execute(trx);
    await appendAudit(trx, actor, { action: 'point.close_day', entity: 'intake_point', entityId: id, details: { date } });
    return getPoint(trx, actor, id);
  });
}

export async function listPoints(db: Queryable, actor: Actor, provinceCode?: string) {
  requirePermission(actor, 'member.read');
  return loadPoints(db, actor.scope, { provinceCode });
}

async function latestPublished(db: Queryable, campaignId: string) {
  return db.selectFrom('schedule_plans').select('id').where('campaign_id', '=', campaignId).where('status', '=', 'published').orderBy('id', 'desc').executeTakeFirst();
}

/**
 * Plans (or re-plans) a campaign: every eligible member below its unit at a point, a day and a shift, by cell. What the
 * last published plan fixed (days done, confirmed appointments) stays; its other appointments are kept where possible.
 */
export async function planCampaign(db: Db, actor: Actor, campaignId: string) {
  requirePermission(actor, 'campaign.plan');
  const campaign = await campaignRow(db, actor, campaignId);
  const points = await loadPoints(db, actor.scope, { provinceCode: campaign.provinceCode });
  const cells = await loadCellDemand(db, actor.scope, campaign.path);
  const published = await latestPublished(db, campaignId);
  const today = todayInVietnam();
  // A cell that missed its shift is booked again: its appointment is neither kept nor counted.
  const announced = (published ? await planAppointments(db, published.id) : []).filter((a) => !a.missed);
  const locked = announced.filter((a) => a.locked || a.date < today);
  const previous = announced.filter((a) => !(a.locked || a.date < today));
  const strip = ({ id: _i, locked: _l, missed: _m, ...a }: Appointment & { id: string; locked: boolean; missed: boolean }): Appointment => a;
  // Nothing new is booked on a day already begun or past: a re-plan starts today (or at the start, if later).
  const input = { start: [campaign.startDate, today].sort()[1]!, deadline: campaign.deadline, holidays: campaign.holidays };
  // Walk-ins taken today used some of today's places, which the re-plan may still book.
  const used = walkInsUsed(points, today, await walkInsOn(db, campaign.provinceCode, today, published?.id));
  const planned = schedule({ campaign: input, points, cells, locked: locked.map(strip), previous: previous.map(strip), used });
  const empty = await cellsWithoutEligibleMembers(db, actor.scope, campaign.path);
  const result: Plan = { ...planned, unplaceable: [...planned.unplaceable, ...empty.map((cellId) => ({ cellId, members: 0, reason: 'no_eligible_members' as const }))] };
  const teams = (await db.selectFrom('mobile_teams').select(['id', 'commune_codes as communeCodes', 'visits_per_day as visitsPerDay']).where('province_code', '=', campaign.provinceCode).execute());
  const visits = planHomeVisits(input, (await homeVisitDemand(db, actor.scope, campaign.path)).filter((d): d is { memberId: string; communeCode: string } => d.communeCode !== null), teams);
  const lockedKeys = new Set(locked.map((a) => `${a.cellId}|${a.pointId}|${a.date}|${a.shift}`));
  const planId = await inTransaction(db, async (trx) => {
    const { id } = await trx
      .insertInto('schedule_plans')
      .values({
        campaign_id: campaignId,
        finish_date: result.finishDate,
        lower_bound_date: result.lowerBoundDate,
        feasible: result.feasible,
        advice: JSON.stringify(result.advice),
        unplaceable: JSON.stringify(result.unplaceable),
        cross_commune_members: result.crossCommuneMembers,
        changed_appointments: result.changedAppointments,
        created_by: actor.userId,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    for (let i = 0; i < result.appointments.length; i += 5000) {
      const rows = result.appointments.slice(i, i + 5000).map((a) => ({
        plan_id: id,
        cell_id: a.cellId,
        point_id: a.pointId,
        day: a.date,
        shift: a.shift,
        members: a.members,
        locked: lockedKeys.has(`${a.cellId}|${a.pointId}|${a.date}|${a.shift}`),
      }));
      if (rows.length) await trx.insertInto('appointments').values(rows).execute();
    }
    if (visits.runs.length) {
      await trx
        .insertInto('home_visit_runs')
        .values(visits.runs.map((r) => ({ plan_id: id, team_id: r.teamId, day: r.date, commune_code: r.communeCode, member_ids: r.memberIds })))
        .execute();
    }
    await appendAudit(trx, actor, {
      action: 'campaign.plan',
      entity: 'campaign',
      entityId: campaignId,
      details: { planId: id, appointments: result.appointments.length, feasible: result.feasible, finishDate: result.finishDate, unplaceable: result.unplaceable.length },
    });
    return id;
  });
  return getPlan(db, actor, planId);
}

/** The plan's own row and its campaign, scope-checked: enough to decide on a change without loading its appointments. */
async function planRow(db: Queryable, actor: Actor, planId: string) {
  const row = await db.selectFrom('schedule_plans').selectAll().where('id', '=', planId).executeTakeFirst();
  if (!row) throw new AppError('schedule.plan_not_found', { id: planId });
  return { row, campaign: await getCampaign(db, actor, row.campaign_id) };
}

export async function getPlan(db: Queryable, actor: Actor, planId: string) {
  const { row, campaign } = await planRow(db, actor, planId);
  const appointments = await planAppointments(db, planId);
  // Names of the cells in the plan, so a calendar can label its blocks without a request per cell.
  const cellIds = [...new Set([...appointments.map((a) => a.cellId), ...(row.unplaceable as Plan['unplaceable']).map((u) => u.cellId)])];
  const cells = cellIds.length
    ? await db
        .selectFrom('organisations as c')
        .leftJoin('organisations as p', 'p.id', 'c.parent_id')
        .select(['c.id', 'c.name', 'p.name as committeeName', 'c.commune_code as communeCode'])
        .where('c.id', 'in', cellIds)
        .execute()
    : [];
  const visits = await db.selectFrom('home_visit_runs').select(['team_id as teamId', 'day as date', 'commune_code as communeCode', 'member_ids as memberIds']).where('plan_id', '=', planId).orderBy('day').orderBy('team_id').execute();
  return {
    id: row.id,
    campaign,
    status: row.status,
    feasible: row.feasible,
    finishDate: row.finish_date,
    lowerBoundDate: row.lower_bound_date,
    advice: row.advice as Plan['advice'],
    unplaceable: row.unplaceable as Plan['unplaceable'],
    crossCommuneMembers: row.cross_commune_members,
    changedAppointments: row.changed_appointments,
    appointments,
    cells,
    homeVisits: visits,
    createdAt: row.created_at.toISOString(),
  };
}

/** Applies the plan's advice to the points (from the campaign's start, or tomorrow once it has begun) and plans again. */
export async function applyPlanAdvice(db: Db, actor: Actor, planId: string) {
  requirePermission(actor, 'campaign.plan');
  const plan = await getPlan(db, actor, planId);
  if (plan.advice.length === 0) return plan;
  const from = [plan.campaign.startDate, addDays(todayInVietnam(), 1)].sort()[1]!;
  const points = await loadPoints(db, actor.scope, { provinceCode: plan.campaign.provinceCode });
  // The advice takes effect from `from` on: earlier days keep the settings they were planned (or done) with.
  const changed = applyAdvice(points, plan.advice, from);
  await inTransaction(db, async (trx) => {
    for (const point of changed) {
      const before = points.find((p) => p.id === point.id)!;
      if (JSON.stringify(before.settings) === JSON.stringify(point.settings)) continue;
      for (const settings of point.settings.filter((x) => x.from >= from)) await saveSettings(trx, point.id, settings);
    }
    await appendAudit(trx, actor, { action: 'campaign.apply_advice', entity: 'campaign', entityId: plan.campaign.id, details: { planId, advice: plan.advice, from } });
  });
  return planCampaign(db, actor, plan.campaign.id);
}

/** Moves one appointment (drag and drop in the calendar), refusing a shift it would overfill. */
export async function moveAppointment(db: Db, actor: Actor, appointmentId: string, to: { pointId: string; date: string; shift: ShiftKey }) {
  requirePermission(actor, 'campaign.plan');
  return inTransaction(db, async (trx) => {
    const appointment = await trx.selectFrom('appointments').selectAll().where('id', '=', appointmentId).forUpdate().executeTakeFirst();
    if (!appointment) throw new AppError('schedule.appointment_not_found', { id: appointmentId });
    const plan = await planRow(trx, actor, appointment.plan_id);
    // What was published has been sent to members: changing it means a new draft, published again with new notices.
    if (plan.row.status !== 'draft') throw new AppError('schedule.plan_not_draft');
    if (appointment.locked) throw new AppError('schedule.appointment_locked');
    const point = await getPoint(trx, actor, to.pointId);
    const campaign: Campaign = { start: plan.campaign.startDate, deadline: plan.campaign.deadline, holidays: plan.campaign.holidays };
    const slot = buildSlots(campaign, [point]).find((s) => s.date === to.date && s.shift === to.shift);
    if (!slot) throw new AppError('schedule.slot_closed');
    // Serialise moves into the same plan so two planners cannot both fill the last places of a shift.
    await sql`SELECT pg_advisory_xact_lock(7242010, ${Number(appointment.plan_id)}::int)`.execute(trx);
    const load = await trx
      .selectFrom('appointments')
      .select(sql<string>`coalesce(sum(members), 0)`.as('n'))
      .where('plan_id', '=', appointment.plan_id)
      .where('point_id', '=', to.pointId)
      .where('day', '=', to.date)
      .where('shift', '=', to.shift)
      .where('id', '<>', appointmentId)
      .executeTakeFirstOrThrow();
    if (Number(load.n) + appointment.members > slot.capacity) {
      throw new AppError('schedule.slot_full', { capacity: slot.capacity, load: Number(load.n), members: appointment.members });
    }
    await trx.updateTable('appointments').set({ point_id: to.pointId, day: to.date, shift: to.shift }).where('id', '=', appointmentId).execute();
    await appendAudit(trx, actor, { action: 'appointment.move', entity: 'appointment', entityId: appointmentId, details: { from: { pointId: appointment.point_id, date: appointment.day, shift: appointment.shift }, to } });
    return getPlan(trx, actor, appointment.plan_id);
  });
}

/** A mobile team visiting the homes of members who cannot come (elderly, sick), within the communes it serves. */
export async function createMobileTeam(db: Db, actor: Actor, input: { name: string; communeCodes: string[]; visitsPerDay: number }) {
  requirePermission(actor, 'campaign.plan');
  const name = cleanText(input.name);
  if (!name) throw invalid([{ field: 'name', code: 'schedule.team.name_required' }]);
  const codes = [...new Set(input.communeCodes)];
  const communes = codes.length ? await db.selectFrom('communes').select(['code', 'province_code']).where('code', 'in', codes).execute() : [];
  const provinces = new Set(communes.map((c) => c.province_code));
  if (codes.length === 0 || communes.length !== codes.length || provinces.size !== 1) throw invalid([{ field: 'communeCodes', code: 'schedule.team.communes' }]);
  const provinceCode = [...provinces][0]!;
  return inTransaction(db, async (trx) => {
    const team = await trx.insertInto('mobile_teams').values({ name, province_code: provinceCode, commune_codes: codes, visits_per_day: input.visitsPerDay }).returning(['id', 'name', 'province_code as provinceCode', 'commune_codes as communeCodes', 'visits_per_day as visitsPerDay']).executeTakeFirstOrThrow();
    // A team is seen (and so may be created) by whoever sees points in its communes.
    const visible = await trx
      .selectFrom(sql<{ province_code: string; commune_code: string }>`(SELECT ${provinceCode}::char(2) AS province_code, unnest(${codes}::char(5)[]) AS commune_code)`.as('t'))
      .select('t.commune_code')
      .where(pointInScope(actor.scope, 't'))
      .execute();
    if (visible.length !== codes.length) throw new AppError('auth.forbidden');
    await appendAudit(trx, actor, { action: 'team.create', entity: 'mobile_team', entityId: team.id, details: { name, communeCodes: codes, visitsPerDay: input.visitsPerDay } });
    return team;
  });
}

export async function listMobileTeams(db: Queryable, actor: Actor, provinceCode?: string) {
  requirePermission(actor, 'member.read');
  let qb = db
    .selectFrom('mobile_teams as t')
    .select(['t.id', 't.name', 't.province_code as provinceCode', 't.commune_codes as communeCodes', 't.visits_per_day as visitsPerDay'])
    .where(provinceInScope(actor.scope, 't.province_code'))
    .orderBy('t.id');
  if (provinceCode) qb = qb.where('t.province_code', '=', provinceCode);
  return qb.execute();
}

/** The cell did not come to this (published) appointment: the next re-plan books its members again. */
export async function markMissed(db: Db, actor: Actor, appointmentId: string) {
  requirePermission(actor, 'campaign.plan');
  return inTransaction(db, async (trx) => {
    const appointment = await trx.selectFrom('appointments').selectAll().where('id', '=', appointmentId).forUpdate().executeTakeFirst();
    if (!appointment) throw new AppError('schedule.appointment_not_found', { id: appointmentId });
    const { row: plan } = await planRow(trx, actor, appointment.plan_id);
    if (plan.status !== 'published') throw new AppError('schedule.plan_not_published');
    await trx.updateTable('appointments').set({ missed: true, locked: false }).where('id', '=', appointmentId).execute();
    await appendAudit(trx, actor, { action: 'appointment.missed', entity: 'appointment', entityId: appointmentId, details: { planId: plan.id, cellId: appointment.cell_id, date: appointment.day, shift: appointment.shift } });
    return getPlan(trx, actor, plan.id);
  });
}
