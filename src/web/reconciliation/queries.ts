import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { isRunActive, reconciliationApi, type DecisionChoice, type MemberReconciliation, type ResultQuery } from './api.ts';

export const reconciliationKeys = {
  all: ['reconciliation'] as const,
  summary: (organisationId: string | undefined) => ['reconciliation', 'summary', organisationId ?? null] as const,
  results: (query: ResultQuery) => ['reconciliation', 'results', query] as const,
  member: (memberId: string) => ['reconciliation', 'member', memberId] as const,
  runs: (organisationId: string | undefined) => ['reconciliation', 'runs', organisationId ?? null] as const,
  run: (id: string) => ['reconciliation', 'run', id] as const,
};

export const RESULTS_PAGE_SIZE = 50;
/** How often a queued or running run is asked for its progress. */
export const RUN_POLL_MS = 1000;

export function useSummary(organisationId: string | undefined) {
  return useQuery({
    queryKey: reconciliationKeys.summary(organisationId),
    queryFn: ({ signal }) => reconciliationApi.summary(organisationId, signal),
    placeholderData: keepPreviousData,
  });
}

export function useResults(query: ResultQuery) {
  return useQuery({
    queryKey: reconciliationKeys.results(query),
    queryFn: ({ signal }) => reconciliationApi.results(query, signal),
    placeholderData: keepPreviousData,
  });
}

export function useMemberReconciliation(memberId: string, placeholder?: MemberReconciliation) {
  return useQuery({
    queryKey: reconciliationKeys.member(memberId),
    queryFn: () => reconciliationApi.member(memberId),
    ...(placeholder ? { placeholderData: placeholder } : {}),
  });
}

export function useRuns(organisationId: string | undefined) {
  return useQuery({
    queryKey: reconciliationKeys.runs(organisationId),
    queryFn: () => reconciliationApi.runs(organisationId),
    select: (data) => data.runs,
  });
}

/** One run, asked again every second while it is queued or running. */
export function useRun(id: string | null) {
  return useQuery({
    queryKey: reconciliationKeys.run(id ?? ''),
    queryFn: () => reconciliationApi.run(id!),
    select: (data) => data.run,
    enabled: id !== null,
    staleTime: 0,
    refetchInterval: (query) => (isRunActive(query.state.data?.run) ? RUN_POLL_MS : false),
  });
}

/** After a check or a decision: the member's answer is fresh; counts, lists and the member record may have changed. */
function useAfterChange(memberId: string) {
  const queryClient = useQueryClient();
  return (answer: MemberReconciliation) => {
    queryClient.setQueryData(reconciliationKeys.member(memberId), answer);
    void queryClient.invalidateQueries({
      queryKey: reconciliationKeys.all,
      predicate: (query) => !(query.queryKey[1] === 'member' && query.queryKey[2] === memberId),
    });
    void queryClient.invalidateQueries({ queryKey: ['members'] });
  };
}

export function useLiveCheck(memberId: string) {
  const afterChange = useAfterChange(memberId);
  return useMutation({
    mutationFn: () => reconciliationApi.check(memberId),
    onSuccess: afterChange,
  });
}

export function useDecision(memberId: string) {
  const afterChange = useAfterChange(memberId);
  return useMutation({
    mutationFn: (input: { decision: DecisionChoice; reason?: string }) => reconciliationApi.decide(memberId, input),
    onSuccess: afterChange,
  });
}
