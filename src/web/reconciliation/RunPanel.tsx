import { Alert, Badge, Button, Group, Paper, Progress, Stack, Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { formatDateTime, formatNumber } from '../format.ts';
import { exportUrl, isRunActive, reconciliationApi, type RunView } from './api.ts';
import { RUN_STATUS_KEYS, runPercent } from './labels.ts';
import { reconciliationKeys, useRun, useRuns } from './queries.ts';

const runColor: Record<RunView['status'], string> = { queued: 'gray', running: 'blue', done: 'green', failed: 'red' };

interface Props {
  organisationId: string | undefined;
  scopeName: string;
  canRun: boolean;
}

/** "Rà soát toàn bộ": start a whole-list check of the scope and follow it; "Xuất Excel": the mismatch list. */
export function RunPanel({ organisationId, scopeName, canRun }: Props) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const runs = useRuns(organisationId);
  const [startedId, setStartedId] = useState<string | null>(null);
  // a run started here, else the latest one of this scope (it may still be running from an earlier visit)
  const runId = startedId ?? runs.data?.[0]?.id ?? null;
  const run = useRun(runId);

  useEffect(() => setStartedId(null), [organisationId]);

  const start = useMutation({
    mutationFn: () => reconciliationApi.startRun(organisationId),
    onSuccess: ({ run: started }) => {
      queryClient.setQueryData(reconciliationKeys.run(started.id), { run: started });
      setStartedId(started.id);
      void queryClient.invalidateQueries({ queryKey: reconciliationKeys.runs(organisationId) });
      if (!isRunActive(started)) void queryClient.invalidateQueries({ queryKey: reconciliationKeys.all });
    },
  });

  // when a followed run ends, the counts and the list are new
  const previous = useRef<{ id: string; status: RunView['status'] } | null>(null);
  useEffect(() => {
    const current = run.data;
    if (!current) return;
    const before = previous.current;
    previous.current = { id: current.id, status: current.status };
    if (before && before.id === current.id && isRunActive(before) && !isRunActive(current)) {
      void queryClient.invalidateQueries({
        queryKey: reconciliationKeys.all,
        predicate: (query) => query.queryKey[1] !== 'run',
      });
    }
  }, [run.data, queryClient]);

  const active = isRunActive(run.data);
  const shown = run.data;

  return (
    <Paper withBorder p="md" component="section" aria-label={t('reconciliation.run.label')}>
      <Stack gap="sm">
        <Group justify="space-between" align="center">
          <Text size="sm">{t('reconciliation.run.help', { scope: scopeName })}</Text>
          <Group gap="sm">
            {canRun && (
              <Button onClick={() => start.mutate()} loading={start.isPending} disabled={active}>
                {t('reconciliation.run.start')}
              </Button>
            )}
            <Button component="a" href={exportUrl(organisationId)} download variant="default">
              {t('reconciliation.export')}
            </Button>
          </Group>
        </Group>
        {start.error ? <ErrorAlert error={start.error} /> : null}
        {run.error ? <ErrorAlert error={run.error} onRetry={() => void run.refetch()} /> : null}
        {shown && (
          <Stack gap={6}>
            <Group gap="xs">
              <Badge color={runColor[shown.status]} variant="light" tt="none">
                {t(RUN_STATUS_KEYS[shown.status])}
              </Badge>
              <Text size="xs" c="dimmed">
                {t('reconciliation.run.startedAt', { at: formatDateTime(shown.startedAt ?? shown.createdAt) })}
                {shown.finishedAt ? ` · ${t('reconciliation.run.finishedAt', { at: formatDateTime(shown.finishedAt) })}` : ''}
              </Text>
            </Group>
            <Progress
              value={runPercent(shown)}
              size="lg"
              animated={active}
              color={shown.status === 'failed' ? 'red' : shown.status === 'done' ? 'green' : 'blue'}
              aria-label={t('reconciliation.run.progressLabel')}
            />
            <Text size="sm" role="status" aria-live="polite" data-testid="run-progress">
              {t('reconciliation.run.progress', { checked: formatNumber(shown.checked), total: formatNumber(shown.total) })}
              {shown.status === 'done' &&
                ` · ${t('reconciliation.run.outcome', {
                  matched: formatNumber(shown.matched),
                  mismatched: formatNumber(shown.mismatched),
                  notFound: formatNumber(shown.notFound),
                  awaiting: formatNumber(shown.awaiting),
                })}`}
            </Text>
            {shown.status === 'failed' && (
              <Alert color="red" variant="light" role="alert" title={t('reconciliation.run.failed')}>
                {shown.error ?? t('errors.generic')}
              </Alert>
            )}
          </Stack>
        )}
      </Stack>
    </Paper>
  );
}
