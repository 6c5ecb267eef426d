import { Paper, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { STEPS } from '../../intake/domain/dossier.ts';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { formatDate, formatNumber } from '../format.ts';
import type { PointsProgress } from './api.ts';
import { usePoints } from './queries.ts';
import { formatPercent } from './summary.ts';

type Steps = PointsProgress['officers'][number]['steps'];

const minutes = (value: number | null) => (value === null ? '–' : new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 1 }).format(value));

function StepsTable({ label, rows }: { label: string; rows: { id: string; name: string; steps: Steps | null }[] }) {
  const { t } = useTranslation();
  return (
    <Table.ScrollContainer minWidth={900}>
      <Table striped verticalSpacing={4} aria-label={label}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">{label}</Table.Th>
            {STEPS.map((step) => (
              <Table.Th scope="col" key={step} ta="right">
                {t(`progress.points.step.${step}`)}
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((row) => (
            <Table.Tr key={row.id}>
              <Table.Th scope="row" fw={500}>
                {row.name}
              </Table.Th>
              {STEPS.map((step) => {
                const s = row.steps?.[step];
                return (
                  <Table.Td key={step} ta="right">
                    {s && s.count > 0 ? `${minutes(s.medianMinutes)} / ${minutes(s.p90Minutes)}` : '–'}
                  </Table.Td>
                );
              })}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/** The unit's intake points over the range: throughput against capacity per shift, and step timings. */
export function PointsPanel({ organisationId, from, to }: { organisationId: string | undefined; from: string; to: string }) {
  const { t } = useTranslation();
  const points = usePoints({ organisationId, from, to }, true);
  const data = points.data;
  if (points.isError) return <ErrorAlert error={points.error} onRetry={() => void points.refetch()} />;
  if (!data || data.needsProvince) return null;
  return (
    <Paper withBorder p="md">
      <Text fw={600} mb="xs">
        {t('progress.points.title', { from: formatDate(data.from), to: formatDate(data.to) })}
      </Text>
      {data.points.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('progress.points.none')}
        </Text>
      ) : (
        <>
          <Table.ScrollContainer minWidth={700}>
            <Table striped verticalSpacing={4} aria-label={t('progress.points.use')}>
              <Table.Thead>
                <Table.Tr>
                  {(['point', 'received', 'shift', 'taken', 'capacity', 'utilisation'] as const).map((key) => (
                    <Table.Th scope="col" key={key} ta={key === 'point' || key === 'shift' ? 'left' : 'right'}>
                      {t(`progress.points.${key}`)}
                    </Table.Th>
                  ))}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data.points.flatMap((p) =>
                  (p.shifts.length ? p.shifts : [null]).map((s, i) => (
                    <Table.Tr key={`${p.id}-${s?.shift ?? 'none'}`}>
                      <Table.Td>{i === 0 ? p.name : ''}</Table.Td>
                      <Table.Td ta="right">{i === 0 ? formatNumber(p.counts.received) : ''}</Table.Td>
                      <Table.Td>{s ? t(`planning.shift.${s.shift}`) : '–'}</Table.Td>
                      <Table.Td ta="right">{s ? formatNumber(s.received) : '–'}</Table.Td>
                      <Table.Td ta="right">{s ? formatNumber(s.capacity) : '–'}</Table.Td>
                      <Table.Td ta="right">{s ? formatPercent(s.utilisation === null ? null : Math.round(s.utilisation * 1000) / 10) : '–'}</Table.Td>
                    </Table.Tr>
                  )),
                )}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <Text size="sm" mt="md" mb={4}>
            {t('progress.points.stepsHint')}
          </Text>
          <StepsTable label={t('progress.points.point')} rows={data.points} />
          {data.officers.length > 0 && <StepsTable label={t('progress.points.officer')} rows={data.officers} />}
        </>
      )}
    </Paper>
  );
}
