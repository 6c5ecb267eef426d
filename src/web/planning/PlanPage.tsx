import { Alert, Anchor, Badge, Button, Group, List, Loader, Modal, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'wouter';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { formatDate, formatDateTime, formatNumber } from '../format.ts';
import { useCurrentUser } from '../session/session.ts';
import type { PlanView, PointRow } from './api.ts';
import { adviceMessage, formatShare, PLAN_STATUS_COLORS, PLAN_STATUS_KEYS, REASON_KEYS } from './labels.ts';
import { canPlan } from './permissions.ts';
import { PlanCalendar } from './PlanCalendar.tsx';
import { useApplyAdvice, useCellNames, usePlan, usePlanCampaign, usePoints, usePublish } from './queries.ts';
import { usePageTitle } from '../common/usePageTitle.ts';

/** One plan of a campaign: is the deadline met, what to add when it is not, the calendar per point, publishing. */
export default function PlanPage({ id }: { id: string }) {
  const { t } = useTranslation();
  const plan = usePlan(id);
  const points = usePoints(plan.data?.campaign.provinceCode, !!plan.data);

  usePageTitle(plan.data?.campaign.name ?? t('planning.plan.titleShort'));

  return (
    <Stack gap="md">
      <Anchor component={Link} href="/planning?tab=campaigns" size="sm">
        {t('planning.plan.back')}
      </Anchor>
      {plan.isError && <ErrorAlert error={plan.error} onRetry={() => void plan.refetch()} />}
      {plan.isPending && !plan.isError && <Loader aria-label={t('common.loading')} />}
      {plan.data && <PlanDetail plan={plan.data} points={points.data ?? []} pointsError={points.error} />}
    </Stack>
  );
}

function PlanDetail({ plan, points, pointsError }: { plan: PlanView; points: PointRow[]; pointsError: unknown }) {
  const { t } = useTranslation();
  const user = useCurrentUser();
  const [, navigate] = useLocation();
  const planner = canPlan(user.role);
  const [notice, setNotice] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const applyAdvice = useApplyAdvice(plan.id);
  const publish = usePublish(plan.id);
  const replan = usePlanCampaign();
  const pointName = (pointId: string) => points.find((p) => p.id === pointId)?.name ?? t('planning.plan.pointN', { id: pointId });

  const scheduled = useMemo(() => plan.appointments.reduce((n, a) => n + a.members, 0), [plan.appointments]);
  const pointsUsed = useMemo(() => new Set(plan.appointments.map((a) => a.pointId)).size, [plan.appointments]);
  const visited = useMemo(() => plan.homeVisits.reduce((n, run) => n + run.memberIds.length, 0), [plan.homeVisits]);
  const unplacedMembers = plan.unplaceable.reduce((n, u) => n + u.members, 0);
  const missed = plan.appointments.filter((a) => a.missed).length;
  const names = useCellNames(plan.unplaceable.map((u) => u.cellId), plan.cells);
  const deadline = formatDate(plan.campaign.deadline);

  const openPlan = (next: PlanView, message: string) => {
    setNotice(message);
    navigate(`/planning/plans/${next.id}`);
  };

  return (
    <Stack gap="md">
      <Stack gap={4}>
        <Group gap="sm" align="center">
          <Title order={1} size="h2">
            {t('planning.plan.title', { name: plan.campaign.name })}
          </Title>
          <Badge color={PLAN_STATUS_COLORS[plan.status]} variant="light" tt="none" data-testid="plan-status">
            {t(PLAN_STATUS_KEYS[plan.status])}
          </Badge>
        </Group>
        <Text size="sm" c="dimmed">
          {t('planning.plan.subtitle', {
            unit: plan.campaign.organisationName,
            start: formatDate(plan.campaign.startDate),
            deadline,
            at: formatDateTime(plan.createdAt),
          })}
        </Text>
      </Stack>

      {notice && (
        <Alert color="green" variant="light" role="status" withCloseButton closeButtonLabel={t('planning.plan.dismiss')} onClose={() => setNotice(null)}>
          {notice}
        </Alert>
      )}

      <Paper withBorder p="md" component="section" aria-labelledby="plan-summary">
        <Stack gap="sm">
          <Title order={2} size="h4" id="plan-summary">
            {t('planning.plan.summary')}
          </Title>
          <Group gap="sm">
            <Badge size="lg" color={plan.feasible ? 'green' : 'red'} variant="filled" tt="none" data-testid="plan-feasibility">
              {plan.feasible ? t('planning.plan.feasible') : t('planning.plan.infeasible', { deadline })}
            </Badge>
          </Group>
          <Text size="sm" data-testid="plan-finish">
            {plan.finishDate
              ? t('planning.plan.finish', { finish: formatDate(plan.finishDate), lowerBound: plan.lowerBoundDate ? formatDate(plan.lowerBoundDate) : '—' })
              : t('planning.plan.noFinish', { lowerBound: plan.lowerBoundDate ? formatDate(plan.lowerBoundDate) : '—' })}
          </Text>
          <List size="sm" spacing={2}>
            <List.Item>
              {t('planning.plan.scheduled', { members: formatNumber(scheduled), appointments: formatNumber(plan.appointments.length), points: formatNumber(pointsUsed) })}
            </List.Item>
            {scheduled > 0 && (
              <List.Item>{t('planning.plan.crossCommune', { members: formatNumber(plan.crossCommuneMembers), share: formatShare(plan.crossCommuneMembers, scheduled) })}</List.Item>
            )}
            {visited > 0 && <List.Item>{t('planning.plan.homeVisits', { members: formatNumber(visited) })}</List.Item>}
            {plan.changedAppointments > 0 && <List.Item>{t('planning.plan.changed', { count: plan.changedAppointments, appointments: formatNumber(plan.changedAppointments) })}</List.Item>}
            {unplacedMembers > 0 && <List.Item>{t('planning.plan.unplacedTotal', { members: formatNumber(unplacedMembers) })}</List.Item>}
            {missed > 0 && plan.status === 'published' && (
              <List.Item fw={600} data-testid="plan-missed">
                {t('planning.plan.missed', { count: missed, appointments: formatNumber(missed) })}
              </List.Item>
            )}
          </List>

          {plan.unplaceable.length > 0 && (
            <Table.ScrollContainer minWidth={600}>
              <Table verticalSpacing={4} aria-label={t('planning.plan.unplaceable.label')}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">{t('planning.plan.unplaceable.cell')}</Table.Th>
                    <Table.Th scope="col" ta="right">
                      {t('planning.plan.unplaceable.members')}
                    </Table.Th>
                    <Table.Th scope="col">{t('planning.plan.unplaceable.reason')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {plan.unplaceable.map((u) => {
                    const name = names.get(u.cellId);
                    return (
                      <Table.Tr key={u.cellId}>
                        <Table.Th scope="row" fw={500}>
                          {name?.name ?? '…'}
                          {name?.committee && (
                            <Text span size="xs" c="dimmed">
                              {' '}
                              · {name.committee}
                            </Text>
                          )}
                        </Table.Th>
                        <Table.Td ta="right">{formatNumber(u.members)}</Table.Td>
                        <Table.Td>{t(REASON_KEYS[u.reason])}</Table.Td>
                      </Table.Tr>
                    );
                  })}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
        </Stack>
      </Paper>

      {!plan.feasible && (
        <Paper withBorder p="md" component="section" aria-labelledby="plan-advice" bg="yellow.0">
          <Stack gap="sm">
            <Title order={2} size="h4" id="plan-advice">
              {t('planning.advice.title')}
            </Title>
            {plan.advice.length === 0 ? (
              <Text size="sm">{t('planning.advice.none')}</Text>
            ) : (
              <>
                <Text size="sm">{t('planning.advice.help', { deadline })}</Text>
                <List size="sm" spacing={2} data-testid="plan-advice">
                  {plan.advice.map((advice, index) => {
                    const message = adviceMessage(advice, pointName(advice.pointId));
                    return <List.Item key={index}>{t(message.key, { ...message.params, ...(message.shiftKey ? { shift: t(message.shiftKey) } : {}) })}</List.Item>;
                  })}
                </List>
                {planner && plan.status === 'draft' && (
                  <Group>
                    <Button
                      color="orange"
                      loading={applyAdvice.isPending}
                      onClick={() => applyAdvice.mutate(undefined, { onSuccess: (next) => openPlan(next, t('planning.advice.applied')) })}
                    >
                      {t('planning.advice.apply')}
                    </Button>
                    <Text size="xs" c="dimmed" maw={560}>
                      {t('planning.advice.applyHelp')}
                    </Text>
                  </Group>
                )}
              </>
            )}
            {applyAdvice.error ? <ErrorAlert error={applyAdvice.error} /> : null}
          </Stack>
        </Paper>
      )}

      {planner && (
        <Group gap="sm">
          {plan.status === 'draft' && (
            <Button onClick={() => setConfirming(true)} loading={publish.isPending} color={plan.feasible ? 'blue' : 'gray'}>
              {t('planning.plan.publish')}
            </Button>
          )}
          <Button variant="default" loading={replan.isPending} onClick={() => replan.mutate(plan.campaign.id, { onSuccess: (next) => openPlan(next, t('planning.plan.replanned')) })}>
            {t('planning.plan.replan')}
          </Button>
        </Group>
      )}
      {publish.error ? <ErrorAlert error={publish.error} /> : null}
      {replan.error ? <ErrorAlert error={replan.error} /> : null}

      <Modal opened={confirming} onClose={() => setConfirming(false)} title={t('planning.plan.publishTitle')}>
        <Stack gap="md">
          <Text size="sm">{t('planning.plan.publishConfirm')}</Text>
          {!plan.feasible && (
            <Alert color="orange" variant="light">
              {t('planning.plan.publishInfeasible', { members: formatNumber(unplacedMembers) })}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirming(false)}>
              {t('common.cancel')}
            </Button>
            <Button
              loading={publish.isPending}
              onClick={() =>
                publish.mutate(undefined, {
                  onSuccess: () => {
                    setConfirming(false);
                    setNotice(t('planning.plan.published'));
                  },
                  onError: () => setConfirming(false),
                })
              }
            >
              {t('planning.plan.publishSubmit')}
            </Button>
          </Group>
        </Stack>
      </Modal>

      {pointsError ? <ErrorAlert error={pointsError} /> : null}
      <PlanCalendar plan={plan} points={points} canMove={planner && plan.status === 'draft'} canMarkMissed={planner && plan.status === 'published'} />
    </Stack>
  );
}
