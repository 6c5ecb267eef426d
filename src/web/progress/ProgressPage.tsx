import { Alert, Anchor, Breadcrumbs, Button, Group, Loader, Paper, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { holdsMembers } from '../../organisations/domain.ts';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { useUrlParams } from '../common/urlParams.ts';
import { usePageTitle } from '../common/usePageTitle.ts';
import { formatDate, formatNumber, parseTypedDate } from '../format.ts';
import type { Dashboard } from './api.ts';
import { ChildrenTable } from './ChildrenTable.tsx';
import { DailyChart } from './DailyChart.tsx';
import { useDashboard } from './queries.ts';
import { PointsPanel } from './PointsPanel.tsx';
import { ReportPanel } from './ReportPanel.tsx';
import { forecastSentence, formatPercent, percentDone, type ChildSort } from './summary.ts';
import { WaitingList } from './WaitingList.tsx';

const SORTS: readonly ChildSort[] = ['name', 'percent', 'lateness'];

function Figures({ dashboard }: { dashboard: Dashboard }) {
  const { t } = useTranslation();
  const totals = dashboard.totals;
  const figures: [string, string, string?][] = [
    [t('progress.figures.target'), formatNumber(totals.target)],
    [t('progress.figures.scheduled'), formatNumber(totals.scheduled)],
    [t('progress.figures.received'), formatNumber(totals.received), formatPercent(percentDone(totals))],
    [t('progress.figures.confirmed'), formatNumber(totals.confirmed)],
    [t('progress.figures.approved'), formatNumber(totals.approved)],
    [t('progress.figures.sent'), formatNumber(totals.sent)],
    [t('progress.figures.openMismatches'), formatNumber(totals.openMismatches)],
    [t('progress.figures.conflicts'), formatNumber(totals.conflicts)],
    [t('progress.figures.returned'), formatNumber(totals.returned)],
  ];
  return (
    <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="sm" aria-label={t('progress.figures.label')}>
      {figures.map(([label, value, extra]) => (
        <Paper withBorder p="sm" key={label}>
          <Text size="xs" c="dimmed">
            {label}
          </Text>
          <Text fw={700} size="xl" data-testid={`figure-${label}`}>
            {value}
            {extra && (
              <>
                {' '}
                <Text span size="sm" c="red.8" fw={600}>
                  {extra}
                </Text>
              </>
            )}
          </Text>
        </Paper>
      ))}
    </SimpleGrid>
  );
}

function RangeForm({ from, to, onApply }: { from: string; to: string; onApply: (from: string, to: string) => void }) {
  const { t } = useTranslation();
  const [fromText, setFromText] = useState(formatDate(from));
  const [toText, setToText] = useState(formatDate(to));
  const [errors, setErrors] = useState<{ from?: string; to?: string }>({});
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const a = parseTypedDate(fromText);
    const b = parseTypedDate(toText);
    const next = { from: a.kind === 'date' ? undefined : t('progress.range.invalid'), to: b.kind === 'date' ? undefined : t('progress.range.invalid') };
    setErrors(next);
    if (a.kind === 'date' && b.kind === 'date') onApply(a.iso, b.iso);
  };
  return (
    <form onSubmit={submit}>
      <Group align="end" gap="sm">
        <TextInput label={t('progress.range.from')} placeholder="dd/mm/yyyy" value={fromText} onChange={(e) => setFromText(e.currentTarget.value)} error={errors.from} w={140} />
        <TextInput label={t('progress.range.to')} placeholder="dd/mm/yyyy" value={toText} onChange={(e) => setToText(e.currentTarget.value)} error={errors.to} w={140} />
        <Button type="submit" variant="default">
          {t('progress.range.apply')}
        </Button>
      </Group>
    </form>
  );
}

/** Tiến độ: a unit's figures, forecast to the deadline, days, child units (drill down) and who has not come yet; live. */
export default function ProgressPage() {
  const { t } = useTranslation();
  const [params, update] = useUrlParams();
  const organisationId = params.get('unit') ?? undefined;
  const from = params.get('from') ?? undefined;
  const to = params.get('to') ?? undefined;
  const sortParam = params.get('sort');
  const sort = SORTS.find((s) => s === sortParam) ?? 'name';
  const dashboard = useDashboard({ organisationId, from, to });
  usePageTitle(t('progress.title'));
  const data = dashboard.data;
  const open = (id: string) => update({ unit: id, from: undefined, to: undefined });
  const late = data?.forecast?.deadlineMet === false;

  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Title order={1} size="h2">
          {t('progress.title')}
          {data?.unit ? `: ${data.unit.name}` : ''}
        </Title>
        {dashboard.isFetching && <Loader size="xs" aria-label={t('common.loading')} />}
      </Group>
      {data && (data.ancestors.length > 0 || organisationId) && (
        <Breadcrumbs separator="›">
          <Anchor component="button" type="button" size="sm" onClick={() => update({ unit: undefined, from: undefined, to: undefined })}>
            {t('progress.myScope')}
          </Anchor>
          {data.ancestors.map((a) => (
            <Anchor component="button" type="button" size="sm" key={a.id} onClick={() => open(a.id)}>
              {a.name}
            </Anchor>
          ))}
          {data.unit && <Text size="sm">{data.unit.name}</Text>}
        </Breadcrumbs>
      )}
      {dashboard.isError && <ErrorAlert error={dashboard.error} onRetry={() => update({ from: undefined, to: undefined })} />}
      {!data && dashboard.isPending && <Loader aria-label={t('common.loading')} />}
      {data && (
        <>
          <Figures dashboard={data} />
          <Alert color={data.forecast?.status === 'done' ? 'green' : late ? 'red' : 'blue'} title={t('progress.forecast.title')} data-testid="forecast">
            {forecastSentence(data.forecast, data.campaign?.deadline ?? null, t)}
          </Alert>
          <RangeForm key={`${data.from}-${data.to}`} from={data.from} to={data.to} onApply={(f, tt) => update({ from: f, to: tt })} />
          <DailyChart series={data.series} from={data.from} to={data.to} />
          {data.late.length > 0 && (
            <Paper withBorder p="md">
              <Text fw={600} mb="xs">
                {t('progress.late.title')}
              </Text>
              <Stack gap={4}>
                {data.late.map((u) => (
                  <Text size="sm" key={u.unitId}>
                    <Anchor component="button" type="button" size="sm" onClick={() => open(u.unitId)}>
                      {u.name}
                    </Anchor>
                    {': '}
                    {u.lateDays === null ? t('progress.late.never', { shortfall: formatNumber(u.shortfall) }) : t('progress.late.line', { shortfall: formatNumber(u.shortfall), days: u.lateDays })}
                  </Text>
                ))}
              </Stack>
            </Paper>
          )}
          {data.children.length > 0 && <ChildrenTable rows={data.children} sort={sort} onSort={(s) => update({ sort: s === 'name' ? undefined : s })} onOpen={open} />}
          {data.unit && (holdsMembers(data.unit.kind) || data.children.length === 0) && <WaitingList organisationId={data.unit.id} />}
          <PointsPanel organisationId={data.unit?.id} from={data.from} to={data.to} />
          <ReportPanel organisationId={data.unit?.id} />
        </>
      )}
    </Stack>
  );
}
