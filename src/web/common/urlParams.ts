import { useSearchParams } from 'wouter';

/** The query string with some values changed; an empty value removes its key, and any change but the page's own goes back to page 1. */
export function withChanges(previous: URLSearchParams, changes: Record<string, string | undefined>, resetPage = true): URLSearchParams {
  const next = new URLSearchParams(previous);
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined || value === '') next.delete(key);
    else next.set(key, value);
  }
  if (resetPage && !('page' in changes)) next.delete('page');
  return next;
}

/** A page's filters kept in the URL (shareable, back/forward): the current values and a way to change some of them. */
export function useUrlParams() {
  const [params, setParams] = useSearchParams();
  const update = (changes: Record<string, string | undefined>, resetPage = true) => setParams((previous) => withChanges(previous, changes, resetPage), { replace: true });
  return [params, update] as const;
}
