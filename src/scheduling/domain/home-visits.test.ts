import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { planHomeVisits } from './home-visits.ts';
import { campaignDays } from './slots.ts';
import type { Campaign, HomeVisitDemand } from './types.ts';

// Monday 8 to Friday 12 September 2025, the 10th a holiday.
const campaign: Campaign = { start: '2025-09-08', deadline: '2025-09-12', holidays: ['2025-09-10'] };
const members = (commune: string, n: number, prefix = commune): HomeVisitDemand[] => Array.from({ length: n }, (_, i) => ({ memberId: `${prefix}${i}`, communeCode: commune }));

describe('planHomeVisits', () => {
  it('visits a commune’s members in daily runs of at most visitsPerDay, earliest days first, skipping holidays', () => {
    const { runs, unplaced } = planHomeVisits(campaign, members('A', 7), [{ id: 'T1', communeCodes: ['A'], visitsPerDay: 3 }]);
    expect(runs).toEqual([
      { teamId: 'T1', date: '2025-09-08', communeCode: 'A', memberIds: ['A0', 'A1', 'A2'] },
      { teamId: 'T1', date: '2025-09-09', communeCode: 'A', memberIds: ['A3', 'A4', 'A5'] },
      { teamId: 'T1', date: '2025-09-11', communeCode: 'A', memberIds: ['A6'] },
    ]);
    expect(unplaced).toEqual([]);
  });

  it('reports who no team can reach by the deadline or whose commune no team serves', () => {
    const { unplaced } = planHomeVisits(campaign, [...members('A', 10), ...members('B', 2)], [{ id: 'T1', communeCodes: ['A'], visitsPerDay: 2 }]);
    // 4 working days × 2 = 8 of A's 10.
    expect(unplaced).toEqual(['A8', 'A9', 'B0', 'B1']);
  });

  it('lets a team that serves one commune do it, and the team serving two take the other', () => {
    const { runs } = planHomeVisits({ ...campaign, deadline: '2025-09-08' }, [...members('A', 4), ...members('B', 4)], [
      { id: 'T2', communeCodes: ['A', 'B'], visitsPerDay: 4 },
      { id: 'T1', communeCodes: ['A'], visitsPerDay: 4 },
    ]);
    expect(runs.map((r) => [r.teamId, r.communeCode, r.memberIds.length])).toEqual([
      ['T1', 'A', 4],
      ['T2', 'B', 4],
    ]);
  });

  it('never visits a member twice nor exceeds a team’s day, and places or reports everyone', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ id: fc.integer({ min: 0, max: 40 }), commune: fc.constantFrom('A', 'B', 'C') }), { maxLength: 60 }),
        fc.array(fc.record({ communes: fc.subarray(['A', 'B', 'C'], { minLength: 1 }), perDay: fc.integer({ min: 0, max: 6 }) }), { maxLength: 3 }),
        fc.option(fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 1 }), { nil: undefined }),
        (demandRows, teamRows, workWeekdays) => {
          const demands = demandRows.map((d) => ({ memberId: `M${d.id}`, communeCode: d.commune }));
          const teams = teamRows.map((t, i) => ({ id: `T${i}`, communeCodes: t.communes, visitsPerDay: t.perDay }));
          const { runs, unplaced } = planHomeVisits(campaign, demands, teams, workWeekdays ? { workWeekdays } : {});
          const visited = runs.flatMap((r) => r.memberIds);
          expect(new Set(visited).size).toBe(visited.length);
          const firstCommune = new Map<string, string>();
          for (const d of demands) if (!firstCommune.has(d.memberId)) firstCommune.set(d.memberId, d.communeCode);
          expect(new Set([...visited, ...unplaced])).toEqual(new Set(firstCommune.keys()));
          expect(visited.length + unplaced.length).toBe(firstCommune.size);
          const perTeamDay = new Map<string, number>();
          for (const r of runs) {
            const team = teams.find((t) => t.id === r.teamId)!;
            expect(team.communeCodes).toContain(r.communeCode);
            expect(r.memberIds.length).toBeGreaterThan(0);
            for (const m of r.memberIds) expect(firstCommune.get(m)).toBe(r.communeCode);
            expect(campaign.holidays).not.toContain(r.date);
            const k = `${r.teamId}|${r.date}`;
            perTeamDay.set(k, (perTeamDay.get(k) ?? 0) + r.memberIds.length);
            expect(perTeamDay.get(k)!).toBeLessThanOrEqual(team.visitsPerDay);
          }
          // Nobody left over while a team serving their commune had room on a working day.
          const workingDays = campaignDays(campaign).filter((d) => !campaign.holidays.includes(d) && (workWeekdays ?? [0, 1, 2, 3, 4, 5, 6]).includes(new Date(`${d}T00:00:00Z`).getUTCDay()));
          for (const m of unplaced) {
            const c = firstCommune.get(m)!;
            for (const t of teams.filter((x) => x.communeCodes.includes(c))) {
              for (const d of workingDays) expect(perTeamDay.get(`${t.id}|${d}`) ?? 0).toBe(t.visitsPerDay);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
