/** Mobile teams' daily runs to members who cannot come to a point (elderly, sick, remote). */
import { campaignDays, dayNumber, weekdayOfDayNumber } from './slots.ts';
import type { Campaign, HomeVisitDemand, HomeVisitRun, MobileTeam } from './types.ts';

export interface HomeVisitOptions {
  /** Days of the week teams go out, 0 = Sunday … 6 = Saturday; every day by default (points open weekends too). */
  workWeekdays?: number[];
  /** Further days teams do not go out, besides the campaign's holidays. */
  daysOff?: string[];
}

export interface HomeVisitPlan {
  runs: HomeVisitRun[];
  /** Members no team can visit by the deadline (or whose commune no team serves), in input order. */
  unplaced: string[];
}

/**
 * Each working day from the start, each team (those serving fewest communes first, as they have least choice)
 * fills its day with visits, at most `visitsPerDay`, in the commune it serves that has most members waiting per
 * team serving it, then the next. A member is visited once, whatever the number of times listed.
 */
export function planHomeVisits(campaign: Campaign, demands: readonly HomeVisitDemand[], teams: readonly MobileTeam[], options: HomeVisitOptions = {}): HomeVisitPlan {
  const waiting = new Map<string, string[]>();
  const seen = new Set<string>();
  for (const d of demands) {
    if (seen.has(d.memberId)) continue;
    seen.add(d.memberId);
    const list = waiting.get(d.communeCode) ?? [];
    list.push(d.memberId);
    waiting.set(d.communeCode, list);
  }
  const next = new Map<string, number>([...waiting.keys()].map((c) => [c, 0]));
  const left = (c: string) => (waiting.get(c)?.length ?? 0) - (next.get(c) ?? 0);
  const servedBy = new Map<string, number>();
  for (const t of teams) for (const c of new Set(t.communeCodes)) servedBy.set(c, (servedBy.get(c) ?? 0) + 1);
  const order = [...teams].filter((t) => t.visitsPerDay >= 1).sort((a, b) => new Set(a.communeCodes).size - new Set(b.communeCodes).size || a.id.localeCompare(b.id));

  const off = new Set([...campaign.holidays, ...(options.daysOff ?? [])]);
  const weekdays = new Set(options.workWeekdays ?? [0, 1, 2, 3, 4, 5, 6]);
  const runs: HomeVisitRun[] = [];
  for (const date of campaignDays(campaign)) {
    if (off.has(date) || !weekdays.has(weekdayOfDayNumber(dayNumber(date)!))) continue;
    for (const team of order) {
      let capacity = Math.floor(team.visitsPerDay);
      const communes = [...new Set(team.communeCodes)];
      while (capacity > 0) {
        let best: string | undefined;
        let bestScore = 0;
        for (const c of communes) {
          const score = left(c) / (servedBy.get(c) ?? 1);
          if (score > bestScore) {
            best = c;
            bestScore = score;
          }
        }
        if (best === undefined) break;
        const start = next.get(best)!;
        const take = Math.min(capacity, left(best));
        runs.push({ teamId: team.id, date, communeCode: best, memberIds: waiting.get(best)!.slice(start, start + take) });
        next.set(best, start + take);
        capacity -= take;
      }
    }
  }
  const unplaced: string[] = [];
  for (const [c, list] of waiting) unplaced.push(...list.slice(next.get(c)));
  const position = new Map([...seen].map((id, i) => [id, i]));
  unplaced.sort((a, b) => position.get(a)! - position.get(b)!);
  return { runs, unplaced };
}
