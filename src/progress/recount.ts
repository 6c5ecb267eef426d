/**
 * The full recount of the progress counters (decision 0016): every counter computed again from members, dossiers and
 * cross-check results, compared with what the triggers of migration 0016 kept, and optionally put right. Written
 * independently of the triggers (plain conditions on states, no shared SQL functions) so that it can prove them.
 */
import { sql, type RawBuilder } from 'kysely';
import type { Db, Queryable } from '../platform/db.ts';
import { effective, refs, ROLLUPS, type Rollup, type RollupTable } from './rollups.ts';

const LIVE = sql`state <> 'returned'`;
const CONFIRMED = sql`state IN ('confirmed', 'approved', 'ready_to_send', 'sent')`;
const APPROVED = sql`state IN ('approved', 'ready_to_send', 'sent')`;
const READY = sql`state IN ('ready_to_send', 'sent')`;
const VIETNAM_DAY = (column: string) => sql`(${sql.ref(column)} AT TIME ZONE 'Asia/Ho_Chi_Minh')::date`;
/** The ids of a unit and its ancestors, from its materialised path. */
const ANCESTORS = sql`unnest(string_to_array(trim(BOTH '/' FROM o.path), '/')) AS a(id)`;

/** Members per cell, each member once, from its dossiers and result. */
const UNITS = sql`
  WITH taken AS (
    SELECT member_id, count(*) FILTER (WHERE ${LIVE}) AS live, count(*) AS total, bool_or(${CONFIRMED}) AS confirmed,
      bool_or(${APPROVED}) AS approved, bool_or(${READY}) AS ready, bool_or(state = 'sent') AS sent
    FROM dossiers GROUP BY member_id),
  cells AS (
    SELECT m.organisation_id, count(*) FILTER (WHERE m.eligible) AS target, count(*) FILTER (WHERE t.live > 0) AS received,
      count(*) FILTER (WHERE t.confirmed) AS confirmed, count(*) FILTER (WHERE t.approved) AS approved,
      count(*) FILTER (WHERE t.ready) AS ready_to_send, count(*) FILTER (WHERE t.sent) AS sent,
      count(*) FILTER (WHERE t.total > 0 AND t.live = 0) AS returned, count(*) FILTER (WHERE t.live > 1) AS conflicts,
      count(*) FILTER (WHERE m.eligible AND rr.blocking AND rr.decision IS NULL) AS open_mismatches,
      count(*) FILTER (WHERE m.eligible AND rr.status = 'awaiting') AS awaiting_check
    FROM members m LEFT JOIN taken t ON t.member_id = m.id LEFT JOIN reconciliation_results rr ON rr.member_id = m.id
    GROUP BY m.organisation_id)
  SELECT a.id::bigint AS organisation_id, sum(target) AS target, sum(received) AS received, sum(confirmed) AS confirmed,
    sum(approved) AS approved, sum(ready_to_send) AS ready_to_send, sum(sent) AS sent, sum(returned) AS returned,
    sum(conflicts) AS conflicts, sum(open_mismatches) AS open_mismatches, sum(awaiting_check) AS awaiting_check
  FROM cells c JOIN organisations o ON o.id = c.organisation_id, ${ANCESTORS}
  GROUP BY 1`;

/** Dossiers per intake point and per mobile team. */
const SOURCES = sql`
  SELECT x.kind, x.source_id, count(*) FILTER (WHERE ${LIVE}) AS received, count(*) FILTER (WHERE ${CONFIRMED}) AS confirmed,
    count(*) FILTER (WHERE ${APPROVED}) AS approved, count(*) FILTER (WHERE ${READY}) AS ready_to_send,
    count(*) FILTER (WHERE state = 'sent') AS sent, count(*) FILTER (WHERE state = 'returned') AS returned,
    count(*) FILTER (WHERE conflict_with IS NOT NULL AND ${LIVE}) AS conflicts
  FROM dossiers d, LATERAL (VALUES ('point', d.point_id), ('team', d.mobile_team_id)) AS x(kind, source_id)
  WHERE x.source_id IS NOT NULL
  GROUP BY 1, 2`;

/** Each dossier's events on their Vietnam days: received; approved or returned when reviewed into that state. */
const EVENTS = sql`
  SELECT member_id, point_id, mobile_team_id, ${VIETNAM_DAY('received_at')} AS day, 1 AS dossiers, 0 AS approved, 0 AS returned
  FROM dossiers
  UNION ALL
  SELECT member_id, point_id, mobile_team_id, ${VIETNAM_DAY('reviewed_at')}, 0, (${APPROVED})::int, (state = 'returned')::int
  FROM dossiers WHERE reviewed_at IS NOT NULL AND (${APPROVED} OR state = 'returned')`;

const UNIT_DAYS = sql`
  SELECT a.id::bigint AS organisation_id, e.day, sum(e.dossiers) AS dossiers, sum(e.approved) AS approved, sum(e.returned) AS returned
  FROM (${EVENTS}) e JOIN members m ON m.id = e.member_id JOIN organisations o ON o.id = m.organisation_id, ${ANCESTORS}
  GROUP BY 1, 2`;

const SOURCE_DAYS = sql`
  SELECT x.kind, x.source_id, e.day, sum(e.dossiers) AS dossiers, sum(e.approved) AS approved, sum(e.returned) AS returned
  FROM (${EVENTS}) e, LATERAL (VALUES ('point', e.point_id), ('team', e.mobile_team_id)) AS x(kind, source_id)
  WHERE x.source_id IS NOT NULL
  GROUP BY 1, 2, 3`;

/** Members booked per unit by each campaign's published plan. */
const SCHEDULED = sql`
  SELECT a.id::bigint AS organisation_id, p.campaign_id, sum(ap.members) AS members
  FROM appointments ap JOIN schedule_plans p ON p.id = ap.plan_id AND p.status = 'published'
    JOIN organisations o ON o.id = ap.cell_id, ${ANCESTORS}
  GROUP BY 1, 2`;

const RECOUNTS: Record<RollupTable, RawBuilder<unknown>> = {
  progress_scheduled: SCHEDULED,
  progress_units: UNITS,
  progress_sources: SOURCES,
  progress_unit_days: UNIT_DAYS,
  progress_source_days: SOURCE_DAYS,
};

/** What the fold keeps per member (progress_members): its unit, its dossiers (live, total, furthest stage) and its
 * cross-check flags, for every member with a dossier or a flag. */
const MEMBERS = sql`
  SELECT m.id AS member_id, m.organisation_id, coalesce(t.live, 0) AS live, coalesce(t.total, 0) AS total,
    coalesce(t.stage, 0) AS stage, coalesce(m.eligible AND rr.blocking AND rr.decision IS NULL, false) AS open,
    coalesce(m.eligible AND rr.status = 'awaiting', false) AS awaiting
  FROM members m
    LEFT JOIN (
      SELECT member_id, count(*) FILTER (WHERE ${LIVE}) AS live, count(*) AS total,
        max(CASE state WHEN 'in_progress' THEN 1 WHEN 'confirmed' THEN 2 WHEN 'approved' THEN 3 WHEN 'ready_to_send' THEN 4
          WHEN 'sent' THEN 5 ELSE 0 END) AS stage
      FROM dossiers GROUP BY member_id) t ON t.member_id = m.id
    LEFT JOIN reconciliation_results rr ON rr.member_id = m.id
  WHERE t.total > 0 OR (m.eligible AND rr.blocking AND rr.decision IS NULL) OR (m.eligible AND rr.status = 'awaiting')`;

export interface Difference {
  table: RollupTable;
  /** The row's key, as text (day as YYYY-MM-DD). */
  key: Record<string, string>;
  /** Only the counters that differ. */
  counters: Record<string, { stored: number; recounted: number }>;
}

export interface RecountReport {
  /** Stored rows per table. */
  rows: Record<RollupTable, number>;
  differences: Difference[];
  /** The stored counters were replaced by the recount (--fix). */
  fixed: boolean;
}

/** Rows that differ between the counters as they stand (stored + pending) and the recount (a missing row is all zeros). */
async function compare(db: Queryable, rollup: Rollup): Promise<{ rows: number; differences: Difference[] }> {
  const stored = rollup.counters.map((c) => sql`coalesce(s.${sql.ref(c)}, 0)`);
  const recounted = rollup.counters.map((c) => sql`coalesce(r.${sql.ref(c)}, 0)`);
  const keyText = rollup.keys.map((k) => sql`${sql.lit(k)}::text, ${sql.ref(k)}::text`);
  const rows = await sql<{ key: Record<string, string>; counters: Record<string, [number, number]> }>`
    WITH r AS (${RECOUNTS[rollup.table]}), s AS (${effective(rollup.table)}),
    joined AS (
      SELECT ${sql.join(rollup.keys.map((k) => sql`coalesce(r.${sql.ref(k)}, s.${sql.ref(k)}) AS ${sql.ref(k)}`))},
        ${sql.join(rollup.counters.map((c, i) => sql`${stored[i]} AS ${sql.ref(`s_${c}`)}, ${recounted[i]} AS ${sql.ref(`r_${c}`)}`))}
      FROM r FULL JOIN s ON ${sql.join(rollup.keys.map((k) => sql`r.${sql.ref(k)} = s.${sql.ref(k)}`), sql` AND `)})
    SELECT json_build_object(${sql.join(keyText)}) AS key,
      json_build_object(${sql.join(rollup.counters.map((c) => sql`${sql.lit(c)}::text, json_build_array(${sql.ref(`s_${c}`)}, ${sql.ref(`r_${c}`)})`))}) AS counters
    FROM joined
    WHERE ROW(${sql.join(rollup.counters.map((c) => sql.ref(`s_${c}`)))}) IS DISTINCT FROM ROW(${sql.join(rollup.counters.map((c) => sql.ref(`r_${c}`)))})
    ORDER BY ${refs(rollup.keys)}`.execute(db);
  const differences = rows.rows.map((row) => ({
    table: rollup.table,
    key: row.key,
    counters: Object.fromEntries(
      Object.entries(row.counters)
        .filter(([, [s, r]]) => Number(s) !== Number(r))
        .map(([counter, [s, r]]) => [counter, { stored: Number(s), recounted: Number(r) }]),
    ),
  }));
  const storedRows = await sql<{ n: string }>`SELECT count(*) AS n FROM ${sql.table(rollup.table)}`.execute(db);
  return { rows: Number(storedRows.rows[0]!.n), differences };
}

/** Writers of what the counters count wait (SHARE), and so do folds (EXCLUSIVE on what they write); before any query. */
async function holdWritersAndFolds(trx: Queryable): Promise<void> {
  await sql`LOCK TABLE organisations, members, dossiers, reconciliation_results, schedule_plans, appointments IN SHARE MODE`.execute(trx);
  await sql`LOCK TABLE progress_pending, progress_units IN EXCLUSIVE MODE`.execute(trx);
}

/**
 * Replaces every counter, `progress_members` and what is pending by a recount from the sources. The caller holds
 * writers and folds off (see recountProgress) or has the database to itself (a bulk load).
 */
export async function rebuildProgress(trx: Queryable): Promise<void> {
  await sql`DELETE FROM progress_pending`.execute(trx);
  await sql`DELETE FROM progress_members`.execute(trx);
  await sql`INSERT INTO progress_members (member_id, organisation_id, live, total, stage, open, awaiting) ${MEMBERS}`.execute(trx);
  for (const rollup of ROLLUPS) {
    const columns = refs([...rollup.keys, ...rollup.counters]);
    await sql`DELETE FROM ${sql.table(rollup.table)}`.execute(trx);
    await sql`INSERT INTO ${sql.table(rollup.table)} (${columns}) SELECT ${columns} FROM (${RECOUNTS[rollup.table]}) r`.execute(trx);
  }
}

/**
 * Compares every stored counter with its recount, in one snapshot (repeatable read: writes meanwhile show in neither).
 * With `fix`, writers are held off (SHARE locks on the source tables) while the counters are replaced by the recount.
 */
export async function recountProgress(db: Db, options: { fix?: boolean } = {}): Promise<RecountReport> {
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (trx) => {
      if (options.fix) {
        // Locks before the first query, which takes the snapshot: a fold under way finishes first, and is seen.
        await holdWritersAndFolds(trx);
      }
      const rows = {} as RecountReport['rows'];
      const differences: Difference[] = [];
      for (const rollup of ROLLUPS) {
        const compared = await compare(trx, rollup);
        rows[rollup.table] = compared.rows;
        differences.push(...compared.differences);
      }
      const fixed = Boolean(options.fix) && differences.length > 0;
      if (fixed) await rebuildProgress(trx);
      return { rows, differences, fixed };
    });
}

/**
 * Counts everything once for a database whose counters were never computed (created before migration 0016, or new):
 * the same rebuild as `recount --fix`, under the same locks, then marked done (progress_state). Cheap when empty;
 * one pass over members and dossiers after an upgrade. Every opening of the app asks.
 */
export async function ensureProgressCounted(db: Db): Promise<void> {
  const done = await sql`SELECT FROM progress_state`.execute(db);
  if (done.rows.length > 0) return;
  await db.transaction().execute(async (trx) => {
    await holdWritersAndFolds(trx);
    await sql`LOCK TABLE progress_state IN EXCLUSIVE MODE`.execute(trx);
    // Another process may have done it while this one waited for the locks.
    if ((await sql`SELECT FROM progress_state`.execute(trx)).rows.length > 0) return;
    await rebuildProgress(trx);
    await sql`INSERT INTO progress_state (counted_at) VALUES (now())`.execute(trx);
  });
}
