import { useQuery, type QueryClient } from '@tanstack/react-query';
import { api, type Organisation } from '../api.ts';

export const orgKeys = {
  all: ['organisations'] as const,
  roots: () => ['organisations', 'roots'] as const,
  children: (id: string) => ['organisations', 'children', id] as const,
  detail: (id: string) => ['organisations', 'detail', id] as const,
};

/** Children of a unit (roots for null), from the cache when fresh unless `fresh` is set. */
export function fetchChildren(queryClient: QueryClient, parentId: string | null, fresh = false): Promise<Organisation[]> {
  const queryKey = parentId === null ? orgKeys.roots() : orgKeys.children(parentId);
  const queryFn = parentId === null ? () => api.organisationRoots() : () => api.organisationChildren(parentId);
  return queryClient.fetchQuery({ queryKey, queryFn, staleTime: fresh ? 0 : 60_000 });
}

export function useOrganisation(id: string | null | undefined) {
  return useQuery({
    queryKey: orgKeys.detail(id ?? ''),
    queryFn: () => api.organisation(id!),
    enabled: !!id,
  });
}
