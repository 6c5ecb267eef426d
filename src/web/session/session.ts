import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ApiError, setCsrfToken, type Session, type SessionUser } from '../api.ts';
import { forgetOffline } from '../intake/counter/offlineUnlock.ts';

export const SESSION_KEY = ['session'] as const;

/** The signed-in session, or null when nobody is signed in (401). */
export function useSession() {
  return useQuery<Session | null>({
    queryKey: SESSION_KEY,
    queryFn: async ({ signal }) => {
      try {
        const session = await api.getSession(signal);
        setCsrfToken(session.csrfToken);
        return session;
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) {
          setCsrfToken(null);
          return null;
        }
        throw error;
      }
    },
    staleTime: Infinity,
    refetchOnWindowFocus: false,
    // No line: say so at once (the offline unlock is offered), rather than after three more tries.
    retry: (failures, error) => !(error instanceof ApiError && error.status === 0) && failures < 3,
  });
}

/** The user of the current session; only for components under the signed-in shell. */
export function useCurrentUser(): SessionUser {
  const { data } = useSession();
  if (!data) throw new Error('useCurrentUser outside a session');
  return data.user;
}

export function useLogin() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ username, password }: { username: string; password: string }) => api.login(username, password),
    onSuccess: (session) => {
      setCsrfToken(session.csrfToken);
      queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== SESSION_KEY[0] });
      queryClient.setQueryData(SESSION_KEY, session);
    },
  });
}

export function useLogout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async () => {
      try {
        await api.logout();
      } catch (error) {
        // an ended session is as good as a logout
        if (!(error instanceof ApiError && (error.status === 401 || error.status === 403))) throw error;
      }
    },
    onSuccess: () => {
      setCsrfToken(null);
      // Signing out ends offline work on this device (the outbox stays, sealed, for the next sign-in).
      forgetOffline().catch(() => {});
      queryClient.clear();
      queryClient.setQueryData(SESSION_KEY, null);
    },
  });
}
