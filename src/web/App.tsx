import { Center, Loader, Stack } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Redirect, Route, Switch, useLocation } from 'wouter';
import { ApiError, setUnauthorizedHandler } from './api.ts';
import { ErrorAlert } from './common/ErrorAlert.tsx';
import { NotFound } from './common/NotFound.tsx';
import { isAdmin } from './common/roles.ts';
import { canPlan } from './planning/permissions.ts';
import { canCapture } from './intake/permissions.ts';
import { forgetOffline } from './intake/counter/offlineUnlock.ts';
import { canReview } from './intake/supervisor/permissions.ts';
import { canReadProgress } from './progress/permissions.ts';
import { canHandleCards } from './cards/permissions.ts';
import { LoginPage } from './session/LoginPage.tsx';
import { SESSION_KEY, useSession } from './session/session.ts';
import { AppLayout } from './shell/AppLayout.tsx';

const MembersPage = lazy(() => import('./members/MembersPage.tsx'));
const MemberDetailPage = lazy(() => import('./members/MemberDetailPage.tsx'));
const OrganisationsPage = lazy(() => import('./organisations/OrganisationsPage.tsx'));
const ImportPage = lazy(() => import('./imports/ImportPage.tsx'));
const UsersPage = lazy(() => import('./users/UsersPage.tsx'));
const ReconciliationPage = lazy(() => import('./reconciliation/ReconciliationPage.tsx'));
const PlanningPage = lazy(() => import('./planning/PlanningPage.tsx'));
const PlanPage = lazy(() => import('./planning/PlanPage.tsx'));
const CounterPage = lazy(() => import('./intake/counter/CounterPage.tsx'));
const ReviewPage = lazy(() => import('./intake/supervisor/ReviewPage.tsx'));
const ProgressPage = lazy(() => import('./progress/ProgressPage.tsx'));
const VerifyPage = lazy(() => import('./verify/VerifyPage.tsx'));
const CardsPage = lazy(() => import('./cards/CardsPage.tsx'));
const OfflineUnlockPage = lazy(() => import('./session/OfflineUnlockPage.tsx').then((m) => ({ default: m.OfflineUnlockPage })));

function PageLoader() {
  const { t } = useTranslation();
  return (
    <Center py="xl">
      <Loader aria-label={t('common.loading')} />
    </Center>
  );
}

export function App() {
  const session = useSession();
  const queryClient = useQueryClient();
  const [location, navigate] = useLocation();
  const [sessionEnded, setSessionEnded] = useState(false);

  useEffect(() => {
    setUnauthorizedHandler(() => {
      // The server ended the session (expired, signed out elsewhere, user disabled): no more offline work here either.
      forgetOffline().catch(() => {});
      setSessionEnded(true);
      queryClient.setQueryData(SESSION_KEY, null);
    });
    return () => setUnauthorizedHandler(null);
  }, [queryClient]);

  // Anyone checks a card, signed in or not.
  if (location === '/verify') {
    return (
      <Suspense fallback={<PageLoader />}>
        <VerifyPage />
      </Suspense>
    );
  }
  if (session.isPending) return <PageLoader />;
  if (session.isError) {
    // The server out of reach: the officer who signed in last here may go on at the counter (decision 0019).
    if (session.error instanceof ApiError && session.error.status === 0) {
      return (
        <Suspense fallback={<PageLoader />}>
          <OfflineUnlockPage
            error={session.error}
            onRetry={() => void session.refetch()}
            onUnlocked={(unlocked) => {
              queryClient.setQueryData(SESSION_KEY, unlocked);
              navigate('/intake/counter', { replace: true });
            }}
          />
        </Suspense>
      );
    }
    return (
      <Center mih="100vh" p="md">
        <Stack maw={480}>
          <ErrorAlert error={session.error} onRetry={() => void session.refetch()} />
        </Stack>
      </Center>
    );
  }
  if (!session.data) {
    return (
      <LoginPage
        sessionEnded={sessionEnded}
        onSignedIn={() => {
          setSessionEnded(false);
          if (location === '/' || location === '/login') navigate('/members', { replace: true });
        }}
      />
    );
  }

  const admin = isAdmin(session.data.user.role);
  const planner = canPlan(session.data.user.role);
  return (
    <AppLayout>
      <Suspense fallback={<PageLoader />}>
        <Switch>
          <Route path="/">
            <Redirect to="/members" replace />
          </Route>
          <Route path="/login">
            <Redirect to="/members" replace />
          </Route>
          <Route path="/members" component={MembersPage} />
          <Route path="/members/:id">{(params) => <MemberDetailPage id={params.id} />}</Route>
          <Route path="/organisations" component={OrganisationsPage} />
          <Route path="/import" component={ImportPage} />
          <Route path="/reconciliation" component={ReconciliationPage} />
          <Route path="/planning">{planner ? <PlanningPage /> : <NotFound forbidden />}</Route>
          <Route path="/planning/plans/:id">{(params) => (planner ? <PlanPage id={params.id} /> : <NotFound forbidden />)}</Route>
          <Route path="/intake/counter">{canCapture(session.data.user.role) ? <CounterPage /> : <NotFound forbidden />}</Route>
          <Route path="/intake/review">{canReview(session.data.user.role) ? <ReviewPage /> : <NotFound forbidden />}</Route>
          <Route path="/progress">{canReadProgress(session.data.user.role) ? <ProgressPage /> : <NotFound forbidden />}</Route>
          <Route path="/cards">{canHandleCards(session.data.user.role) ? <CardsPage /> : <NotFound forbidden />}</Route>
          <Route path="/users">{admin ? <UsersPage /> : <NotFound forbidden />}</Route>
          <Route>
            <NotFound />
          </Route>
        </Switch>
      </Suspense>
    </AppLayout>
  );
}
