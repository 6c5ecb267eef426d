import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { reviewApi, type Decision, type QueueQuery } from './api.ts';

export const reviewKeys = {
  all: ['review'] as const,
  queue: (query: QueueQuery) => ['review', 'queue', query] as const,
  dossier: (id: string) => ['review', 'dossier', id] as const,
  pace: (date: string, pointId: string | undefined) => ['review', 'pace', date, pointId ?? null] as const,
};

/** The queue is watched while the counters work: asked again every half minute. */
export const QUEUE_REFRESH_MS = 30_000;

export function useQueue(query: QueueQuery) {
  return useQuery({
    queryKey: reviewKeys.queue(query),
    queryFn: ({ signal }) => reviewApi.queue(query, signal),
    placeholderData: keepPreviousData,
    refetchInterval: QUEUE_REFRESH_MS,
  });
}

export function useDossier(id: string) {
  return useQuery({ queryKey: reviewKeys.dossier(id), queryFn: () => reviewApi.dossier(id) });
}

export function usePace(date: string, pointId: string | undefined) {
  return useQuery({
    queryKey: reviewKeys.pace(date, pointId),
    queryFn: ({ signal }) => reviewApi.pace(date, pointId, signal),
    select: (data) => data.officers,
    placeholderData: keepPreviousData,
    refetchInterval: QUEUE_REFRESH_MS,
  });
}

/** Approve or return: the queue, the pace (returned counts) and this dossier (and its pair) change. */
export function useReview(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (decision: Decision) => reviewApi.review(id, decision),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: reviewKeys.all }),
  });
}
