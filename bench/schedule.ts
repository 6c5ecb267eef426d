import { plan } from '../src/scheduling/domain/schedule.ts';
import { campaignDay } from '../src/scheduling/domain/schedule.ts';
import type { Campaign, CellDemand, IntakePoint, PlanInput, ShiftSpec } from '../src/scheduling/domain/types.ts';
import { round, tiny } from './support.ts';

/** Deterministic random numbers (mulberry32). */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MORNING: ShiftSpec = { key: 'morning', start: '07:30', end: '11:30' };
const AFTERNOON: ShiftSpec = { key: 'afternoon', start: '13:30', end: '17:00' };
const EVENING: ShiftSpec = { key: 'evening', start: '18:00', end: '21:00' };

// Monday 8 to Wednesday 17 September 2025: ten days, one weekend.
const CAMPAIGN: Campaign = { start: '2025-09-08', deadline: '2025-09-17', holidays: [] };

/**
 * A province as the campaign met it: communes of uneven size, 2 points per commune on average (1–3 kits), a few
 * provincial police points with more kits, some open evenings and weekends; cells of 5–150 members with a few of
 * 300+, about 6% of members in provincial or central-level cells.
 */
export function province(seed: number, members: number, communes: number, points: number): PlanInput {
  const rnd = random(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
  const codes = Array.from({ length: communes }, (_, i) => String(10_000 + seed * 1000 + i));
  const weights = codes.map(() => Math.exp(0.6 * normal()));
  const totalWeight = weights.reduce((a, b) => a + b, 0);
  const pickCommune = () => {
    let x = rnd() * totalWeight;
    for (let i = 0; i < codes.length; i++) if ((x -= weights[i]!) <= 0) return i;
    return codes.length - 1;
  };

  const provincialPoints = Math.max(1, Math.round(points / 50));
  const pts: IntakePoint[] = [];
  // Every commune has a point; the rest go to communes by weight (bigger communes, more points).
  for (let i = 0; i < points; i++) {
    const commune = i < communes ? i : pickCommune();
    const isProvincial = i >= points - provincialPoints;
    const kits = isProvincial ? 5 + Math.floor(rnd() * 6) : 1 + Math.floor(rnd() * 3);
    const evening = isProvincial || rnd() < 0.4;
    const weekends = isProvincial || rnd() < 0.5;
    pts.push({
      id: `P${seed}-${i}`,
      name: `Điểm ${i + 1}`,
      communeCode: codes[commune]!,
      operator: isProvincial ? 'provincial' : 'commune',
      settings: [{ from: CAMPAIGN.start, kits, recordsPerKitHour: 12, shifts: evening ? [MORNING, AFTERNOON, EVENING] : [MORNING, AFTERNOON], openWeekdays: weekends ? [0, 1, 2, 3, 4, 5, 6] : [1, 2, 3, 4, 5] }],
      closedOn: [],
    });
  }

  const cells: CellDemand[] = [];
  let left = members;
  while (left > 0) {
    const big = rnd() < 0.004;
    let size = big ? 300 + Math.floor(rnd() * 300) : Math.round(Math.exp(2.9 + 0.8 * normal()));
    size = Math.min(left, big ? size : Math.max(5, Math.min(150, size)));
    left -= size;
    const r = rnd();
    const level = r < 0.05 ? 'provincial' : r < 0.06 ? 'central' : 'commune';
    cells.push({ cellId: `C${seed}-${cells.length}`, communeCode: level === 'commune' ? codes[pickCommune()]! : null, level, members: size });
  }
  return { campaign: CAMPAIGN, points: pts, cells, locked: [], previous: [] };
}

/** The 34 provinces' sizes: ~5.6 million members, uneven (the largest cities several times the smallest). */
function nationSizes(total: number, count: number): number[] {
  const rnd = random(34);
  const w = Array.from({ length: count }, () => 0.4 + rnd() * rnd() * 3);
  const sum = w.reduce((a, b) => a + b, 0);
  return w.map((x) => Math.round((total * x) / sum));
}

/** plan() for a province of 125,000 members (~5,000 cells, 200 points, 10 days), then every province of the nation. */
export async function run() {
  let peakRss = process.memoryUsage().rss;
  const sample = () => (peakRss = Math.max(peakRss, process.memoryUsage().rss));

  const members = tiny ? 10_000 : 125_000;
  const input = province(1, members, tiny ? 10 : 100, tiny ? 20 : 200);
  plan(input); // warm-up: the timed run is the server's steady state, not the JIT's first pass
  sample();
  const started = performance.now();
  const result = plan(input);
  const seconds = (performance.now() - started) / 1000;
  sample();
  const placed = result.appointments.reduce((n, a) => n + a.members, 0);
  console.log(
    `province: ${members} members, ${input.cells.length} cells, ${input.points.length} points: ${seconds.toFixed(3)} s, ` +
      `finish ${result.finishDate} (lower bound ${result.lowerBoundDate}), ${placed} placed, ${result.unplaceable.length} cells unplaceable, ` +
      `${result.crossCommuneMembers} cross-commune`,
  );

  const provinces = tiny ? 2 : 34;
  const sizes = nationSizes(tiny ? 20_000 : 5_600_000, provinces);
  let nationSeconds = 0;
  let nationMembers = 0;
  let nationFeasible = 0;
  let worstGap = 0;
  sizes.forEach((size, i) => {
    // Communes and points in proportion to members (3,321 communes nationwide; 2 points a commune).
    const communes = Math.max(5, Math.round((size / 5_600_000) * 3321));
    const p = province(100 + i, size, communes, communes * 2);
    const t = performance.now();
    const r = plan(p);
    nationSeconds += (performance.now() - t) / 1000;
    sample();
    nationMembers += size;
    if (r.feasible) nationFeasible++;
    if (r.finishDate && r.lowerBoundDate) worstGap = Math.max(worstGap, campaignDay(p.campaign, r.finishDate) - campaignDay(p.campaign, r.lowerBoundDate));
  });
  console.log(`nation: ${provinces} provinces, ${nationMembers} members planned in ${nationSeconds.toFixed(2)} s; ${nationFeasible} feasible; worst finish − lower bound: ${worstGap} day(s)`);

  // The true peak (getrusage), which also covers the moments inside plan() the samples cannot see.
  const peakRssMb = Math.round(Math.max(peakRss, process.resourceUsage().maxRSS * 1024) / 1048576);
  return {
    members,
    cells: input.cells.length,
    points: input.points.length,
    seconds: round(seconds),
    finishDay: result.finishDate ? campaignDay(input.campaign, result.finishDate) : null,
    lowerBoundDay: result.lowerBoundDate ? campaignDay(input.campaign, result.lowerBoundDate) : null,
    crossCommuneShare: round(result.crossCommuneMembers / members, 4),
    peakRssMb,
    nationSeconds: round(nationSeconds, 2),
    nationMembers,
    nationWorstGapDays: worstGap,
  };
}
