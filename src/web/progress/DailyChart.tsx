import { Paper, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatDate, formatNumber } from '../format.ts';
import type { DayCounts } from './api.ts';
import { dayNumber, isoFromDayNumber } from '../../scheduling/domain/slots.ts';

/** Every day of the range, days without a dossier as zeros (a gap in the bars is a day nobody came). */
export function fillDays(series: readonly DayCounts[], from: string, to: string): DayCounts[] {
  const byDay = new Map(series.map((d) => [d.day, d]));
  const days: DayCounts[] = [];
  for (let n = dayNumber(from)!; n <= dayNumber(to)!; n++) {
    const day = isoFromDayNumber(n);
    days.push(byDay.get(day) ?? { day, dossiers: 0, approved: 0, returned: 0 });
  }
  return days;
}

/** Dossiers received and approved per day over the range shown. */
export function DailyChart({ series, from, to }: { series: DayCounts[]; from: string; to: string }) {
  const { t } = useTranslation();
  const days = fillDays(series, from, to).map((d) => ({ ...d, label: formatDate(d.day).slice(0, 5) }));
  const total = days.reduce((n, d) => n + d.dossiers, 0);
  return (
    <Paper withBorder p="md">
      <Text fw={600} mb="xs">
        {t('progress.chart.title', { from: formatDate(from), to: formatDate(to) })}
      </Text>
      <div role="img" aria-label={t('progress.chart.label', { total: formatNumber(total), days: days.length })} style={{ width: '100%', height: 260 }}>
        <ResponsiveContainer>
          <BarChart data={days} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="label" fontSize={12} interval="preserveStartEnd" />
            <YAxis allowDecimals={false} fontSize={12} width={48} tickFormatter={(v: number) => formatNumber(v)} />
            <Tooltip formatter={(value) => formatNumber(Number(value))} labelFormatter={(_label, payload) => (payload?.[0] ? formatDate((payload[0].payload as DayCounts).day) : '')} />
            <Legend />
            <Bar dataKey="dossiers" name={t('progress.chart.dossiers')} fill="#c92a2a" isAnimationActive={false} />
            <Bar dataKey="approved" name={t('progress.chart.approved')} fill="#2f9e44" isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </div>
    </Paper>
  );
}
