import type { Readable } from 'node:stream';
import { streamed } from '../common/streams.ts';
import { sql } from 'kysely';
import { inTransaction, type Db, type Queryable } from '../platform/db.ts';
import { requirePermission } from '../platform/permissions.ts';
import type { Locale } from '../platform/i18n/index.ts';
import type { Actor } from '../platform/scope.ts';
import { appendAudit } from '../audit/store.ts';
import { AppError } from '../platform/errors.ts';
import { SHIFT_KEYS, settingsOn } from './domain/slots.ts';
import type { ShiftKey, ShiftSpec } from './domain/types.ts';
import { writeDailySchedulePdf, writeDailyScheduleXlsx, type DailySchedule, type ScheduleMember } from './outputs/daily-schedule.ts';
import { appointmentNotice } from './outputs/notice.ts';
import { getPlan } from './service.ts';
import { loadPoints, type PointRow } from './store.ts';

const shiftOrder = (key: ShiftKey) => SHIFT_KEYS.indexOf(key);

function shiftSpec(point: PointRow, date: string, key: ShiftKey): ShiftSpec {
  return settingsOn(point, date)?.shifts.find((s) => s.key === key) ?? point.settings[0]!.shifts.find((s) => s.key === key) ?? { key, start: '', end: '' };
}

/** The plan's cell names with their committee (the unit above the cell), for notices and schedules. */
function cellNames(plan: Awaited<ReturnType<typeof getPlan>>) {
  return new Map(plan.cells.map((c) => [c.id, { cellName: c.name, committeeName: c.committeeName ?? '' }]));
}

/**
 * A point's schedule for some days of a plan: per shift, each cell and its members. A cell split over several shifts
 * sends its members in name order: the first shift takes the first ones.
 */
export async function pointSchedules(db: Queryable, actor: Actor, planId: string, pointId: string, date?: string): Promise<DailySchedule[]> {
  const plan = await getPlan(db, actor, planId);
  const [point] = await loadPoints(db, actor.scope, { pointId });
  if (!point) throw new AppError('schedule.point_not_found', { id: pointId });
  const here = plan.appointments.filter((a) => a.pointId === pointId && (!date || a.date === date));
  const cells = [...new Set(here.map((a) => a.cellId))];
  const names = cellNames(plan);
  const commune = await db.selectFrom('communes').select('name').where('code', '=', point.communeCode).executeTakeFirst();
  const members = new Map<string, ScheduleMember[]>();
  if (cells.length) {
    const rows = await db
      .selectFrom('members')
      .select(['organisation_id as cellId', 'full_name as fullName', 'personal_id as personalId', sql<number | null>`CASE WHEN date_of_birth IS NULL THEN birth_year ELSE extract(year FROM date_of_birth)::int END`.as('birthYear')])
      .where('organisation_id', 'in', cells)
      .where('eligible', '=', true)
      .where('needs_home_visit', '=', false)
      .orderBy('sort_key')
      .orderBy('id')
      .execute();
    for (const { cellId, ...m } of rows) members.set(cellId, [...(members.get(cellId) ?? []), m]);
  }
  // Where each appointment's slice of its cell starts: after the cell's earlier appointments (any point).
  const offset = new Map<string, number>();
  const ordered = [...plan.appointments].sort((a, b) => a.date.localeCompare(b.date) || shiftOrder(a.shift) - shiftOrder(b.shift) || a.id.localeCompare(b.id));
  const seen = new Map<string, number>();
  for (const a of ordered) {
    offset.set(a.id, seen.get(a.cellId) ?? 0);
    seen.set(a.cellId, (seen.get(a.cellId) ?? 0) + a.members);
  }
  const days = [...new Set(here.map((a) => a.date))].sort();
  await appendAudit(db, actor, { action: 'schedule.export', entity: 'intake_point', entityId: pointId, details: { planId, days } });
  return days.map((day) => {
    const shifts = [...new Set(here.filter((a) => a.date === day).map((a) => a.shift))].sort((a, b) => shiftOrder(a) - shiftOrder(b));
    return {
      point: { name: point.name, address: point.address ?? '', communeName: commune?.name ?? '' },
      date: day,
      shifts: shifts.map((key) => ({
        shift: shiftSpec(point, day, key),
        cells: here
          .filter((a) => a.date === day && a.shift === key)
          .map((a) => {
            const start = offset.get(a.id)!;
            return { ...names.get(a.cellId)!, members: (members.get(a.cellId) ?? []).slice(start, start + a.members) };
          }),
      })),
    };
  });
}

export async function pointScheduleXlsx(db: Queryable, actor: Actor, planId: string, pointId: string, date: string | undefined, locale: Locale): Promise<Readable> {
  const schedules = await pointSchedules(db, actor, planId, pointId, date);
  return streamed((out) => writeDailyScheduleXlsx(schedules, out, locale));
}

export async function pointSchedulePdf(db: Queryable, actor: Actor, planId: string, pointId: string, date: string, locale: Locale): Promise<Readable> {
  const [schedule] = await pointSchedules(db, actor, planId, pointId, date);
  if (!schedule) throw new AppError('schedule.no_appointments');
  return streamed((out) => writeDailySchedulePdf(schedule, out, locale));
}

/** The notices of a plan's appointments, one per cell and shift, as the outbox keeps them until they are sent. */
export function noticesFor(plan: Awaited<ReturnType<typeof getPlan>>, points: PointRow[], locale: Locale) {
  const names = cellNames(plan);
  const byId = new Map(points.map((p) => [p.id, p]));
  return plan.appointments.map((a) => {
    const point = byId.get(a.pointId)!;
    return {
      cellId: a.cellId,
      ...appointmentNotice({ ...names.get(a.cellId)!, pointName: point.name, pointAddress: point.address ?? '', date: a.date, shift: shiftSpec(point, a.date, a.shift), members: a.members }, locale),
    };
  });
}

/**
 * Publishing makes a plan the one members are told about: the one before is superseded, and a notice per cell and shift
 * goes to the outbox (the default sending channel), in the same transaction.
 */
export interface PlanNotice {
  planId: string;
  cellId: string;
  short: string;
  long: string;
}

/**
 * Where published notices go. The real channels (SMS gateway, Zalo OA) are outside this machine's reach; the default
 * channel is the outbox table, written in the publishing transaction, from which a sender can deliver them later.
 */
export interface NoticeChannel {
  deliver(trx: Queryable, notices: readonly PlanNotice[]): Promise<void>;
}

export const outboxChannel: NoticeChannel = {
  async deliver(trx, notices) {
    for (let i = 0; i < notices.length; i += 2000) {
      const rows = notices.slice(i, i + 2000).map((n) => ({ plan_id: n.planId, cell_id: n.cellId, short_text: n.short, long_text: n.long }));
      if (rows.length) await trx.insertInto('notice_outbox').values(rows).execute();
    }
  },
};

export async function publishPlan(db: Db, actor: Actor, planId: string, locale: Locale = 'vi', channel: NoticeChannel = outboxChannel) {
  requirePermission(actor, 'campaign.plan');
  const plan = await getPlan(db, actor, planId);
  if (plan.status !== 'draft') throw new AppError('schedule.plan_not_draft');
  const points = await loadPoints(db, actor.scope, { provinceCode: plan.campaign.provinceCode });
  const notices = noticesFor(plan, points, locale);
  await inTransaction(db, async (trx) => {
    await trx.updateTable('schedule_plans').set({ status: 'superseded' }).where('campaign_id', '=', plan.campaign.id).where('status', '=', 'published').execute();
    await trx.updateTable('schedule_plans').set({ status: 'published', published_at: new Date() }).where('id', '=', planId).execute();
    await channel.deliver(trx, notices.map((n) => ({ planId, ...n })));
    await appendAudit(trx, actor, { action: 'campaign.publish', entity: 'campaign', entityId: plan.campaign.id, details: { planId, notices: notices.length } });
  });
  return getPlan(db, actor, planId);
}
