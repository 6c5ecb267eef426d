/**
 * The four progress tables (migration 0016, decision 0016) and how to read them exactly: what the fold has stored plus
 * what is still pending (the migration's progress_pending_* functions, the same the fold applies). Reads and the
 * recount's comparison go through `effective`, so neither depends on when the fold last ran.
 */
import { sql, type RawBuilder } from 'kysely';
import type { Queryable } from '../platform/db.ts';

export type RollupTable = 'progress_units' | 'progress_sources' | 'progress_unit_days' | 'progress_source_days' | 'progress_scheduled';

export interface Rollup {
  table: RollupTable;
  keys: readonly string[];
  counters: readonly string[];
  /** The function giving the pending deltas, and which counters it has (the others are counted synchronously); none
   * for a table kept in the writer's own transaction. */
  pending: { fn: string; counters: readonly string[] } | null;
}

export const STATE_COUNTERS = ['received', 'confirmed', 'approved', 'ready_to_send', 'sent', 'returned', 'conflicts'] as const;
export const DAY_COUNTERS = ['dossiers', 'approved', 'returned'] as const;

const rollups = {
  progress_units: {
    table: 'progress_units',
    keys: ['organisation_id'],
    counters: ['target', ...STATE_COUNTERS, 'open_mismatches', 'awaiting_check'],
    pending: { fn: 'progress_pending_units', counters: [...STATE_COUNTERS, 'open_mismatches', 'awaiting_check'] },
  },
  progress_sources: { table: 'progress_sources', keys: ['kind', 'source_id'], counters: STATE_COUNTERS, pending: { fn: 'progress_pending_sources', counters: STATE_COUNTERS } },
  progress_unit_days: { table: 'progress_unit_days', keys: ['organisation_id', 'day'], counters: DAY_COUNTERS, pending: { fn: 'progress_pending_unit_days', counters: DAY_COUNTERS } },
  progress_source_days: {
    table: 'progress_source_days',
    keys: ['kind', 'source_id', 'day'],
    counters: DAY_COUNTERS,
    pending: { fn: 'progress_pending_source_days', counters: DAY_COUNTERS },
  },
  // Members booked by each campaign's published plan (migration 0020), recomputed when the plan changes.
  progress_scheduled: { table: 'progress_scheduled', keys: ['organisation_id', 'campaign_id'], counters: ['members'], pending: null },
} as const satisfies Record<RollupTable, Rollup>;

export const ROLLUPS: readonly Rollup[] = Object.values(rollups);

export const refs = (names: readonly string[]) => sql.join(names.map((n) => sql.ref(n)));

/**
 * The rows of a rollup as they stand: stored plus pending, summed per key, optionally restricted (`where`, on the key
 * columns; several conditions read the stored table once per condition — each its own index range — and what is
 * pending once for all of them). One statement, so one snapshot: a fold committing meanwhile is seen whole or not at all.
 */
export function effective(table: RollupTable, where?: RawBuilder<unknown> | readonly RawBuilder<unknown>[]): RawBuilder<Record<string, unknown>> {
  const rollup: Rollup = rollups[table];
  const conditions = where === undefined ? [] : Array.isArray(where) ? where : [where as RawBuilder<unknown>];
  const stored =
    conditions.length === 0
      ? sql`SELECT ${refs(rollup.keys)}, ${refs(rollup.counters)} FROM ${sql.table(rollup.table)}`
      : sql.join(conditions.map((c) => sql`SELECT ${refs(rollup.keys)}, ${refs(rollup.counters)} FROM ${sql.table(rollup.table)} WHERE ${c}`), sql` UNION ALL `);
  const pending = rollup.pending;
  const anyCondition = conditions.length === 0 ? sql`` : sql`WHERE ${sql.join(conditions.map((c) => sql`(${c})`), sql` OR `)}`;
  const pendingRows = pending
    ? sql`UNION ALL
      SELECT ${refs(rollup.keys)}, ${sql.join(rollup.counters.map((c) => (pending.counters.includes(c) ? sql.ref(c) : sql`0 AS ${sql.ref(c)}`)))} FROM ${sql.raw(pending.fn)}() ${anyCondition}`
    : sql``;
  return sql`
    SELECT ${refs(rollup.keys)}, ${sql.join(rollup.counters.map((c) => sql`sum(${sql.ref(c)})::integer AS ${sql.ref(c)}`))}
    FROM (${stored} ${pendingRows}) x
    GROUP BY ${refs(rollup.keys)}`;
}

/** Moves what is pending into the stored counters; returns how many pending rows it took. */
export async function foldProgress(db: Queryable): Promise<number> {
  const result = await sql<{ taken: string }>`SELECT progress_fold() AS taken`.execute(db);
  return Number(result.rows[0]!.taken);
}

/**
 * Folds every `intervalMs` in the background (the server): keeps the pending rows few, so reads stay cheap. Reads are
 * exact without it. `stop` waits for a fold under way.
 */
export function startProgressFolding(db: Queryable, intervalMs = 1000): { stop(): Promise<void> } {
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const tick = () => {
    running = foldProgress(db)
      .then(() => undefined)
      .catch((error: Error) => console.error('progress fold:', error.message))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, intervalMs).unref();
      });
  };
  let timer = setTimeout(tick, intervalMs).unref();
  return {
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
