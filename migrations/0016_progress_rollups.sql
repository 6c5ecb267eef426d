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

-- How dossier changes are counted (decision 0016): the dossier triggers only append the changed versions to
-- progress_pending (one small INSERT per statement, no shared row touched), and progress_fold() moves them into the
-- counters, regularly from the server and whenever asked. Every read adds what is still pending (the same functions
-- the fold applies), so a dashboard is exact to the last committed dossier whether or not the fold has run.
-- A member's dossier counters are recomputed, not patched: progress_members keeps, per member with dossiers, the unit
-- it was counted under and its vector (live, total, furthest stage); the fold compares it with the member's dossiers
-- now and applies the difference to both units' ancestors (a member moved between cells moves with it).
-- Stages of a dossier: 1 in_progress, 2 confirmed, 3 approved, 4 ready_to_send, 5 sent; a returned dossier counts as
-- not there (0). Day events: received on its received_at's Vietnam day; approved (stage ≥ 3) or returned on its
-- reviewed_at's day.

CREATE TABLE progress_members (
  member_id bigint PRIMARY KEY,
  organisation_id bigint NOT NULL,
  live integer NOT NULL,
  total integer NOT NULL,
  stage integer NOT NULL,
  -- eligible, with a blocking cross-check difference nobody decided on / with its check awaiting the register
  open boolean NOT NULL,
  awaiting boolean NOT NULL
);

-- Dossier versions not yet folded: -1 a version that is gone, +1 the version now; 0 marks a member whose unit,
-- eligibility or cross-check result changed.
CREATE TABLE progress_pending (
  sign smallint NOT NULL,
  member_id bigint NOT NULL,
  point_id bigint,
  mobile_team_id bigint,
  state text,
  conflict_with uuid,
  received_at timestamptz,
  reviewed_at timestamptz
);

CREATE FUNCTION progress_stage(state text) RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE state WHEN 'in_progress' THEN 1 WHEN 'confirmed' THEN 2 WHEN 'approved' THEN 3 WHEN 'ready_to_send' THEN 4
    WHEN 'sent' THEN 5 ELSE 0 END $$;

-- Day events of dossier versions, signed: received on the received_at's Vietnam day; approved (stage ≥ 3) or returned
-- on the reviewed_at's day. Vietnam's day by its fixed offset (UTC+7 since 1975, no summer time; a named zone costs a
-- lookup per value). Plain scans joined by UNION ALL: a LATERAL VALUES list of expressions is set up again for every
-- row, and cost most of the fold.
CREATE FUNCTION progress_pending_events()
RETURNS TABLE (member_id bigint, point_id bigint, mobile_team_id bigint, day date, dossiers integer, approved integer,
  returned integer) LANGUAGE sql STABLE AS $$
  SELECT member_id, point_id, mobile_team_id, (received_at AT TIME ZONE INTERVAL '+07:00')::date, sign, 0, 0
  FROM progress_pending WHERE sign <> 0
  UNION ALL
  SELECT member_id, point_id, mobile_team_id, (reviewed_at AT TIME ZONE INTERVAL '+07:00')::date, 0,
    sign * (state IN ('approved', 'ready_to_send', 'sent'))::int, sign * (state = 'returned')::int
  FROM progress_pending WHERE sign <> 0 AND reviewed_at IS NOT NULL AND state IN ('approved', 'ready_to_send', 'sent', 'returned') $$;

-- Per member with something pending: the unit it was counted under (org0; its unit now when it was never counted),
-- what it was counted (…0, from progress_members) and its unit now (org1; NULL for a member deleted since).
CREATE FUNCTION progress_pending_member_units()
RETURNS TABLE (member_id bigint, org0 bigint, org1 bigint, live0 integer, total0 integer, stage0 integer, open0 boolean,
  awaiting0 boolean, eligible1 boolean) LANGUAGE sql STABLE AS $$
  SELECT t.member_id, coalesce(pm.organisation_id, m.organisation_id), m.organisation_id, coalesce(pm.live, 0),
    coalesce(pm.total, 0), coalesce(pm.stage, 0), coalesce(pm.open, false), coalesce(pm.awaiting, false), m.eligible
  FROM (SELECT DISTINCT member_id FROM progress_pending) t
    LEFT JOIN members m ON m.id = t.member_id
    LEFT JOIN progress_members pm ON pm.member_id = t.member_id $$;

-- … and what it counts now (…1, from its dossiers, read member by member through the index whatever the table's size
-- when the plan was made, and from its cross-check result).
CREATE FUNCTION progress_pending_members()
RETURNS TABLE (member_id bigint, org0 bigint, org1 bigint, live0 integer, total0 integer, stage0 integer, open0 boolean,
  awaiting0 boolean, live1 integer, total1 integer, stage1 integer, open1 boolean, awaiting1 boolean)
LANGUAGE sql STABLE AS $$
  SELECT t.member_id, t.org0, t.org1, t.live0, t.total0, t.stage0, t.open0, t.awaiting0, d.live, d.total, d.stage,
    coalesce(t.eligible1 AND rr.blocking AND rr.decision IS NULL, false), coalesce(t.eligible1 AND rr.status = 'awaiting', false)
  FROM progress_pending_member_units() t
    LEFT JOIN reconciliation_results rr ON rr.member_id = t.member_id,
    LATERAL (SELECT (count(*) FILTER (WHERE x.state <> 'returned'))::int AS live, count(*)::int AS total,
      coalesce(max(progress_stage(x.state)), 0) AS stage FROM dossiers x WHERE x.member_id = t.member_id) d $$;

CREATE FUNCTION progress_pending_units()
RETURNS TABLE (organisation_id bigint, received bigint, confirmed bigint, approved bigint, ready_to_send bigint,
  sent bigint, returned bigint, conflicts bigint, open_mismatches bigint, awaiting_check bigint) LANGUAGE sql STABLE AS $$
  WITH m AS (SELECT * FROM progress_pending_members()
    WHERE (org0, live0, total0, stage0, open0, awaiting0) IS DISTINCT FROM (org1, live1, total1, stage1, open1, awaiting1)),
  sides AS (
    SELECT org0 AS org, -1 AS sign, live0 AS live, total0 AS total, stage0 AS stage, open0 AS open, awaiting0 AS awaiting
    FROM m WHERE org0 IS NOT NULL
    UNION ALL
    SELECT org1, 1, live1, total1, stage1, open1, awaiting1 FROM m WHERE org1 IS NOT NULL),
  cells AS (
    SELECT org, sum(sign * (live > 0)::int) AS received, sum(sign * (stage >= 2)::int) AS confirmed,
      sum(sign * (stage >= 3)::int) AS approved, sum(sign * (stage >= 4)::int) AS ready_to_send,
      sum(sign * (stage >= 5)::int) AS sent, sum(sign * (total > 0 AND live = 0)::int) AS returned,
      sum(sign * (live > 1)::int) AS conflicts, sum(sign * open::int) AS open_mismatches, sum(sign * awaiting::int) AS awaiting_check
    FROM sides GROUP BY org)
  SELECT a.id, sum(c.received), sum(c.confirmed), sum(c.approved), sum(c.ready_to_send), sum(c.sent), sum(c.returned),
    sum(c.conflicts), sum(c.open_mismatches), sum(c.awaiting_check)
  FROM cells c JOIN organisations o ON o.id = c.org, unnest(string_to_array(trim(BOTH '/' FROM o.path), '/')::bigint[]) AS a(id)
  GROUP BY a.id
  HAVING (sum(c.received), sum(c.confirmed), sum(c.approved), sum(c.ready_to_send), sum(c.sent), sum(c.returned),
    sum(c.conflicts), sum(c.open_mismatches), sum(c.awaiting_check)) <> (0, 0, 0, 0, 0, 0, 0, 0, 0) $$;

-- Day events: a member counted where it is gets its pending events there; a member counted elsewhere (moved, or
-- deleted) takes what was counted for it (its events now less those pending) away from there, and its events now to
-- where it is.
CREATE FUNCTION progress_pending_unit_days()
RETURNS TABLE (organisation_id bigint, day date, dossiers bigint, approved bigint, returned bigint) LANGUAGE sql STABLE AS $$
  WITH m AS (SELECT * FROM progress_pending_member_units()),
  moved AS (SELECT * FROM m WHERE org0 IS DISTINCT FROM org1),
  now_ AS (
    SELECT d.member_id, (d.received_at AT TIME ZONE INTERVAL '+07:00')::date AS day, 1 AS dossiers, 0 AS approved, 0 AS returned
    FROM moved JOIN dossiers d ON d.member_id = moved.member_id
    UNION ALL
    SELECT d.member_id, (d.reviewed_at AT TIME ZONE INTERVAL '+07:00')::date, 0, (d.state IN ('approved', 'ready_to_send', 'sent'))::int,
      (d.state = 'returned')::int
    FROM moved JOIN dossiers d ON d.member_id = moved.member_id
    WHERE d.reviewed_at IS NOT NULL AND d.state IN ('approved', 'ready_to_send', 'sent', 'returned')),
  events AS (
    SELECT CASE WHEN m.org0 IS NOT DISTINCT FROM m.org1 THEN m.org1 ELSE m.org0 END AS org, e.day, e.dossiers, e.approved, e.returned
    FROM progress_pending_events() e JOIN m USING (member_id)
    UNION ALL
    SELECT moved.org0, e.day, -e.dossiers, -e.approved, -e.returned FROM now_ e JOIN moved USING (member_id)
    UNION ALL
    SELECT moved.org1, e.day, e.dossiers, e.approved, e.returned FROM now_ e JOIN moved USING (member_id)),
  cells AS (SELECT org, day, sum(dossiers) AS dossiers, sum(approved) AS approved, sum(returned) AS returned FROM events
    WHERE org IS NOT NULL GROUP BY org, day)
  SELECT a.id, c.day, sum(c.dossiers), sum(c.approved), sum(c.returned)
  FROM cells c JOIN organisations o ON o.id = c.org, unnest(string_to_array(trim(BOTH '/' FROM o.path), '/')::bigint[]) AS a(id)
  GROUP BY a.id, c.day HAVING (sum(c.dossiers), sum(c.approved), sum(c.returned)) <> (0, 0, 0) $$;

CREATE FUNCTION progress_pending_sources()
RETURNS TABLE (kind text, source_id bigint, received bigint, confirmed bigint, approved bigint, ready_to_send bigint,
  sent bigint, returned bigint, conflicts bigint) LANGUAGE sql STABLE AS $$
  WITH x AS (
    SELECT 'point' AS kind, point_id AS source_id, sign, state, conflict_with FROM progress_pending WHERE sign <> 0 AND point_id IS NOT NULL
    UNION ALL
    SELECT 'team', mobile_team_id, sign, state, conflict_with FROM progress_pending WHERE sign <> 0 AND mobile_team_id IS NOT NULL)
  SELECT kind, source_id, sum(sign * (state <> 'returned')::int), sum(sign * (progress_stage(state) >= 2)::int),
    sum(sign * (progress_stage(state) >= 3)::int), sum(sign * (progress_stage(state) >= 4)::int),
    sum(sign * (state = 'sent')::int), sum(sign * (state = 'returned')::int),
    sum(sign * (conflict_with IS NOT NULL AND state <> 'returned')::int)
  FROM x GROUP BY kind, source_id $$;

CREATE FUNCTION progress_pending_source_days()
RETURNS TABLE (kind text, source_id bigint, day date, dossiers bigint, approved bigint, returned bigint) LANGUAGE sql STABLE AS $$
  WITH e AS (SELECT * FROM progress_pending_events()),
  x AS (
    SELECT 'point' AS kind, point_id AS source_id, day, dossiers, approved, returned FROM e WHERE point_id IS NOT NULL
    UNION ALL
    SELECT 'team', mobile_team_id, day, dossiers, approved, returned FROM e WHERE mobile_team_id IS NOT NULL)
  SELECT kind, source_id, day, sum(dossiers), sum(approved), sum(returned) FROM x
  GROUP BY kind, source_id, day HAVING (sum(dossiers), sum(approved), sum(returned)) <> (0, 0, 0) $$;

-- Moves what is pending into the counters, in one statement (one snapshot: the pending rows it deletes are exactly
-- those the functions read). One fold at a time; rows upserted in key order. Returns how many pending rows it took.
CREATE FUNCTION progress_fold() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  taken bigint;
BEGIN
  IF NOT EXISTS (SELECT FROM progress_pending) THEN RETURN 0; END IF;
  PERFORM pg_advisory_xact_lock(hashtext('doithe.progress_fold'));
  LOCK TABLE progress_units IN ROW EXCLUSIVE MODE;
  WITH gone AS (DELETE FROM progress_pending RETURNING 1),
  m AS MATERIALIZED (SELECT * FROM progress_pending_members()),
  kept AS (
    INSERT INTO progress_members AS p (member_id, organisation_id, live, total, stage, open, awaiting)
    SELECT member_id, org1, live1, total1, stage1, open1, awaiting1 FROM m
    WHERE org1 IS NOT NULL AND (total1 > 0 OR open1 OR awaiting1) ORDER BY member_id
    ON CONFLICT (member_id) DO UPDATE SET organisation_id = excluded.organisation_id, live = excluded.live,
      total = excluded.total, stage = excluded.stage, open = excluded.open, awaiting = excluded.awaiting),
  dropped AS (
    DELETE FROM progress_members p USING m
    WHERE p.member_id = m.member_id AND (m.org1 IS NULL OR NOT (m.total1 > 0 OR m.open1 OR m.awaiting1))),
  units AS (
    INSERT INTO progress_units AS p (organisation_id, received, confirmed, approved, ready_to_send, sent, returned, conflicts,
      open_mismatches, awaiting_check)
    SELECT * FROM progress_pending_units() ORDER BY 1
    ON CONFLICT (organisation_id) DO UPDATE SET received = p.received + excluded.received,
      confirmed = p.confirmed + excluded.confirmed, approved = p.approved + excluded.approved,
      ready_to_send = p.ready_to_send + excluded.ready_to_send, sent = p.sent + excluded.sent,
      returned = p.returned + excluded.returned, conflicts = p.conflicts + excluded.conflicts,
      open_mismatches = p.open_mismatches + excluded.open_mismatches, awaiting_check = p.awaiting_check + excluded.awaiting_check),
  unit_days AS (
    INSERT INTO progress_unit_days AS p (organisation_id, day, dossiers, approved, returned)
    SELECT * FROM progress_pending_unit_days() ORDER BY 1, 2
    ON CONFLICT (organisation_id, day) DO UPDATE SET dossiers = p.dossiers + excluded.dossiers,
      approved = p.approved + excluded.approved, returned = p.returned + excluded.returned),
  sources AS (
    INSERT INTO progress_sources AS p (kind, source_id, received, confirmed, approved, ready_to_send, sent, returned, conflicts)
    SELECT * FROM progress_pending_sources() ORDER BY 1, 2
    ON CONFLICT (kind, source_id) DO UPDATE SET received = p.received + excluded.received,
      confirmed = p.confirmed + excluded.confirmed, approved = p.approved + excluded.approved,
      ready_to_send = p.ready_to_send + excluded.ready_to_send, sent = p.sent + excluded.sent,
      returned = p.returned + excluded.returned, conflicts = p.conflicts + excluded.conflicts),
  source_days AS (
    INSERT INTO progress_source_days AS p (kind, source_id, day, dossiers, approved, returned)
    SELECT * FROM progress_pending_source_days() ORDER BY 1, 2, 3
    ON CONFLICT (kind, source_id, day) DO UPDATE SET dossiers = p.dossiers + excluded.dossiers,
      approved = p.approved + excluded.approved, returned = p.returned + excluded.returned)
  SELECT count(*) INTO taken FROM gone;
  RETURN taken;
END $$;

-- Targets (eligible members) and unit moves are counted in the statement's own transaction (imports and merges are
-- few, large statements); a changed cross-check result, or a member whose unit or eligibility changed, is marked
-- pending and recomputed by the fold like a dossier change.
-- * Statement-level, with transition tables: one call per statement, not per row; set-based SQL with no parameters, so
--   every statement keeps one generic plan for the session. The update and delete triggers of a table share one body
--   (the rows that changed, `@changes`, signed -1 for what was and +1 for what is), instantiated by the DO block.
-- * A unit's ancestors are the ids of its materialised path; deltas are summed per row and applied by one
--   INSERT … ON CONFLICT DO UPDATE per table, in key order (no deadlock between two counting transactions). Paths are
--   read only after ROW EXCLUSIVE on progress_units; a unit move takes EXCLUSIVE, so no delta is computed on a path a
--   move is rewriting.

DO $migration$
DECLARE
  -- @changes: sign, member_id, point_id, mobile_team_id, state, conflict_with, received_at, reviewed_at
  dossiers_body text := $body$
BEGIN
  INSERT INTO progress_pending (sign, member_id, point_id, mobile_team_id, state, conflict_with, received_at, reviewed_at)
  @changes;
  RETURN NULL;
END $body$;
  dossier_columns text := 'member_id, point_id, mobile_team_id, state, conflict_with, received_at, reviewed_at';

  -- @changes: sign, id, organisation_id, eligible. Members whose unit or eligibility changed, or deleted: their
  -- eligibility leaves the old side and joins the new one here; they are marked pending, so that the fold moves or
  -- recomputes what else they count (where it was counted is in progress_members).
  members_body text := $body$
BEGIN
  IF NOT EXISTS (SELECT FROM (@changes) c) THEN RETURN NULL; END IF;
  LOCK TABLE progress_units IN ROW EXCLUSIVE MODE;
  WITH c AS MATERIALIZED (@changes),
  marked AS (INSERT INTO progress_pending (sign, member_id) SELECT DISTINCT 0, id FROM c)
  INSERT INTO progress_units AS p (organisation_id, target)
  SELECT a.id, sum(c.n)
  FROM (SELECT organisation_id, sum(sign * eligible::int) AS n FROM c GROUP BY organisation_id HAVING sum(sign * eligible::int) <> 0) c
    JOIN organisations o ON o.id = c.organisation_id, unnest(string_to_array(trim(BOTH '/' FROM o.path), '/')::bigint[]) AS a(id)
  GROUP BY a.id HAVING sum(c.n) <> 0 ORDER BY a.id
  ON CONFLICT (organisation_id) DO UPDATE SET target = p.target + excluded.target;
  RETURN NULL;
END $body$;

  -- @changes: member_id — results whose "open" (blocking, undecided) or "awaiting" changed: marked pending for the
  -- fold (which reads the member's eligibility and unit in its own snapshot; no lock needed here).
  results_body text := $body$
BEGIN
  INSERT INTO progress_pending (sign, member_id) SELECT DISTINCT 0, member_id FROM (@changes) c;
  RETURN NULL;
END $body$;

  define text := 'CREATE FUNCTION %I() RETURNS trigger LANGUAGE plpgsql AS %L';
BEGIN
  EXECUTE format(define, 'progress_dossiers_insert', replace(dossiers_body, '@changes',
    format('SELECT 1, %s FROM new_rows', dossier_columns)));
  -- Transition tables cannot go with a column list (UPDATE OF state…): unrelated updates (the photo check) are
  -- filtered out here, by comparing what the counters read.
  EXECUTE format(define, 'progress_dossiers_update', replace(dossiers_body, '@changes', format(
    $sql$SELECT -1, %1$s FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE %3$s
    UNION ALL
    SELECT 1, %2$s FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE %3$s$sql$,
    regexp_replace(dossier_columns, '(\w+)', 'o.\1', 'g'), regexp_replace(dossier_columns, '(\w+)', 'n.\1', 'g'),
    format('(%s) IS DISTINCT FROM (%s)', regexp_replace(dossier_columns, '(\w+)', 'o.\1', 'g'), regexp_replace(dossier_columns, '(\w+)', 'n.\1', 'g')))));
  EXECUTE format(define, 'progress_dossiers_delete', replace(dossiers_body, '@changes',
    format('SELECT -1, %s FROM old_rows', dossier_columns)));

  EXECUTE format(define, 'progress_members_update', replace(members_body, '@changes',
    $sql$SELECT s.sign, s.id, s.organisation_id, s.eligible FROM old_rows o JOIN new_rows n ON n.id = o.id,
      LATERAL (VALUES (-1, o.id, o.organisation_id, o.eligible), (1, n.id, n.organisation_id, n.eligible)) AS s(sign, id, organisation_id, eligible)
    WHERE (o.organisation_id, o.eligible) IS DISTINCT FROM (n.organisation_id, n.eligible)$sql$));
  EXECUTE format(define, 'progress_members_delete', replace(members_body, '@changes',
    'SELECT -1 AS sign, id, organisation_id, eligible FROM old_rows'));

  EXECUTE format(define, 'progress_results_insert', replace(results_body, '@changes',
    $sql$SELECT member_id FROM new_rows WHERE (blocking AND decision IS NULL) OR status = 'awaiting'$sql$));
  EXECUTE format(define, 'progress_results_update', replace(results_body, '@changes',
    $sql$SELECT n.member_id FROM old_rows o JOIN new_rows n ON n.member_id = o.member_id
    WHERE (o.blocking AND o.decision IS NULL, o.status = 'awaiting') IS DISTINCT FROM (n.blocking AND n.decision IS NULL, n.status = 'awaiting')$sql$));
  EXECUTE format(define, 'progress_results_delete', replace(results_body, '@changes',
    $sql$SELECT member_id FROM old_rows WHERE (blocking AND decision IS NULL) OR status = 'awaiting'$sql$));
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
