import { useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api.ts';
import { orgKeys } from '../organisations/queries.ts';
import { planningApi, type AppointmentMove, type CampaignCreate, type CapacityChange, type PlanCell, type PlanView, type PointCreate } from './api.ts';

export const planningKeys = {
  all: ['planning'] as const,
  points: (provinceCode: string | undefined) => ['planning', 'points', provinceCode ?? null] as const,
  campaigns: () => ['planning', 'campaigns'] as const,
  plans: (campaignId: string) => ['planning', 'plans', campaignId] as const,
  plan: (id: string) => ['planning', 'plan', id] as const,
};

export function usePoints(provinceCode: string | undefined, enabled = true) {
  return useQuery({
    queryKey: planningKeys.points(provinceCode),
    queryFn: ({ signal }) => planningApi.points(provinceCode, signal),
    select: (data) => data.points,
    enabled,
  });
}

export function useCampaigns() {
  return useQuery({
    queryKey: planningKeys.campaigns(),
    queryFn: () => planningApi.campaigns(),
    select: (data) => data.campaigns,
  });
}

/** A campaign's plans, newest first. */
export function useCampaignPlans(campaignId: string) {
  return useQuery({ queryKey: planningKeys.plans(campaignId), queryFn: () => planningApi.plans(campaignId), select: (data) => data.plans });
}

export function usePlan(id: string) {
  return useQuery({ queryKey: planningKeys.plan(id), queryFn: () => planningApi.getPlan(id) });
}

export function useProvinces() {
  return useQuery({ queryKey: ['reference', 'provinces'], queryFn: () => api.provinces(), staleTime: Infinity });
}

export function useCommunes(provinceCode: string | undefined) {
  return useQuery({
    queryKey: ['reference', 'communes', provinceCode ?? ''],
    queryFn: () => api.communes(provinceCode!),
    enabled: !!provinceCode,
    staleTime: Infinity,
  });
}

export type CellNames = Map<string, { name: string; committee: string | null }>;

/**
 * Names of party cells (with the committee above each): from the plan when the server sends them, else one request
 * per missing cell through the organisation API (shared with the organisation cache), for the cells on screen only.
 */
export function useCellNames(cellIds: readonly string[], known: readonly PlanCell[] = []): CellNames {
  const fromPlan = new Map(known.map((cell) => [cell.id, { name: cell.name, committee: cell.committeeName }]));
  const missing = [...new Set(cellIds)].filter((id) => !fromPlan.has(id)).sort();
  return useQueries({
    queries: missing.map((id) => ({
      queryKey: orgKeys.detail(id),
      queryFn: () => api.organisation(id),
      staleTime: 5 * 60_000,
    })),
    combine: (results) => {
      const names: CellNames = new Map(fromPlan);
      results.forEach((result, index) => {
        if (result.data) names.set(missing[index]!, { name: result.data.name, committee: result.data.ancestors.at(-1)?.name ?? null });
      });
      return names;
    },
  });
}

export function useCreatePoint() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: PointCreate) => planningApi.createPoint(input),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['planning', 'points'] }),
  });
}

export function useChangeCapacity(pointId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: CapacityChange) => planningApi.changeCapacity(pointId, input),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['planning', 'points'] }),
  });
}

export function useCloseDay(pointId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (date: string) => planningApi.closeDay(pointId, date),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['planning', 'points'] }),
  });
}

export function useCreateCampaign() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: CampaignCreate) => planningApi.createCampaign(input),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: planningKeys.campaigns() }),
  });
}

/** A new or changed plan is kept in the cache under its id, so its page shows at once; the campaigns' plan lists are refetched. */
function useKeepPlan() {
  const queryClient = useQueryClient();
  return (plan: PlanView) => {
    queryClient.setQueryData(planningKeys.plan(plan.id), plan);
    void queryClient.invalidateQueries({ queryKey: ['planning', 'plans'] });
  };
}

export function usePlanCampaign() {
  const keep = useKeepPlan();
  return useMutation({ mutationFn: (campaignId: string) => planningApi.plan(campaignId), onSuccess: keep });
}

/** Applying advice changes points' capacity and answers a new plan. */
export function useApplyAdvice(planId: string) {
  const keep = useKeepPlan();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => planningApi.applyAdvice(planId),
    onSuccess: (plan) => {
      keep(plan);
      void queryClient.invalidateQueries({ queryKey: ['planning', 'points'] });
    },
  });
}

export function usePublish(planId: string) {
  const keep = useKeepPlan();
  return useMutation({ mutationFn: () => planningApi.publish(planId), onSuccess: keep });
}

export function useMoveAppointment() {
  const keep = useKeepPlan();
  return useMutation({
    mutationFn: ({ id, to }: { id: string; to: AppointmentMove }) => planningApi.moveAppointment(id, to),
    onSuccess: keep,
  });
}

/** The cell did not come to its shift (published plans only): answers the plan with the appointment marked missed. */
export function useMarkMissed() {
  const keep = useKeepPlan();
  return useMutation({ mutationFn: (appointmentId: string) => planningApi.markMissed(appointmentId), onSuccess: keep });
}
