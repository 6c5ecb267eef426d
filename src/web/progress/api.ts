// The dashboard's vocabulary comes from the server's modules (type-only: nothing of them is bundled).
import type { ChildProgress, Dashboard, DayCounts, Totals, UnitProgress, WaitingMember } from '../../progress/service.ts';
import type { Forecast } from '../../progress/domain/forecast.ts';
import type { PointsProgress } from '../../progress/points.ts';
import type { LateUnit } from '../../progress/domain/lateness.ts';
import { buildQuery, request } from '../api.ts';

export type { PointsProgress };
export type { ChildProgress, Dashboard, DayCounts, Forecast, LateUnit, Totals, UnitProgress, WaitingMember };

export interface DashboardQuery {
  organisationId?: string;
  from?: string;
  to?: string;
}

export interface ArchivedReport {
  id: string;
  day: string;
  generatedAt: string;
}

/** Typed client for the progress dashboards ("tiến độ"), who has not come yet, and the daily report. */
export const progressApi = {
  dashboard: (query: DashboardQuery, signal?: AbortSignal) => request<Dashboard>('GET', `/api/progress${buildQuery({ ...query })}`, { signal }),
  waiting: (organisationId: string, page: number, signal?: AbortSignal) =>
    request<{ unit: { id: string; name: string }; items: WaitingMember[]; hasMore: boolean }>('GET', `/api/progress/waiting${buildQuery({ organisationId, page })}`, { signal }),
  points: (query: DashboardQuery, signal?: AbortSignal) => request<PointsProgress>('GET', `/api/progress/points${buildQuery({ ...query })}`, { signal }),
  reports: (organisationId: string, signal?: AbortSignal) => request<{ reports: ArchivedReport[] }>('GET', `/api/progress/reports${buildQuery({ organisationId })}`, { signal }),
};

/** Today's report, made from the counts now. */
export const reportUrl = (format: 'pdf' | 'xlsx', organisationId?: string) => `/api/progress/report.${format}${buildQuery({ organisationId })}`;
/** A report from the evening archive. */
export const archivedReportUrl = (id: string, format: 'pdf' | 'xlsx') => `/api/progress/reports/${id}/report.${format}`;
