// The planning vocabulary comes from the server's pure domain module (type-only: nothing of it is bundled).
import type { Advice, PointSettings, ShiftKey, ShiftSpec, UnplaceableReason } from '../../scheduling/domain/types.ts';
import type { CampaignInput } from '../../scheduling/service.ts';
import { buildQuery, request } from '../api.ts';
/**
 * Typed client for campaign planning ("Kế hoạch cấp thẻ"): intake points and their capacity, campaigns,
 * plans (a campaign's list, advice, publishing, moving one appointment, a cell that did not come) and a point's daily schedule as a download.
 */

export type { Advice, PointSettings, ShiftKey, ShiftSpec, UnplaceableReason };

export type Operator = 'provincial' | 'commune';
export const OPERATORS: readonly Operator[] = ['provincial', 'commune'];

export interface PointRow {
  id: string;
  name: string;
  provinceCode: string;
  communeCode: string;
  address: string | null;
  operator: Operator;
  /** One-off closures, YYYY-MM-DD. */
  closedOn: string[];
  /** Ordered by `from`; the first also covers earlier days. */
  settings: PointSettings[];
}

/** What a point's capacity is made of (the body of PUT settings, and part of POST points). */
export interface CapacityInput {
  kits: number;
  recordsPerKitHour?: number;
  shifts: ShiftSpec[];
  openWeekdays: number[];
}

export interface PointCreate extends CapacityInput {
  name: string;
  communeCode: string;
  address?: string | null;
  operator: Operator;
}

export interface CapacityChange extends CapacityInput {
  /** The first day the change applies to (a future day; tomorrow when left out). */
  from?: string;
}

export interface CampaignSummary {
  id: string;
  name: string;
  organisationId: string;
  organisationName: string;
  provinceCode: string;
  startDate: string;
  deadline: string;
}

export interface Campaign extends CampaignSummary {
  holidays: string[];
}

/** The body of POST /api/campaigns: the service's own input. */
export type CampaignCreate = CampaignInput;

export type PlanStatus = 'draft' | 'published' | 'superseded';
export const PLAN_STATUSES: readonly PlanStatus[] = ['draft', 'published', 'superseded'];

export interface PlannedAppointment {
  id: string;
  cellId: string;
  pointId: string;
  date: string;
  shift: ShiftKey;
  members: number;
  /** Confirmed or already past: it cannot be moved. */
  locked: boolean;
  /** The cell did not come (recorded on the published plan): the next re-plan books its members again. */
  missed: boolean;
}

export interface HomeVisitRun {
  teamId: string;
  date: string;
  communeCode: string;
  memberIds: string[];
}

export interface PlanCell {
  id: string;
  name: string;
  /** The unit above the cell. */
  committeeName: string | null;
  communeCode: string | null;
}

export interface PlanView {
  id: string;
  campaign: Campaign;
  status: PlanStatus;
  feasible: boolean;
  finishDate: string | null;
  lowerBoundDate: string | null;
  advice: Advice[];
  unplaceable: { cellId: string; members: number; reason: UnplaceableReason }[];
  crossCommuneMembers: number;
  changedAppointments: number;
  appointments: PlannedAppointment[];
  /** Names of the plan's cells (appointments and unplaceable), when the server sends them. */
  cells?: PlanCell[];
  homeVisits: HomeVisitRun[];
  createdAt: string;
}

/** One plan in a campaign's list (newest first). */
export interface PlanSummary {
  id: string;
  status: PlanStatus;
  feasible: boolean;
  finishDate: string | null;
  lowerBoundDate: string | null;
  createdAt: string;
  publishedAt: string | null;
}

export interface AppointmentMove {
  pointId: string;
  date: string;
  shift: ShiftKey;
}

export type ScheduleFormat = 'xlsx' | 'pdf';

const enc = encodeURIComponent;

/** Where the browser downloads a point's schedule of a plan for one day (as a spreadsheet or a printable PDF). */
export function scheduleUrl(planId: string, pointId: string, format: ScheduleFormat, date: string): string {
  return `/api/plans/${enc(planId)}/points/${enc(pointId)}/schedule.${format}${buildQuery({ date })}`;
}

export const planningApi = {
  points: (provinceCode: string | undefined, signal?: AbortSignal) =>
    request<{ points: PointRow[] }>('GET', '/api/points', { query: { provinceCode }, ...(signal ? { signal } : {}) }),
  createPoint: (input: PointCreate) => request<PointRow>('POST', '/api/points', { json: input }),
  changeCapacity: (id: string, input: CapacityChange) => request<PointRow>('PUT', `/api/points/${enc(id)}/settings`, { json: input }),
  closeDay: (id: string, date: string) => request<PointRow>('POST', `/api/points/${enc(id)}/closures`, { json: { date } }),

  campaigns: () => request<{ campaigns: CampaignSummary[] }>('GET', '/api/campaigns'),
  campaign: (id: string) => request<Campaign>('GET', `/api/campaigns/${enc(id)}`),
  createCampaign: (input: CampaignCreate) => request<Campaign>('POST', '/api/campaigns', { json: input }),
  plans: (campaignId: string) => request<{ plans: PlanSummary[] }>('GET', `/api/campaigns/${enc(campaignId)}/plans`),
  plan: (campaignId: string) => request<PlanView>('POST', `/api/campaigns/${enc(campaignId)}/plans`),

  getPlan: (id: string) => request<PlanView>('GET', `/api/plans/${enc(id)}`),
  applyAdvice: (id: string) => request<PlanView>('POST', `/api/plans/${enc(id)}/apply-advice`),
  publish: (id: string) => request<PlanView>('POST', `/api/plans/${enc(id)}/publish`),
  moveAppointment: (id: string, to: AppointmentMove) => request<PlanView>('PATCH', `/api/appointments/${enc(id)}`, { json: to }),
  markMissed: (id: string) => request<PlanView>('POST', `/api/appointments/${enc(id)}/missed`),
};
