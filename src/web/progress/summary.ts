/** What the dashboard says in words and numbers (pure: no React), from the server's counters and forecasts. */
import { formatDate } from '../format.ts';
import type { ChildProgress, Forecast, Totals } from './api.ts';

type T = (key: string, params?: Record<string, string | number>) => string;

/** Members with a dossier as a share of the target, one decimal; null without a target. */
export function percentDone(totals: Pick<Totals, 'received' | 'target'>): number | null {
  return totals.target > 0 ? Math.round((1000 * totals.received) / totals.target) / 10 : null;
}

export function formatPercent(value: number | null): string {
  return value === null ? '–' : `${new Intl.NumberFormat('vi-VN', { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(value)}%`;
}

/** One sentence on the finish against the deadline. */
export function forecastSentence(forecast: Forecast | null, deadline: string | null, t: T): string {
  if (!forecast || !deadline) return t('progress.forecast.noCampaign');
  const d = formatDate(deadline);
  switch (forecast.status) {
    case 'done':
      return t('progress.forecast.done', { date: formatDate(forecast.finish!) });
    case 'no_data':
      return t('progress.forecast.noData', { deadline: d });
    case 'stalled':
      return t('progress.forecast.stalled', { deadline: d, shortfall: forecast.shortfall ?? forecast.remaining });
  }
  if (forecast.beyondHorizon || !forecast.finish) return t('progress.forecast.beyond', { deadline: d, shortfall: forecast.shortfall ?? 0 });
  const band = forecast.optimisticFinish && forecast.pessimisticFinish && forecast.optimisticFinish !== forecast.pessimisticFinish
    ? t('progress.forecast.band', { from: formatDate(forecast.optimisticFinish), to: formatDate(forecast.pessimisticFinish) })
    : '';
  const chance = forecast.chanceByDeadline === null ? '' : t('progress.forecast.chance', { percent: Math.round(forecast.chanceByDeadline * 100) });
  const verdict = forecast.deadlineMet ? t('progress.forecast.onTime', { deadline: d }) : t('progress.forecast.late', { deadline: d, days: forecast.lateDays ?? 0, shortfall: forecast.shortfall ?? 0 });
  return [t('progress.forecast.finish', { date: formatDate(forecast.finish), rate: Math.round(forecast.ratePerDay ?? 0) }) + band + '.', verdict + chance + '.'].join(' ');
}

export type ChildSort = 'name' | 'percent' | 'lateness';

/** Child rows in the order asked: name (as the server sends them, Vietnamese order), % done ascending (the weakest first), or the latest projected finish first. */
export function sortChildren(children: readonly ChildProgress[], sort: ChildSort): ChildProgress[] {
  const rows = [...children];
  if (sort === 'percent') return rows.sort((a, b) => (percentDone(a) ?? Infinity) - (percentDone(b) ?? Infinity));
  if (sort === 'lateness') {
    // Never finishing at its rate is the latest of all; no data or no campaign comes last.
    const late = (c: ChildProgress) => (!c.forecast || c.forecast.status === 'no_data' ? -Infinity : c.forecast.status === 'stalled' || c.forecast.beyondHorizon ? Infinity : (c.forecast.lateDays ?? 0));
    return rows.sort((a, b) => late(b) - late(a));
  }
  return rows;
}
