import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, type MemberQuery } from '../api.ts';

export const memberKeys = {
  all: ['members'] as const,
  list: (query: MemberQuery) => ['members', 'list', query] as const,
  detail: (id: string) => ['members', 'detail', id] as const,
};

export const PAGE_SIZE = 50;

export function useMemberList(query: MemberQuery, enabled = true) {
  return useQuery({
    queryKey: memberKeys.list(query),
    queryFn: ({ signal }) => api.members(query, signal),
    placeholderData: keepPreviousData,
    enabled,
  });
}

export function useMember(id: string) {
  return useQuery({ queryKey: memberKeys.detail(id), queryFn: () => api.member(id) });
}

let membersSearch = '';

/** The list's query string when it was last shown, so "back to the list" restores it. */
export function rememberMembersSearch(search: string): void {
  membersSearch = search ? `?${search.replace(/^\?/, '')}` : '';
}

export function lastMembersSearch(): string {
  return membersSearch;
}
