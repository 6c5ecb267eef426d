import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { progressApi, type DashboardQuery } from './api.ts';

/** How often an open dashboard asks again: a new dossier shows within a few seconds, without reloading. */
export const LIVE_REFRESH_MS = 3000;

export const progressKeys = {
  dashboard: (query: DashboardQuery) => ['progress', 'dashboard', query] as const,
  waiting: (organisationId: string, page: number) => ['progress', 'waiting', organisationId, page] as const,
  reports: (organisationId: string) => ['progress', 'reports', organisationId] as const,
  points: (query: DashboardQuery) => ['progress', 'points', query] as const,
};

export function useDashboard(query: DashboardQuery) {
  return useQuery({
    queryKey: progressKeys.dashboard(query),
    queryFn: ({ signal }) => progressApi.dashboard(query, signal),
    placeholderData: keepPreviousData,
    refetchInterval: LIVE_REFRESH_MS,
  });
}

export function useWaiting(organisationId: string | undefined, page: number) {
  return useQuery({
    queryKey: progressKeys.waiting(organisationId ?? '', page),
    queryFn: ({ signal }) => progressApi.waiting(organisationId!, page, signal),
    enabled: Boolean(organisationId),
    placeholderData: keepPreviousData,
  });
}

export function useArchivedReports(organisationId: string | undefined) {
  return useQuery({
    queryKey: progressKeys.reports(organisationId ?? ''),
    queryFn: ({ signal }) => progressApi.reports(organisationId!, signal),
    enabled: Boolean(organisationId),
  });
}

export function usePoints(query: DashboardQuery, enabled: boolean) {
  return useQuery({ queryKey: progressKeys.points(query), queryFn: ({ signal }) => progressApi.points(query, signal), enabled, placeholderData: keepPreviousData });
}
