/**
 * The campaign scheduler: gives every cell's members a point, a day and a shift.
 *
 * Objective, in this order: finish as early as possible (on or before the deadline); never put more members in a
 * shift than it takes (hard); balance the load across points. Rules: a cell stays together in one shift unless it
 * is larger than every shift of the point it goes to, then it takes consecutive shifts there; a cell goes to its
 * own commune's points first, elsewhere in the province only for what they cannot take; provincial and
 * central-level cells only go to points run by the provincial police.
 *
 * How: the lower bound from capacity gives the first horizon to try. For a horizon (last day allowed) cells are
 * packed largest first, restricted cells first, then each commune into its own points (least loaded point, its
 * earliest shift that fits), then what is left anywhere with spare capacity; when that fails, the tightest-fit
 * variant and a single largest-first pass (home points first for each cell) are tried. The first horizon at which
 * everything fits is the plan; the search goes on by bisection up to the deadline. Announced appointments that
 * still hold are kept before packing (dropped only if that is what it takes to meet the deadline).
 * When even the deadline fails, the advice loop adds capacity where members were left over (evening shifts,
 * weekends, then kits), re-plans with the very same function until everything fits, then drops what is not needed.
 */
import { applyAdvice } from './advice.ts';
import { buildSlotDetails, dayNumber, isoFromDayNumber, slotKey } from './slots.ts';
import type { Advice, Appointment, Campaign, CellDemand, IntakePoint, Plan, PlanInput, ShiftKey, Unplaceable } from './types.ts';

export { applyAdvice } from './advice.ts';

// ---------------------------------------------------------------------------------------------------------------
// Model: points and slots as arrays, for the packing loops.

interface Model {
  startDay: number;
  /** Index of the deadline in days from the start; -1 when the campaign has no days. */
  lastDay: number;
  points: readonly IntakePoint[];
  pointIndex: Map<string, number>;
  provincial: number[];
  all: number[];
  byCommune: Map<string, number[]>;
  slotPoint: Int32Array;
  /** Days from the campaign start. */
  slotDay: Int32Array;
  slotCap: Float64Array;
  /** Position in its point's slot list. */
  slotPos: Int32Array;
  slotShift: ShiftKey[];
  slotDate: string[];
  slotByKey: Map<string, number>;
  /** Each point's slots, by day then shift start: "consecutive shifts" are neighbours here. */
  pointSlots: number[][];
  /** Largest shift of the point over the campaign: a cell larger than this may take consecutive shifts. */
  pointMaxCap: Float64Array;
}

function buildModel(campaign: Campaign, points: readonly IntakePoint[]): Model {
  const details = buildSlotDetails(campaign, points);
  const startDay = dayNumber(campaign.start) ?? 0;
  const deadline = dayNumber(campaign.deadline);
  const lastDay = deadline === undefined || dayNumber(campaign.start) === undefined ? -1 : deadline - startDay;
  const pointIndex = new Map(points.map((p, i) => [p.id, i]));
  const byCommune = new Map<string, number[]>();
  points.forEach((p, i) => byCommune.set(p.communeCode, [...(byCommune.get(p.communeCode) ?? []), i]));
  const n = details.length;
  const model: Model = {
    startDay,
    lastDay,
    points,
    pointIndex,
    provincial: points.flatMap((p, i) => (p.operator === 'provincial' ? [i] : [])),
    all: points.map((_, i) => i),
    byCommune,
    slotPoint: new Int32Array(n),
    slotDay: new Int32Array(n),
    slotCap: new Float64Array(n),
    slotPos: new Int32Array(n),
    slotShift: new Array<ShiftKey>(n),
    slotDate: new Array<string>(n),
    slotByKey: new Map(),
    pointSlots: points.map(() => []),
    pointMaxCap: new Float64Array(points.length),
  };
  // Details come by day, then point, then shift start: pushing in that order keeps each point's list ordered.
  details.forEach((d, s) => {
    const p = pointIndex.get(d.pointId)!;
    model.slotPoint[s] = p;
    model.slotDay[s] = d.day - startDay;
    model.slotCap[s] = d.capacity;
    model.slotShift[s] = d.shift;
    model.slotDate[s] = d.date;
    model.slotByKey.set(slotKey(d.pointId, d.date, d.shift), s);
    model.slotPos[s] = model.pointSlots[p]!.length;
    model.pointSlots[p]!.push(s);
    if (d.capacity > model.pointMaxCap[p]!) model.pointMaxCap[p] = d.capacity;
  });
  return model;
}

// ---------------------------------------------------------------------------------------------------------------
// Packing for one horizon.

interface Task {
  id: number;
  cell: CellDemand;
  /** Members still to place (the cell's, less those in locked appointments). */
  demand: number;
  /** Provincial or central-level: provincial points only. */
  restricted: boolean;
  own: readonly number[];
  eligible: readonly number[];
  /** Slots where this cell already has a locked appointment: not used again, so a cell has one row per slot. */
  lockedSlots?: Set<number>;
}

type Part = [slot: number, members: number];
interface Strategy {
  /** 'first': the least loaded point's earliest shift that fits (balances points); 'best': the shift left fullest. */
  fit: 'first' | 'best';
  /**
   * 'phased': restricted cells, then each commune at home, then the overflow, each largest first (fewest
   * cross-commune members); 'merged': one pass largest first, home points first for each cell (packs tighter when
   * restricted cells and commune cells compete for the same points).
   */
  order: 'phased' | 'merged';
}
const STRATEGIES: Strategy[] = [
  { fit: 'first', order: 'phased' },
  { fit: 'best', order: 'phased' },
  { fit: 'first', order: 'merged' },
  { fit: 'best', order: 'merged' },
];

interface PackResult {
  parts: Map<number, Part[]>;
  failed: Task[];
  placedMembers: number;
}

const bySize = (a: Task, b: Task) => b.demand - a.demand || a.id - b.id;

function pack(model: Model, base: Float64Array, tasks: readonly Task[], horizon: number, strategy: Strategy): PackResult {
  const rem = base.slice();
  const nPoints = model.points.length;
  const limit = new Int32Array(nPoints);
  const capH = new Float64Array(nPoints);
  const remH = new Float64Array(nPoints);
  for (let p = 0; p < nPoints; p++) {
    for (const s of model.pointSlots[p]!) {
      if (model.slotDay[s]! > horizon) break;
      limit[p] = limit[p]! + 1;
      capH[p] = capH[p]! + model.slotCap[s]!;
      remH[p] = remH[p]! + Math.max(0, rem[s]!);
    }
  }
  const parts = new Map<number, Part[]>();
  const failed: Task[] = [];
  let placedMembers = 0;

  const place = (t: Task, candidates: readonly number[]): boolean => {
    const demand = t.demand;
    let bestP = -1;
    let bestI = 0;
    let bestJ = 0;
    let bestPrimary = Infinity;
    let bestSecondary = Infinity;
    for (const p of candidates) {
      const n = limit[p]!;
      if (n === 0 || remH[p]! < demand) continue;
      const slots = model.pointSlots[p]!;
      let i = -1;
      let j = -1;
      let leftover = 0;
      if (demand <= model.pointMaxCap[p]!) {
        // One shift.
        let tight = Infinity;
        for (let k = 0; k < n; k++) {
          const s = slots[k]!;
          const r = rem[s]!;
          if (r < demand || t.lockedSlots?.has(s)) continue;
          if (strategy.fit === 'first') {
            i = j = k;
            leftover = r - demand;
            break;
          }
          if (r - demand < tight) {
            tight = r - demand;
            i = j = k;
            leftover = tight;
          }
        }
      } else {
        // Consecutive shifts: the run that ends earliest, then the shortest such run.
        let sum = 0;
        let st = 0;
        for (let k = 0; k < n; k++) {
          const s = slots[k]!;
          const r = rem[s]!;
          if (r <= 0 || t.lockedSlots?.has(s)) {
            sum = 0;
            st = k + 1;
            continue;
          }
          sum += r;
          if (sum >= demand) {
            while (sum - rem[slots[st]!]! >= demand) sum -= rem[slots[st++]!]!;
            i = st;
            j = k;
            leftover = sum - demand;
            break;
          }
        }
      }
      if (i < 0) continue;
      const load = (capH[p]! - remH[p]! + demand) / capH[p]!;
      const endDay = model.slotDay[slots[j]!]!;
      // 'first' balances the points (least loaded after this cell); 'best' packs tightly (least room left).
      const primary = strategy.fit === 'first' ? load : leftover;
      const secondary = strategy.fit === 'first' ? endDay : load;
      if (primary < bestPrimary - 1e-12 || (Math.abs(primary - bestPrimary) <= 1e-12 && secondary < bestSecondary)) {
        bestP = p;
        bestI = i;
        bestJ = j;
        bestPrimary = primary;
        bestSecondary = secondary;
      }
    }
    if (bestP < 0) return false;
    const slots = model.pointSlots[bestP]!;
    const taken: Part[] = [];
    let left = demand;
    for (let k = bestI; k <= bestJ && left > 0; k++) {
      const s = slots[k]!;
      const take = Math.min(left, rem[s]!);
      rem[s] = rem[s]! - take;
      left -= take;
      taken.push([s, take]);
    }
    remH[bestP] = remH[bestP]! - demand;
    parts.set(t.id, taken);
    placedMembers += demand;
    return true;
  };

  if (strategy.order === 'merged') {
    for (const t of [...tasks].sort(bySize)) if (!(t.own.length > 0 && place(t, t.own)) && !place(t, t.eligible)) failed.push(t);
    return { parts, failed, placedMembers };
  }
  // Restricted cells have the fewest choices: they go first.
  const restricted = tasks.filter((t) => t.restricted).sort(bySize);
  const local = tasks.filter((t) => !t.restricted && t.own.length > 0).sort(bySize);
  const overflow = tasks.filter((t) => !t.restricted && t.own.length === 0);
  for (const t of restricted) if (!place(t, t.eligible)) failed.push(t);
  for (const t of local) if (!place(t, t.own)) overflow.push(t);
  overflow.sort(bySize);
  for (const t of overflow) if (!place(t, t.eligible)) failed.push(t);
  return { parts, failed, placedMembers };
}

/**
 * Earliest day index by which the capacity left covers the demand, overall and for restricted cells at provincial
 * points; null when even the deadline's does not.
 */
function capacityBound(model: Model, base: Float64Array, demandAll: number, demandRestricted: number): number | null {
  if (demandAll <= 0) return null;
  const days = model.lastDay + 1;
  if (days <= 0) return null;
  const all = new Float64Array(days);
  const prov = new Float64Array(days);
  const isProvincial = new Uint8Array(model.points.length);
  for (const p of model.provincial) isProvincial[p] = 1;
  for (let s = 0; s < base.length; s++) {
    const r = Math.max(0, base[s]!);
    const d = model.slotDay[s]!;
    all[d] = all[d]! + r;
    if (isProvincial[model.slotPoint[s]!]) prov[d] = prov[d]! + r;
  }
  let a = 0;
  let q = 0;
  for (let d = 0; d < days; d++) {
    a += all[d]!;
    q += prov[d]!;
    if (a >= demandAll && q >= demandRestricted) return d;
  }
  return null;
}

interface Scheduled {
  result: PackResult;
  horizon: number;
}

/** The earliest horizon at which a packing places everything; else the best packing at the deadline. */
function schedule(model: Model, base: Float64Array, tasks: readonly Task[]): Scheduled {
  if (tasks.length === 0) return { result: { parts: new Map(), failed: [], placedMembers: 0 }, horizon: -1 };
  if (model.lastDay < 0) return { result: { parts: new Map(), failed: [...tasks], placedMembers: 0 }, horizon: -1 };
  const demandAll = tasks.reduce((n, t) => n + t.demand, 0);
  const demandRestricted = tasks.reduce((n, t) => n + (t.restricted ? t.demand : 0), 0);
  const tried = new Map<number, PackResult[]>();
  const attempt = (horizon: number): PackResult | undefined => {
    const results: PackResult[] = [];
    for (const strategy of STRATEGIES) {
      const r = pack(model, base, tasks, horizon, strategy);
      results.push(r);
      if (r.failed.length === 0) return r;
    }
    tried.set(horizon, results);
    return undefined;
  };
  const first = capacityBound(model, base, demandAll, demandRestricted) ?? model.lastDay;
  let found = attempt(first);
  if (found) return { result: found, horizon: first };
  if (first < model.lastDay) {
    found = attempt(model.lastDay);
    if (found) {
      // Bisection between a horizon that failed and one that worked.
      let lo = first;
      let hi = model.lastDay;
      while (hi - lo > 1) {
        const mid = (lo + hi) >> 1;
        const r = attempt(mid);
        if (r) {
          hi = mid;
          found = r;
        } else lo = mid;
      }
      return { result: found, horizon: hi };
    }
  }
  const atDeadline = tried.get(model.lastDay)!;
  const best = atDeadline.reduce((a, b) => (b.placedMembers > a.placedMembers ? b : a));
  return { result: best, horizon: model.lastDay };
}

// ---------------------------------------------------------------------------------------------------------------
// One plan for given points (no advice).

function solve(input: PlanInput, points: readonly IntakePoint[]): Plan {
  const { campaign, cells } = input;
  const model = buildModel(campaign, points);
  const base = model.slotCap.slice();
  for (const [key, members] of Object.entries(input.used ?? {})) {
    const s = model.slotByKey.get(key);
    if (s !== undefined && Number.isFinite(members)) base[s] = base[s]! - members;
  }
  const lockedMembers = new Map<string, number>();
  const lockedSlots = new Map<string, Set<number>>();
  for (const a of input.locked) {
    lockedMembers.set(a.cellId, (lockedMembers.get(a.cellId) ?? 0) + a.members);
    const s = model.slotByKey.get(slotKey(a.pointId, a.date, a.shift));
    if (s === undefined) continue;
    base[s] = base[s]! - a.members;
    const set = lockedSlots.get(a.cellId) ?? new Set<number>();
    set.add(s);
    lockedSlots.set(a.cellId, set);
  }
  for (let s = 0; s < base.length; s++) if (base[s]! < 0) base[s] = 0;

  const unplaceable: Unplaceable[] = [];
  const tasks: Task[] = [];
  cells.forEach((cell, id) => {
    const demand = Math.max(0, cell.members - (lockedMembers.get(cell.cellId) ?? 0));
    if (demand <= 0) return;
    const restricted = cell.level !== 'commune';
    if (restricted && model.provincial.length === 0) {
      unplaceable.push({ cellId: cell.cellId, members: demand, reason: 'no_point_for_level' });
      return;
    }
    const own = restricted || cell.communeCode === null ? [] : (model.byCommune.get(cell.communeCode) ?? []);
    const task: Task = { id, cell, demand, restricted, own, eligible: restricted ? model.provincial : model.all };
    const ls = lockedSlots.get(cell.cellId);
    if (ls) task.lockedSlots = ls;
    tasks.push(task);
  });

  const demandAll = tasks.reduce((n, t) => n + t.demand, 0);
  const demandRestricted = tasks.reduce((n, t) => n + (t.restricted ? t.demand : 0), 0);
  const bound = capacityBound(model, base, demandAll, demandRestricted);

  // Announced appointments kept where they still hold.
  const kept = new Map<number, Part[]>();
  const keptBase = base.slice();
  if (input.previous.length > 0) {
    const prevByCell = new Map<string, Appointment[]>();
    for (const a of input.previous) prevByCell.set(a.cellId, [...(prevByCell.get(a.cellId) ?? []), a]);
    for (const t of tasks) {
      const prev = prevByCell.get(t.cell.cellId);
      if (!prev) continue;
      const parts = keepPrevious(model, keptBase, t, prev);
      if (!parts) continue;
      for (const [s, m] of parts) keptBase[s] = keptBase[s]! - m;
      kept.set(t.id, parts);
    }
  }
  let free = tasks.filter((t) => !kept.has(t.id));
  let scheduled = schedule(model, keptBase, free);
  if (scheduled.result.failed.length > 0 && kept.size > 0) {
    // Meeting the deadline comes before keeping announcements.
    const fresh = schedule(model, base, tasks);
    if (fresh.result.failed.length === 0) {
      kept.clear();
      free = tasks;
      scheduled = fresh;
    }
  }

  const appointments: Appointment[] = input.locked.map((a) => ({ ...a }));
  const placed: { slot: number; task: Task; members: number }[] = [];
  for (const t of tasks) {
    const parts = kept.get(t.id) ?? scheduled.result.parts.get(t.id);
    if (parts) for (const [slot, members] of parts) if (members > 0) placed.push({ slot, task: t, members });
  }
  placed.sort((a, b) => a.slot - b.slot || a.task.id - b.task.id);
  for (const { slot, task, members } of placed) {
    appointments.push({
      cellId: task.cell.cellId,
      pointId: model.points[model.slotPoint[slot]!]!.id,
      date: model.slotDate[slot]!,
      shift: model.slotShift[slot]!,
      members,
    });
  }
  for (const t of scheduled.result.failed) unplaceable.push({ cellId: t.cell.cellId, members: t.demand, reason: 'no_capacity_before_deadline' });

  let finishDate: string | null = null;
  for (const a of appointments) if (finishDate === null || a.date > finishDate) finishDate = a.date;

  let lowerBoundDate: string | null = null;
  if (demandAll > 0) lowerBoundDate = bound !== null ? isoFromDayNumber(model.startDay + bound) : model.lastDay >= 0 ? campaign.deadline : null;
  for (const a of input.locked) if (lowerBoundDate === null || a.date > lowerBoundDate) lowerBoundDate = a.date;

  const cellById = new Map(cells.map((c) => [c.cellId, c]));
  let crossCommuneMembers = 0;
  for (const a of appointments) {
    const cell = cellById.get(a.cellId);
    const p = model.pointIndex.get(a.pointId);
    if (cell && cell.level === 'commune' && cell.communeCode !== null && p !== undefined && model.points[p]!.communeCode !== cell.communeCode) {
      crossCommuneMembers += a.members;
    }
  }

  const now = new Set(appointments.map((a) => `${a.cellId}|${slotKey(a.pointId, a.date, a.shift)}`));
  const announced = new Set(input.previous.map((a) => `${a.cellId}|${slotKey(a.pointId, a.date, a.shift)}`));
  let changedAppointments = 0;
  for (const k of announced) if (!now.has(k)) changedAppointments++;

  return { appointments, unplaceable, finishDate, lowerBoundDate, feasible: unplaceable.length === 0, advice: [], crossCommuneMembers, changedAppointments };
}

/**
 * The cell's announced shifts, if its members still fit in them (those slots' spare capacity, in announced order)
 * and the result still obeys the rules: eligible point, one shift unless larger than the point's largest,
 * consecutive shifts otherwise.
 */
function keepPrevious(model: Model, rem: Float64Array, t: Task, prev: readonly Appointment[]): Part[] | undefined {
  const slots: { s: number; members: number }[] = [];
  for (const a of prev) {
    const s = model.slotByKey.get(slotKey(a.pointId, a.date, a.shift));
    if (s === undefined || t.lockedSlots?.has(s)) return undefined;
    slots.push({ s, members: a.members });
  }
  const p = model.slotPoint[slots[0]!.s]!;
  if (slots.some((x) => model.slotPoint[x.s] !== p) || !t.eligible.includes(p)) return undefined;
  slots.sort((a, b) => a.s - b.s);
  let left = t.demand;
  const take = slots.map((x) => {
    const n = Math.max(0, Math.min(x.members, left, rem[x.s]!));
    left -= n;
    return n;
  });
  slots.forEach((x, i) => {
    const extra = Math.max(0, Math.min(left, rem[x.s]! - take[i]!));
    take[i]! += extra;
    left -= extra;
  });
  if (left > 0) return undefined;
  const parts: Part[] = slots.map((x, i): Part => [x.s, take[i]!]).filter(([, m]) => m > 0);
  if (parts.length > 1) {
    if (t.demand <= model.pointMaxCap[p]!) return undefined;
    for (let i = 1; i < parts.length; i++) if (model.slotPos[parts[i]![0]]! !== model.slotPos[parts[i - 1]![0]]! + 1) return undefined;
  }
  return parts;
}

// ---------------------------------------------------------------------------------------------------------------
// Advice.

const MAX_ADVICE_ROUNDS = 25;
const MAX_PRUNE_SOLVES = 30;

const capacityShort = (plan: Plan) => plan.unplaceable.filter((u) => u.reason === 'no_capacity_before_deadline');

/** Members a point takes over the campaign. */
function pointCapacity(campaign: Campaign, point: IntakePoint): number {
  let n = 0;
  for (const s of buildSlotDetails(campaign, [point])) n += s.capacity;
  return n;
}

function mergeAdvice(items: readonly Advice[]): Advice[] {
  const out: Advice[] = [];
  const kits = new Map<string, { kind: 'add_kits'; pointId: string; kits: number }>();
  const seen = new Set<string>();
  for (const a of items) {
    if (a.kind === 'add_kits') {
      const k = kits.get(a.pointId);
      if (k) k.kits += a.kits;
      else {
        const item = { ...a };
        kits.set(a.pointId, item);
        out.push(item);
      }
      continue;
    }
    const key = a.kind === 'open_shift' ? `${a.pointId}|${a.shift}` : `${a.pointId}|weekends`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push({ ...a });
    }
  }
  return out.filter((a) => a.kind !== 'add_kits' || a.kits > 0);
}

/**
 * Changes that add at least the missing capacity where members were left over: the commune's own points
 * (any point when it has none or they cannot grow), provincial points for provincial and central-level cells.
 * Opening evening shifts and weekends comes before sending kits.
 */
function propose(input: PlanInput, points: readonly IntakePoint[], short: readonly Unplaceable[], round: number): Advice[] {
  const { campaign } = input;
  const from = campaign.start;
  const cellById = new Map(input.cells.map((c) => [c.cellId, c]));
  const provincial = points.flatMap((p, i) => (p.operator === 'provincial' ? [i] : []));
  const all = points.map((_, i) => i);
  const groups = new Map<string, { deficit: number; own: number[]; wide: number[] }>();
  for (const u of short) {
    const cell = cellById.get(u.cellId);
    if (!cell) continue;
    let key: string;
    let own: number[];
    let wide: number[];
    if (cell.level !== 'commune') {
      key = 'provincial';
      own = wide = provincial;
    } else {
      const code = cell.communeCode;
      own = code === null ? [] : all.filter((i) => points[i]!.communeCode === code);
      key = own.length > 0 ? `commune:${code}` : 'all';
      wide = all;
      if (own.length === 0) own = provincial.length > 0 ? provincial : all;
    }
    const g = groups.get(key) ?? { deficit: 0, own, wide };
    g.deficit += u.members;
    groups.set(key, g);
  }

  const current = [...points];
  const capacity = current.map((p) => pointCapacity(campaign, p));
  const out: Advice[] = [];
  const tryApply = (i: number, a: Advice): number => {
    const next = applyAdvice([current[i]!], [a], from)[0]!;
    const gain = pointCapacity(campaign, next) - capacity[i]!;
    return gain;
  };
  const commit = (i: number, a: Advice) => {
    current[i] = applyAdvice([current[i]!], [a], from)[0]!;
    const before = capacity[i]!;
    capacity[i] = pointCapacity(campaign, current[i]!);
    out.push(a);
    return capacity[i]! - before;
  };

  for (const g of groups.values()) {
    // Later rounds ask for a little more: what was missing was lost to shifts too full for whole cells.
    const target = Math.ceil(g.deficit * (1 + 0.1 * round));
    const fill = (candidates: readonly number[]): number => {
      let gained = 0;
      const shiftActions = (i: number): Advice[] => [
        { kind: 'open_shift', pointId: current[i]!.id, shift: 'evening' },
        { kind: 'open_weekends', pointId: current[i]!.id },
        { kind: 'open_shift', pointId: current[i]!.id, shift: 'morning' },
        { kind: 'open_shift', pointId: current[i]!.id, shift: 'afternoon' },
      ];
      for (let step = 0; step < 4 && gained < target; step++) {
        const options = candidates
          .map((i) => ({ i, a: shiftActions(i)[step]!, gain: 0 }))
          .map((o) => ({ ...o, gain: tryApply(o.i, o.a) }))
          .filter((o) => o.gain > 0)
          .sort((x, y) => y.gain - x.gain || x.i - y.i);
        for (const o of options) {
          if (gained >= target) break;
          gained += commit(o.i, o.a);
        }
      }
      if (gained >= target) return gained;
      // Kits, one at a time round the points that gain most per kit.
      const perKit = candidates
        .map((i) => ({ i, gain: tryApply(i, { kind: 'add_kits', pointId: current[i]!.id, kits: 1 }) }))
        .filter((o) => o.gain > 0)
        .sort((x, y) => y.gain - x.gain || x.i - y.i);
      if (perKit.length === 0) return gained;
      const added = new Map<number, number>();
      for (let k = 0; gained < target; k++) {
        const o = perKit[k % perKit.length]!;
        added.set(o.i, (added.get(o.i) ?? 0) + 1);
        gained += o.gain;
      }
      for (const [i, kits] of added) commit(i, { kind: 'add_kits', pointId: current[i]!.id, kits });
      return gained;
    };
    if (fill(g.own) === 0 && g.wide !== g.own) fill(g.wide);
  }
  return out;
}

function adviseCapacity(input: PlanInput, first: Plan): Advice[] {
  const from = input.campaign.start;
  const replan = (advice: readonly Advice[]) => solve(input, applyAdvice(input.points, advice, from));
  let advice: Advice[] = [];
  let current = first;
  for (let round = 0; capacityShort(current).length > 0; round++) {
    if (round >= MAX_ADVICE_ROUNDS) return [];
    const more = propose(input, applyAdvice(input.points, advice, from), capacityShort(current), round);
    if (more.length === 0) return [];
    advice = mergeAdvice([...advice, ...more]);
    current = replan(advice);
  }
  // Drop what is not needed, kits first (they were added last and cost most), then trim kit counts.
  let budget = MAX_PRUNE_SOLVES;
  const works = (candidate: Advice[]) => {
    budget--;
    return capacityShort(replan(candidate)).length === 0;
  };
  for (let i = advice.length - 1; i >= 0 && budget > 0; i--) {
    const without = advice.filter((_, j) => j !== i);
    if (works(without)) advice = without;
  }
  for (let i = 0; i < advice.length && budget > 0; i++) {
    const a = advice[i]!;
    if (a.kind !== 'add_kits' || a.kits < 2) continue;
    let lo = 0;
    let hi = a.kits;
    while (hi - lo > 1 && budget > 0) {
      const mid = (lo + hi) >> 1;
      const trial = advice.map((x, j) => (j === i ? { ...a, kits: mid } : x));
      if (works(trial)) hi = mid;
      else lo = mid;
    }
    advice = advice.map((x, j) => (j === i ? { ...a, kits: hi } : x));
  }
  return advice;
}

// ---------------------------------------------------------------------------------------------------------------

/**
 * The plan for a province (or any set of points and cells planned together). Pure and deterministic.
 * When members are left over for lack of capacity, `advice` lists changes which, applied with
 * `applyAdvice(points, advice, campaign.start)` (or without a date), make the same call feasible.
 */
export function plan(input: PlanInput): Plan {
  const result = solve(input, input.points);
  if (capacityShort(result).length === 0) return result;
  return { ...result, advice: adviseCapacity(input, result) };
}

/** Days from the campaign start, 1-based (the start is day 1), of an ISO date. */
export function campaignDay(campaign: Campaign, date: string): number {
  return (dayNumber(date) ?? 0) - (dayNumber(campaign.start) ?? 0) + 1;
}
