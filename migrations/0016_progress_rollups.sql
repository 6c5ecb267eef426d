-- Issue 6: progress counters kept in the same transaction as every change they count (decision 0016), so a dashboard
-- reads a few rows and never scans members or dossiers. `doithe progress recount` recomputes them from the sources.
--
-- progress_units holds the totals of each organisation's whole SUBTREE: a change to a member updates the row of its
-- cell and of every ancestor (the ids in the cell's materialised path). "Children of X with their totals" is then a
-- join of X's children with their rows by primary key. Counts of a unit are of members (a member taken twice counts
-- once); counts of an intake point or mobile team are of dossiers (the work done there).
-- No foreign keys: organisations are never deleted (they are closed), and a key check per upsert would lock them.
-- Fillfactor 50 on the four tables: the same rows (the root's, the province's, the day's) are rewritten by nearly
-- every counting statement; room on the page keeps those updates HOT (no new primary-key entry per update).

CREATE TABLE progress_units (
  organisation_id bigint PRIMARY KEY,
  -- eligible members
  target integer NOT NULL DEFAULT 0,
  -- members with a dossier that was not returned; then how far the furthest such dossier went (cumulative)
  received integer NOT NULL DEFAULT 0,
  confirmed integer NOT NULL DEFAULT 0,
  approved integer NOT NULL DEFAULT 0,
  ready_to_send integer NOT NULL DEFAULT 0,
  sent integer NOT NULL DEFAULT 0,
  -- members whose every dossier was returned (to be taken again)
  returned integer NOT NULL DEFAULT 0,
  -- members with two or more dossiers not returned (the supervisor must return one)
  conflicts integer NOT NULL DEFAULT 0,
  -- eligible members with a blocking cross-check difference nobody decided on / whose check awaits the register
  open_mismatches integer NOT NULL DEFAULT 0,
  awaiting_check integer NOT NULL DEFAULT 0
) WITH (fillfactor = 50);

CREATE TABLE progress_sources (
  kind text NOT NULL CHECK (kind IN ('point', 'team')),
  source_id bigint NOT NULL,
  received integer NOT NULL DEFAULT 0,
  confirmed integer NOT NULL DEFAULT 0,
  approved integer NOT NULL DEFAULT 0,
  ready_to_send integer NOT NULL DEFAULT 0,
  sent integer NOT NULL DEFAULT 0,
  returned integer NOT NULL DEFAULT 0,
  -- second dossiers of a member (conflict_with set) not returned
  conflicts integer NOT NULL DEFAULT 0,
  PRIMARY KEY (kind, source_id)
) WITH (fillfactor = 50);

-- Events per Vietnam day, from the dossier's own timestamps (so a recount finds the same day): dossiers received
-- (received_at), approved and returned (reviewed_at of a dossier in that state).
CREATE TABLE progress_unit_days (
  organisation_id bigint NOT NULL,
  day date NOT NULL,
  dossiers integer NOT NULL DEFAULT 0,
  approved integer NOT NULL DEFAULT 0,
  returned integer NOT NULL DEFAULT 0,
  PRIMARY KEY (organisation_id, day)
) WITH (fillfactor = 50);

CREATE TABLE progress_source_days (
  kind text NOT NULL CHECK (kind IN ('point', 'team')),
  source_id bigint NOT NULL,
  day date NOT NULL,
  dossiers integer NOT NULL DEFAULT 0,
  approved integer NOT NULL DEFAULT 0,
  returned integer NOT NULL DEFAULT 0,
  PRIMARY KEY (kind, source_id, day)
) WITH (fillfactor = 50);

-- How the triggers below count (decision 0016):
-- * Statement-level, with transition tables: one call per statement, so a group-commit batch of dossiers, a COPY of
--   members or a whole-list cross-check pays once, not once per row.
-- * Each firing is a few set-based statements written straight against the transition tables: no per-row function
--   call, no arrays of composite values, no parameters — so every statement keeps one generic plan for the session.
--   The insert, update and delete triggers of one table share one body (the rows that changed, `@changes`, signed
--   -1 for what was and +1 for what is), instantiated below by the DO block.
-- * A unit's ancestors are the ids of its materialised path; every delta is expanded to them, summed per row of the
--   rollup and applied by one INSERT … ON CONFLICT DO UPDATE per table, in key order (two counting transactions lock
--   the shared rows in the same order and cannot deadlock on them).
-- * A member's unit counters are recomputed, not patched: for the members a statement touched, the vector from their
--   dossiers after the statement and before it (its new rows taken out, its old rows put back), and the difference.
--
-- Concurrency (READ COMMITTED): each statement of a PL/pgSQL trigger reads with a fresh snapshot, so what it reads
-- after taking a lock includes what the lock's holder committed.
-- * Dossiers and cross-check results: the members concerned are locked first (FOR NO KEY UPDATE, in id order; a
--   dossier's foreign key only takes KEY SHARE), so two transactions changing one member's dossiers, eligibility or
--   result count it one after the other. The rollup rows' own locks would not do: a transaction waits on them only
--   after it has read the member's dossiers with its older snapshot. Members' own triggers need no such statement:
--   the UPDATE or DELETE that fired them already holds those rows' locks.
--   A result's counters depend on its member's eligibility and unit, not on the dossiers: there the lock orders the
--   result's writer against an UPDATE or DELETE of the member, whose trigger reads the result (a row lock on the
--   result would not do: a new result has none to wait on). Members are found by index, one probe per member whose
--   flags changed; a whole-list run's matched rows change no flag and cost one pass over the transition table.
-- * Paths are read only after ROW EXCLUSIVE on progress_units; a unit move takes EXCLUSIVE, so no counter change is
--   computed on a path that a move is rewriting (moves are rare; dashboards' plain reads are not blocked).
-- * Stages of a dossier, written inline: 1 in_progress, 2 confirmed, 3 approved, 4 ready_to_send, 5 sent; a returned
--   dossier counts as not there (0). Day events: received on its received_at's Vietnam day; approved (stage ≥ 3) or
--   returned on its reviewed_at's day.

DO $migration$
DECLARE
  -- @changes: sign, id, member_id, point_id, mobile_team_id, state, conflict_with, received_at, reviewed_at
  dossiers_body text := $body$
BEGIN
  PERFORM FROM members WHERE id IN (SELECT member_id FROM (@changes) c) ORDER BY id FOR NO KEY UPDATE;
  IF NOT FOUND THEN RETURN NULL; END IF;
  LOCK TABLE progress_units IN ROW EXCLUSIVE MODE;
  WITH c AS MATERIALIZED (@changes),
  paths AS MATERIALIZED (
    SELECT m.id AS member_id, string_to_array(trim(BOTH '/' FROM o.path), '/')::bigint[] AS units
    FROM members m JOIN organisations o ON o.id = m.organisation_id WHERE m.id IN (SELECT member_id FROM c)),
  -- The touched members' dossiers as they are now (`now_`) and as they were (`then_`: the statement's new rows out,
  -- its old rows back). Read member by member through the index, whatever the table's size when the plan was made.
  r AS (
    SELECT d.member_id, d.state, true AS now_, n.id IS NULL AS then_
    FROM (SELECT DISTINCT member_id FROM c) t,
      LATERAL (SELECT d.id, d.member_id, d.state FROM dossiers d WHERE d.member_id = t.member_id OFFSET 0) d
      LEFT JOIN c n ON n.sign = 1 AND n.id = d.id
    UNION ALL
    SELECT member_id, state, false, true FROM c WHERE sign = -1),
  v AS (
    SELECT member_id,
      count(*) FILTER (WHERE now_ AND stage > 0) AS live1, count(*) FILTER (WHERE now_) AS total1,
      coalesce(max(stage) FILTER (WHERE now_), 0) AS stage1,
      count(*) FILTER (WHERE then_ AND stage > 0) AS live0, count(*) FILTER (WHERE then_) AS total0,
      coalesce(max(stage) FILTER (WHERE then_), 0) AS stage0
    FROM (SELECT r.*, CASE r.state WHEN 'in_progress' THEN 1 WHEN 'confirmed' THEN 2 WHEN 'approved' THEN 3
      WHEN 'ready_to_send' THEN 4 WHEN 'sent' THEN 5 ELSE 0 END AS stage FROM r) r
    GROUP BY member_id),
  u AS (
    SELECT member_id, (live1 > 0)::int - (live0 > 0)::int AS received, (stage1 >= 2)::int - (stage0 >= 2)::int AS confirmed,
      (stage1 >= 3)::int - (stage0 >= 3)::int AS approved, (stage1 >= 4)::int - (stage0 >= 4)::int AS ready_to_send,
      (stage1 >= 5)::int - (stage0 >= 5)::int AS sent,
      (total1 > 0 AND live1 = 0)::int - (total0 > 0 AND live0 = 0)::int AS returned,
      (live1 > 1)::int - (live0 > 1)::int AS conflicts
    FROM v),
  units AS (
    INSERT INTO progress_units AS p (organisation_id, received, confirmed, approved, ready_to_send, sent, returned, conflicts)
    SELECT a.id, sum(u.received), sum(u.confirmed), sum(u.approved), sum(u.ready_to_send), sum(u.sent), sum(u.returned),
      sum(u.conflicts)
    FROM u JOIN paths USING (member_id), unnest(paths.units) AS a(id)
    WHERE (u.received, u.confirmed, u.approved, u.ready_to_send, u.sent, u.returned, u.conflicts) <> (0, 0, 0, 0, 0, 0, 0)
    GROUP BY a.id ORDER BY a.id
    ON CONFLICT (organisation_id) DO UPDATE SET received = p.received + excluded.received,
      confirmed = p.confirmed + excluded.confirmed, approved = p.approved + excluded.approved,
      ready_to_send = p.ready_to_send + excluded.ready_to_send, sent = p.sent + excluded.sent,
      returned = p.returned + excluded.returned, conflicts = p.conflicts + excluded.conflicts),
  e AS (
    SELECT c.member_id, c.point_id, c.mobile_team_id, x.day, x.dossiers, x.approved, x.returned
    FROM c, LATERAL (VALUES ((c.received_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date, c.sign, 0, 0),
      ((c.reviewed_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date, 0,
        c.sign * (c.state IN ('approved', 'ready_to_send', 'sent'))::int, c.sign * (c.state = 'returned')::int))
      AS x(day, dossiers, approved, returned)
    WHERE x.day IS NOT NULL AND (x.dossiers, x.approved, x.returned) <> (0, 0, 0)),
  unit_days AS (
    INSERT INTO progress_unit_days AS p (organisation_id, day, dossiers, approved, returned)
    SELECT a.id, e.day, sum(e.dossiers), sum(e.approved), sum(e.returned)
    FROM e JOIN paths USING (member_id), unnest(paths.units) AS a(id)
    GROUP BY a.id, e.day HAVING (sum(e.dossiers), sum(e.approved), sum(e.returned)) <> (0, 0, 0) ORDER BY a.id, e.day
    ON CONFLICT (organisation_id, day) DO UPDATE SET dossiers = p.dossiers + excluded.dossiers,
      approved = p.approved + excluded.approved, returned = p.returned + excluded.returned),
  sources AS (
    INSERT INTO progress_sources AS p (kind, source_id, received, confirmed, approved, ready_to_send, sent, returned, conflicts)
    SELECT x.kind, x.source_id, sum(c.sign * (c.state <> 'returned')::int),
      sum(c.sign * (c.state IN ('confirmed', 'approved', 'ready_to_send', 'sent'))::int),
      sum(c.sign * (c.state IN ('approved', 'ready_to_send', 'sent'))::int),
      sum(c.sign * (c.state IN ('ready_to_send', 'sent'))::int), sum(c.sign * (c.state = 'sent')::int),
      sum(c.sign * (c.state = 'returned')::int), sum(c.sign * (c.conflict_with IS NOT NULL AND c.state <> 'returned')::int)
    FROM c, LATERAL (VALUES ('point', c.point_id), ('team', c.mobile_team_id)) AS x(kind, source_id)
    WHERE x.source_id IS NOT NULL
    GROUP BY x.kind, x.source_id ORDER BY x.kind, x.source_id
    ON CONFLICT (kind, source_id) DO UPDATE SET received = p.received + excluded.received,
      confirmed = p.confirmed + excluded.confirmed, approved = p.approved + excluded.approved,
      ready_to_send = p.ready_to_send + excluded.ready_to_send, sent = p.sent + excluded.sent,
      returned = p.returned + excluded.returned, conflicts = p.conflicts + excluded.conflicts)
  INSERT INTO progress_source_days AS p (kind, source_id, day, dossiers, approved, returned)
  SELECT x.kind, x.source_id, e.day, sum(e.dossiers), sum(e.approved), sum(e.returned)
  FROM e, LATERAL (VALUES ('point', e.point_id), ('team', e.mobile_team_id)) AS x(kind, source_id)
  WHERE x.source_id IS NOT NULL
  GROUP BY x.kind, x.source_id, e.day HAVING (sum(e.dossiers), sum(e.approved), sum(e.returned)) <> (0, 0, 0)
  ORDER BY x.kind, x.source_id, e.day
  ON CONFLICT (kind, source_id, day) DO UPDATE SET dossiers = p.dossiers + excluded.dossiers,
    approved = p.approved + excluded.approved, returned = p.returned + excluded.returned;
  RETURN NULL;
END $body$;
  dossier_columns text := 'id, member_id, point_id, mobile_team_id, state, conflict_with, received_at, reviewed_at';

  -- @changes: sign, id, organisation_id, eligible. Members whose unit or eligibility changed: their whole counters
  -- leave the old side and join the new one; a member moved between cells takes its dossiers' day events along.
  members_body text := $body$
BEGIN
  IF NOT EXISTS (SELECT FROM (@changes) c) THEN RETURN NULL; END IF;
  LOCK TABLE progress_units IN ROW EXCLUSIVE MODE;
  WITH c AS MATERIALIZED (@changes),
  taken AS (
    SELECT t.id AS member_id, d.live, d.total, d.stage
    FROM (SELECT DISTINCT id FROM c) t, LATERAL (
      SELECT count(*) FILTER (WHERE state <> 'returned') AS live, count(*) AS total,
        coalesce(max(CASE state WHEN 'in_progress' THEN 1 WHEN 'confirmed' THEN 2 WHEN 'approved' THEN 3
          WHEN 'ready_to_send' THEN 4 WHEN 'sent' THEN 5 ELSE 0 END), 0) AS stage
      FROM dossiers d WHERE d.member_id = t.id) d),
  units AS (
    INSERT INTO progress_units AS p (organisation_id, target, received, confirmed, approved, ready_to_send, sent, returned,
      conflicts, open_mismatches, awaiting_check)
    SELECT a.id, sum(c.sign * c.eligible::int), sum(c.sign * (t.live > 0)::int), sum(c.sign * (t.stage >= 2)::int),
      sum(c.sign * (t.stage >= 3)::int), sum(c.sign * (t.stage >= 4)::int), sum(c.sign * (t.stage >= 5)::int),
      sum(c.sign * (t.total > 0 AND t.live = 0)::int), sum(c.sign * (t.live > 1)::int),
      sum(c.sign * (c.eligible AND coalesce(rr.blocking AND rr.decision IS NULL, false))::int),
      sum(c.sign * (c.eligible AND coalesce(rr.status = 'awaiting', false))::int)
    FROM c JOIN taken t ON t.member_id = c.id JOIN organisations o ON o.id = c.organisation_id
      LEFT JOIN reconciliation_results rr ON rr.member_id = c.id,
      unnest(string_to_array(trim(BOTH '/' FROM o.path), '/')::bigint[]) AS a(id)
    GROUP BY a.id
    HAVING (sum(c.sign * c.eligible::int), sum(c.sign * (t.live > 0)::int), sum(c.sign * (t.stage >= 2)::int),
      sum(c.sign * (t.stage >= 3)::int), sum(c.sign * (t.stage >= 4)::int), sum(c.sign * (t.stage >= 5)::int),
      sum(c.sign * (t.total > 0 AND t.live = 0)::int), sum(c.sign * (t.live > 1)::int),
      sum(c.sign * (c.eligible AND coalesce(rr.blocking AND rr.decision IS NULL, false))::int),
      sum(c.sign * (c.eligible AND coalesce(rr.status = 'awaiting', false))::int)) <> (0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    ORDER BY a.id
    ON CONFLICT (organisation_id) DO UPDATE SET target = p.target + excluded.target, received = p.received + excluded.received,
      confirmed = p.confirmed + excluded.confirmed, approved = p.approved + excluded.approved,
      ready_to_send = p.ready_to_send + excluded.ready_to_send, sent = p.sent + excluded.sent,
      returned = p.returned + excluded.returned, conflicts = p.conflicts + excluded.conflicts,
      open_mismatches = p.open_mismatches + excluded.open_mismatches, awaiting_check = p.awaiting_check + excluded.awaiting_check)
  INSERT INTO progress_unit_days AS p (organisation_id, day, dossiers, approved, returned)
  SELECT a.id, x.day, sum(x.dossiers), sum(x.approved), sum(x.returned)
  FROM c JOIN organisations o ON o.id = c.organisation_id JOIN dossiers d ON d.member_id = c.id,
    LATERAL (VALUES ((d.received_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date, c.sign, 0, 0),
      ((d.reviewed_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date, 0,
        c.sign * (d.state IN ('approved', 'ready_to_send', 'sent'))::int, c.sign * (d.state = 'returned')::int))
      AS x(day, dossiers, approved, returned),
    unnest(string_to_array(trim(BOTH '/' FROM o.path), '/')::bigint[]) AS a(id)
  WHERE x.day IS NOT NULL AND (x.dossiers, x.approved, x.returned) <> (0, 0, 0)
    -- only members that changed unit (an eligibility change leaves the day events where they are)
    AND NOT EXISTS (SELECT FROM c other WHERE other.id = c.id AND other.sign = -c.sign AND other.organisation_id = c.organisation_id)
  GROUP BY a.id, x.day HAVING (sum(x.dossiers), sum(x.approved), sum(x.returned)) <> (0, 0, 0) ORDER BY a.id, x.day
  ON CONFLICT (organisation_id, day) DO UPDATE SET dossiers = p.dossiers + excluded.dossiers,
    approved = p.approved + excluded.approved, returned = p.returned + excluded.returned;
  RETURN NULL;
END $body$;

  -- @changes: sign, member_id, open, awaiting — results whose "open" (blocking, undecided) or "awaiting" changed. A
  -- result of a deleted member finds no member here; the members trigger has already counted it out.
  results_body text := $body$
BEGIN
  -- One index probe per member whose flags changed (never a scan of members: a whole-list cross-check writes a
  -- million results, almost all matched, and its transaction plans with nested loops off).
  PERFORM FROM (SELECT DISTINCT member_id FROM (@changes) c ORDER BY member_id) t,
    LATERAL (SELECT FROM members m WHERE m.id = t.member_id FOR NO KEY UPDATE) m;
  IF NOT FOUND THEN RETURN NULL; END IF;
  LOCK TABLE progress_units IN ROW EXCLUSIVE MODE;
  INSERT INTO progress_units AS p (organisation_id, open_mismatches, awaiting_check)
  SELECT a.id, sum(c.sign * c.open::int), sum(c.sign * c.awaiting::int)
  FROM (@changes) c,
    LATERAL (SELECT m.eligible, m.organisation_id FROM members m WHERE m.id = c.member_id OFFSET 0) m
    JOIN organisations o ON o.id = m.organisation_id,
    unnest(string_to_array(trim(BOTH '/' FROM o.path), '/')::bigint[]) AS a(id)
  WHERE m.eligible
  GROUP BY a.id HAVING (sum(c.sign * c.open::int), sum(c.sign * c.awaiting::int)) <> (0, 0) ORDER BY a.id
  ON CONFLICT (organisation_id) DO UPDATE SET open_mismatches = p.open_mismatches + excluded.open_mismatches,
    awaiting_check = p.awaiting_check + excluded.awaiting_check;
  RETURN NULL;
END $body$;
  result_flags text := 'blocking AND decision IS NULL AS open, status = ''awaiting'' AS awaiting';

  define text := 'CREATE FUNCTION %I() RETURNS trigger LANGUAGE plpgsql AS %L';
BEGIN
  EXECUTE format(define, 'progress_dossiers_insert', replace(dossiers_body, '@changes',
    format('SELECT 1 AS sign, %s FROM new_rows', dossier_columns)));
  -- Transition tables cannot go with a column list (UPDATE OF state…): unrelated updates (the photo check) are
  -- filtered out here, by comparing what the counters read.
  EXECUTE format(define, 'progress_dossiers_update', replace(dossiers_body, '@changes', format(
    $sql$SELECT s.* FROM old_rows o JOIN new_rows n ON n.id = o.id,
      LATERAL (VALUES (-1, %1$s), (1, %2$s)) AS s(sign, %3$s)
    WHERE (o.member_id, o.point_id, o.mobile_team_id, o.state, o.conflict_with, o.received_at, o.reviewed_at)
      IS DISTINCT FROM (n.member_id, n.point_id, n.mobile_team_id, n.state, n.conflict_with, n.received_at, n.reviewed_at)$sql$,
    regexp_replace(dossier_columns, '(\w+)', 'o.\1', 'g'), regexp_replace(dossier_columns, '(\w+)', 'n.\1', 'g'), dossier_columns)));
  EXECUTE format(define, 'progress_dossiers_delete', replace(dossiers_body, '@changes',
    format('SELECT -1 AS sign, %s FROM old_rows', dossier_columns)));

  EXECUTE format(define, 'progress_members_update', replace(members_body, '@changes',
    $sql$SELECT s.sign, s.id, s.organisation_id, s.eligible FROM old_rows o JOIN new_rows n ON n.id = o.id,
      LATERAL (VALUES (-1, o.id, o.organisation_id, o.eligible), (1, n.id, n.organisation_id, n.eligible)) AS s(sign, id, organisation_id, eligible)
    WHERE (o.organisation_id, o.eligible) IS DISTINCT FROM (n.organisation_id, n.eligible)$sql$));
  EXECUTE format(define, 'progress_members_delete', replace(members_body, '@changes',
    'SELECT -1 AS sign, id, organisation_id, eligible FROM old_rows'));

  EXECUTE format(define, 'progress_results_insert', replace(results_body, '@changes', format(
    $sql$SELECT 1 AS sign, member_id, %1$s FROM new_rows WHERE (blocking AND decision IS NULL) OR status = 'awaiting'$sql$, result_flags)));
  EXECUTE format(define, 'progress_results_update', replace(results_body, '@changes',
    $sql$SELECT s.sign, s.member_id, s.open, s.awaiting FROM old_rows o JOIN new_rows n ON n.member_id = o.member_id,
      LATERAL (VALUES (-1, o.member_id, o.blocking AND o.decision IS NULL, o.status = 'awaiting'),
        (1, n.member_id, n.blocking AND n.decision IS NULL, n.status = 'awaiting')) AS s(sign, member_id, open, awaiting)
    WHERE (o.blocking AND o.decision IS NULL, o.status = 'awaiting') IS DISTINCT FROM (n.blocking AND n.decision IS NULL, n.status = 'awaiting')$sql$));
  EXECUTE format(define, 'progress_results_delete', replace(results_body, '@changes', format(
    $sql$SELECT -1 AS sign, member_id, %1$s FROM old_rows WHERE (blocking AND decision IS NULL) OR status = 'awaiting'$sql$, result_flags)));
END $migration$;

CREATE TRIGGER dossiers_progress_insert AFTER INSERT ON dossiers REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION progress_dossiers_insert();
CREATE TRIGGER dossiers_progress_update AFTER UPDATE ON dossiers REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION progress_dossiers_update();
CREATE TRIGGER dossiers_progress_delete AFTER DELETE ON dossiers REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION progress_dossiers_delete();

-- A new member has no dossier (the key) and no cross-check result (results are written from joins with members): only
-- its eligibility counts, per cell, then spread to the ancestors, in one statement (an import is one COPY).
CREATE FUNCTION progress_members_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  LOCK TABLE progress_units IN ROW EXCLUSIVE MODE;
  INSERT INTO progress_units AS p (organisation_id, target)
  SELECT a.id, sum(c.n)
  FROM (SELECT organisation_id, count(*) AS n FROM new_rows WHERE eligible GROUP BY organisation_id) c
    JOIN organisations o ON o.id = c.organisation_id, unnest(string_to_array(trim(BOTH '/' FROM o.path), '/')::bigint[]) AS a(id)
  GROUP BY a.id ORDER BY a.id
  ON CONFLICT (organisation_id) DO UPDATE SET target = p.target + excluded.target;
  RETURN NULL;
END $$;

CREATE TRIGGER members_progress_insert AFTER INSERT ON members REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION progress_members_insert();
CREATE TRIGGER members_progress_update AFTER UPDATE ON members REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION progress_members_update();
-- Named to sort before members_delete_results (same-event triggers fire in name order): the member's cross-check
-- counters are taken away while its result still exists.
CREATE TRIGGER members_delete_progress AFTER DELETE ON members REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION progress_members_delete();

CREATE TRIGGER reconciliation_results_progress_insert AFTER INSERT ON reconciliation_results REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION progress_results_insert();
CREATE TRIGGER reconciliation_results_progress_update AFTER UPDATE ON reconciliation_results
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION progress_results_update();
CREATE TRIGGER reconciliation_results_progress_delete AFTER DELETE ON reconciliation_results REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION progress_results_delete();

-- A unit moved under another parent (one statement rewrites its subtree's paths): its subtree totals, unchanged,
-- leave the ancestors of its old place and join those of the new one. Every moved unit's parent changes only at the
-- top of the moved subtree, so each total moves once. (Both statements read the moved units' own rows, which neither
-- writes: a unit is not its own ancestor.)
CREATE FUNCTION progress_organisations_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT FROM old_rows o JOIN new_rows n ON n.id = o.id AND n.parent_id IS DISTINCT FROM o.parent_id) THEN
    RETURN NULL;
  END IF;
  -- Waits for every transaction counting something to finish, and holds new ones off until this one commits.
  LOCK TABLE progress_units IN EXCLUSIVE MODE;
  WITH sides AS (
    SELECT n.id, s.sign, s.units[1:cardinality(s.units) - 1] AS ancestors
    FROM old_rows o JOIN new_rows n ON n.id = o.id AND n.parent_id IS DISTINCT FROM o.parent_id,
      LATERAL (VALUES (-1, string_to_array(trim(BOTH '/' FROM o.path), '/')::bigint[]),
        (1, string_to_array(trim(BOTH '/' FROM n.path), '/')::bigint[])) AS s(sign, units)),
  units AS (
    INSERT INTO progress_units AS p (organisation_id, target, received, confirmed, approved, ready_to_send, sent, returned,
      conflicts, open_mismatches, awaiting_check)
    SELECT a.id, sum(s.sign * t.target), sum(s.sign * t.received), sum(s.sign * t.confirmed), sum(s.sign * t.approved),
      sum(s.sign * t.ready_to_send), sum(s.sign * t.sent), sum(s.sign * t.returned), sum(s.sign * t.conflicts),
      sum(s.sign * t.open_mismatches), sum(s.sign * t.awaiting_check)
    FROM sides s JOIN progress_units t ON t.organisation_id = s.id, unnest(s.ancestors) AS a(id)
    GROUP BY a.id ORDER BY a.id
    ON CONFLICT (organisation_id) DO UPDATE SET target = p.target + excluded.target, received = p.received + excluded.received,
      confirmed = p.confirmed + excluded.confirmed, approved = p.approved + excluded.approved,
      ready_to_send = p.ready_to_send + excluded.ready_to_send, sent = p.sent + excluded.sent,
      returned = p.returned + excluded.returned, conflicts = p.conflicts + excluded.conflicts,
      open_mismatches = p.open_mismatches + excluded.open_mismatches, awaiting_check = p.awaiting_check + excluded.awaiting_check)
  INSERT INTO progress_unit_days AS p (organisation_id, day, dossiers, approved, returned)
  SELECT a.id, t.day, sum(s.sign * t.dossiers), sum(s.sign * t.approved), sum(s.sign * t.returned)
  FROM sides s JOIN progress_unit_days t ON t.organisation_id = s.id, unnest(s.ancestors) AS a(id)
  GROUP BY a.id, t.day HAVING (sum(s.sign * t.dossiers), sum(s.sign * t.approved), sum(s.sign * t.returned)) <> (0, 0, 0)
  ORDER BY a.id, t.day
  ON CONFLICT (organisation_id, day) DO UPDATE SET dossiers = p.dossiers + excluded.dossiers,
    approved = p.approved + excluded.approved, returned = p.returned + excluded.returned;
  RETURN NULL;
END $$;

CREATE TRIGGER organisations_progress_move AFTER UPDATE ON organisations REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION progress_organisations_moved();
