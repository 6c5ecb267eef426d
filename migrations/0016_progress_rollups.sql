-- Issue 6: progress counters kept in the same transaction as every change they count (decision 0016), so a dashboard
-- reads a few rows and never scans members or dossiers. `doithe progress recount` recomputes them from the sources.
--
-- progress_units holds the totals of each organisation's whole SUBTREE: a change to a member updates the row of its
-- cell and of every ancestor (the ids in the cell's materialised path). "Children of X with their totals" is then a
-- join of X's children with their rows by primary key. Counts of a unit are of members (a member taken twice counts
-- once); counts of an intake point or mobile team are of dossiers (the work done there).
-- No foreign keys: organisations are never deleted (they are closed), and a key check per upsert would lock them.

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
);

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
);

-- Events per Vietnam day, from the dossier's own timestamps (so a recount finds the same day): dossiers received
-- (received_at), approved and returned (reviewed_at of a dossier in that state).
CREATE TABLE progress_unit_days (
  organisation_id bigint NOT NULL,
  day date NOT NULL,
  dossiers integer NOT NULL DEFAULT 0,
  approved integer NOT NULL DEFAULT 0,
  returned integer NOT NULL DEFAULT 0,
  PRIMARY KEY (organisation_id, day)
);

CREATE TABLE progress_source_days (
  kind text NOT NULL CHECK (kind IN ('point', 'team')),
  source_id bigint NOT NULL,
  day date NOT NULL,
  dossiers integer NOT NULL DEFAULT 0,
  approved integer NOT NULL DEFAULT 0,
  returned integer NOT NULL DEFAULT 0,
  PRIMARY KEY (kind, source_id, day)
);

-- A change to the counters of the members of one cell (path) or to one unit's subtree totals (the path of its parent).
CREATE TYPE progress_unit_delta AS (path text, target int, received int, confirmed int, approved int, ready_to_send int,
  sent int, returned int, conflicts int, open_mismatches int, awaiting_check int);
CREATE TYPE progress_day_delta AS (path text, day date, dossiers int, approved int, returned int);
-- What the counters read of a dossier, of a member and of a cross-check result.
CREATE TYPE progress_dossier AS (id uuid, member_id bigint, point_id bigint, mobile_team_id bigint, state text,
  conflict_with uuid, received_at timestamptz, reviewed_at timestamptz);
CREATE TYPE progress_member AS (id bigint, organisation_id bigint, eligible boolean);
CREATE TYPE progress_result AS (member_id bigint, open boolean, awaiting boolean);

-- How far a dossier went; a returned one counts as not there (0).
CREATE FUNCTION progress_stage(state text) RETURNS int IMMUTABLE LANGUAGE sql AS $$
  SELECT CASE state WHEN 'in_progress' THEN 1 WHEN 'confirmed' THEN 2 WHEN 'approved' THEN 3 WHEN 'ready_to_send' THEN 4
    WHEN 'sent' THEN 5 ELSE 0 END $$;

-- One member's counters, from its eligibility, its dossiers (live = not returned, stage = furthest) and its result.
CREATE FUNCTION progress_member_vector(path text, sign int, eligible boolean, live bigint, total bigint, stage int,
  open boolean, awaiting boolean) RETURNS progress_unit_delta IMMUTABLE LANGUAGE sql AS $$
  SELECT ROW(path, sign * eligible::int, sign * (coalesce(live, 0) > 0)::int, sign * (coalesce(stage, 0) >= 2)::int,
    sign * (coalesce(stage, 0) >= 3)::int, sign * (coalesce(stage, 0) >= 4)::int, sign * (coalesce(stage, 0) >= 5)::int,
    sign * (coalesce(total, 0) > 0 AND coalesce(live, 0) = 0)::int, sign * (coalesce(live, 0) > 1)::int,
    sign * (eligible AND coalesce(open, false))::int, sign * (eligible AND coalesce(awaiting, false))::int)::progress_unit_delta $$;

-- The day events of one dossier (no path: the caller sets it).
CREATE FUNCTION progress_dossier_days(sign int, state text, received_at timestamptz, reviewed_at timestamptz)
  RETURNS SETOF progress_day_delta STABLE LANGUAGE sql AS $$
  SELECT ROW(NULL, (received_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date, sign, 0, 0)::progress_day_delta
  UNION ALL
  SELECT ROW(NULL, (reviewed_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date, 0, sign * (progress_stage(state) >= 3)::int,
    sign * (state = 'returned')::int)::progress_day_delta
  WHERE reviewed_at IS NOT NULL AND (state = 'returned' OR progress_stage(state) >= 3) $$;

-- Concurrency (READ COMMITTED): each statement of a trigger function below reads with a fresh snapshot, so what it
-- reads after taking a lock includes what the lock's holder committed.
-- * The members concerned are locked first (FOR NO KEY UPDATE, in id order; a dossier's foreign key check only takes
--   KEY SHARE): two transactions changing one member's dossiers, eligibility or result count it one after the other.
-- * Paths are read only after ROW EXCLUSIVE on progress_units; a unit move takes EXCLUSIVE, so no counter change is
--   computed on a path that a move is rewriting (moves are rare; dashboards' plain reads are not blocked).
-- PL/pgSQL rather than SQL functions here: their plans are kept for the session (a SQL function is planned anew on
-- every call, which cost a single-dossier write more than the counting itself).
CREATE FUNCTION progress_lock_members(ids bigint[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  LOCK TABLE progress_units IN ROW EXCLUSIVE MODE;
  PERFORM FROM members WHERE id = ANY(ids) ORDER BY id FOR NO KEY UPDATE;
END $$;

-- Adds the deltas to the rows of every unit on their paths. Rows are locked in id order, so two transactions
-- touching the same units cannot deadlock here.
CREATE FUNCTION progress_apply_units(deltas progress_unit_delta[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF cardinality(deltas) = 0 THEN RETURN; END IF;
  INSERT INTO progress_units AS p (organisation_id, target, received, confirmed, approved, ready_to_send, sent, returned,
    conflicts, open_mismatches, awaiting_check)
  SELECT a.id::bigint, sum(d.target), sum(d.received), sum(d.confirmed), sum(d.approved), sum(d.ready_to_send), sum(d.sent),
    sum(d.returned), sum(d.conflicts), sum(d.open_mismatches), sum(d.awaiting_check)
  FROM unnest(deltas) d, unnest(string_to_array(trim(BOTH '/' FROM d.path), '/')) AS a(id)
  GROUP BY a.id::bigint
  HAVING ROW(sum(d.target), sum(d.received), sum(d.confirmed), sum(d.approved), sum(d.ready_to_send), sum(d.sent),
    sum(d.returned), sum(d.conflicts), sum(d.open_mismatches), sum(d.awaiting_check)) <> ROW(0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
  ORDER BY 1
  ON CONFLICT (organisation_id) DO UPDATE SET target = p.target + excluded.target, received = p.received + excluded.received,
    confirmed = p.confirmed + excluded.confirmed, approved = p.approved + excluded.approved,
    ready_to_send = p.ready_to_send + excluded.ready_to_send, sent = p.sent + excluded.sent,
    returned = p.returned + excluded.returned, conflicts = p.conflicts + excluded.conflicts,
    open_mismatches = p.open_mismatches + excluded.open_mismatches, awaiting_check = p.awaiting_check + excluded.awaiting_check;
END $$;

CREATE FUNCTION progress_apply_days(deltas progress_day_delta[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF cardinality(deltas) = 0 THEN RETURN; END IF;
  INSERT INTO progress_unit_days AS p (organisation_id, day, dossiers, approved, returned)
  SELECT a.id::bigint, d.day, sum(d.dossiers), sum(d.approved), sum(d.returned)
  FROM unnest(deltas) d, unnest(string_to_array(trim(BOTH '/' FROM d.path), '/')) AS a(id)
  GROUP BY a.id::bigint, d.day
  HAVING ROW(sum(d.dossiers), sum(d.approved), sum(d.returned)) <> ROW(0, 0, 0)
  ORDER BY 1, 2
  ON CONFLICT (organisation_id, day) DO UPDATE SET dossiers = p.dossiers + excluded.dossiers,
    approved = p.approved + excluded.approved, returned = p.returned + excluded.returned;
END $$;

-- Dossiers changed from `before` to `after` (an insert has no before, a delete no after).
CREATE FUNCTION progress_dossiers_changed(before progress_dossier[], after progress_dossier[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF cardinality(before) = 0 AND cardinality(after) = 0 THEN RETURN; END IF;
  PERFORM progress_lock_members(ARRAY(SELECT member_id FROM unnest(before) UNION SELECT member_id FROM unnest(after)));
  -- The members concerned, as they are now and as they were: only their dossier counters change here (target and
  -- cross-check are the same on both sides, so they are left out).
  PERFORM progress_apply_units(ARRAY(
    WITH touched AS (SELECT member_id FROM unnest(before) UNION SELECT member_id FROM unnest(after)),
    now_rows AS (SELECT d.id, d.member_id, d.state FROM dossiers d WHERE d.member_id IN (SELECT member_id FROM touched)),
    then_rows AS (
      SELECT id, member_id, state FROM now_rows WHERE id NOT IN (SELECT id FROM unnest(after))
      UNION ALL SELECT id, member_id, state FROM unnest(before)),
    sides AS (
      SELECT 1 AS sign, member_id, count(*) FILTER (WHERE state <> 'returned') AS live, count(*) AS total,
        max(progress_stage(state)) AS stage FROM now_rows GROUP BY member_id
      UNION ALL
      SELECT -1, member_id, count(*) FILTER (WHERE state <> 'returned'), count(*), max(progress_stage(state))
      FROM then_rows GROUP BY member_id)
    SELECT progress_member_vector(o.path, s.sign, false, s.live, s.total, s.stage, false, false)
    FROM sides s JOIN members m ON m.id = s.member_id JOIN organisations o ON o.id = m.organisation_id));

  PERFORM progress_apply_days(ARRAY(
    SELECT ROW(o.path, e.day, e.dossiers, e.approved, e.returned)::progress_day_delta
    FROM (SELECT -1 AS sign, * FROM unnest(before) UNION ALL SELECT 1, * FROM unnest(after)) d
    JOIN members m ON m.id = d.member_id JOIN organisations o ON o.id = m.organisation_id,
    progress_dossier_days(d.sign, d.state, d.received_at, d.reviewed_at) e));

  WITH d AS (SELECT -1 AS sign, * FROM unnest(before) UNION ALL SELECT 1, * FROM unnest(after)),
  s AS (SELECT x.kind, x.source_id, d.* FROM d, LATERAL (VALUES ('point', d.point_id), ('team', d.mobile_team_id)) AS x(kind, source_id)
    WHERE x.source_id IS NOT NULL)
  INSERT INTO progress_sources AS p (kind, source_id, received, confirmed, approved, ready_to_send, sent, returned, conflicts)
  SELECT kind, source_id, sum(sign * (state <> 'returned')::int), sum(sign * (progress_stage(state) >= 2)::int),
    sum(sign * (progress_stage(state) >= 3)::int), sum(sign * (progress_stage(state) >= 4)::int),
    sum(sign * (progress_stage(state) >= 5)::int), sum(sign * (state = 'returned')::int),
    sum(sign * (conflict_with IS NOT NULL AND state <> 'returned')::int)
  FROM s GROUP BY kind, source_id ORDER BY 1, 2
  ON CONFLICT (kind, source_id) DO UPDATE SET received = p.received + excluded.received,
    confirmed = p.confirmed + excluded.confirmed, approved = p.approved + excluded.approved,
    ready_to_send = p.ready_to_send + excluded.ready_to_send, sent = p.sent + excluded.sent,
    returned = p.returned + excluded.returned, conflicts = p.conflicts + excluded.conflicts;

  WITH d AS (SELECT -1 AS sign, * FROM unnest(before) UNION ALL SELECT 1, * FROM unnest(after))
  INSERT INTO progress_source_days AS p (kind, source_id, day, dossiers, approved, returned)
  SELECT x.kind, x.source_id, e.day, sum(e.dossiers), sum(e.approved), sum(e.returned)
  FROM d, LATERAL (VALUES ('point', d.point_id), ('team', d.mobile_team_id)) AS x(kind, source_id),
    progress_dossier_days(d.sign, d.state, d.received_at, d.reviewed_at) e
  WHERE x.source_id IS NOT NULL
  GROUP BY 1, 2, 3 HAVING ROW(sum(e.dossiers), sum(e.approved), sum(e.returned)) <> ROW(0, 0, 0) ORDER BY 1, 2, 3
  ON CONFLICT (kind, source_id, day) DO UPDATE SET dossiers = p.dossiers + excluded.dossiers,
    approved = p.approved + excluded.approved, returned = p.returned + excluded.returned;
END $$;

-- Statement-level triggers with transition tables: one call per statement, so a group-commit batch of dossiers (or a
-- COPY of members, or a whole-list cross-check) pays once, not once per row.
CREATE FUNCTION progress_dossiers_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM progress_dossiers_changed('{}', ARRAY(SELECT ROW(n.id, n.member_id, n.point_id, n.mobile_team_id, n.state,
    n.conflict_with, n.received_at, n.reviewed_at)::progress_dossier FROM new_rows n));
  RETURN NULL;
END $$;

-- Transition tables cannot go with a column list (UPDATE OF state…): unrelated updates (the photo check) are
-- filtered out here, by comparing what the counters read.
CREATE FUNCTION progress_dossiers_update() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  changed_old progress_dossier[];
  changed_new progress_dossier[];
BEGIN
  SELECT coalesce(array_agg(ROW(o.id, o.member_id, o.point_id, o.mobile_team_id, o.state, o.conflict_with, o.received_at,
      o.reviewed_at)::progress_dossier), '{}'),
    coalesce(array_agg(ROW(n.id, n.member_id, n.point_id, n.mobile_team_id, n.state, n.conflict_with, n.received_at,
      n.reviewed_at)::progress_dossier), '{}')
  INTO changed_old, changed_new
  FROM old_rows o JOIN new_rows n ON n.id = o.id
  WHERE (o.member_id, o.point_id, o.mobile_team_id, o.state, o.conflict_with, o.received_at, o.reviewed_at)
    IS DISTINCT FROM (n.member_id, n.point_id, n.mobile_team_id, n.state, n.conflict_with, n.received_at, n.reviewed_at);
  PERFORM progress_dossiers_changed(changed_old, changed_new);
  RETURN NULL;
END $$;

CREATE FUNCTION progress_dossiers_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM progress_dossiers_changed(ARRAY(SELECT ROW(o.id, o.member_id, o.point_id, o.mobile_team_id, o.state,
    o.conflict_with, o.received_at, o.reviewed_at)::progress_dossier FROM old_rows o), '{}');
  RETURN NULL;
END $$;

CREATE TRIGGER dossiers_progress_insert AFTER INSERT ON dossiers REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION progress_dossiers_insert();
CREATE TRIGGER dossiers_progress_update AFTER UPDATE ON dossiers REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION progress_dossiers_update();
CREATE TRIGGER dossiers_progress_delete AFTER DELETE ON dossiers REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION progress_dossiers_delete();

-- Members whose unit or eligibility changed: their whole counters leave the old side and join the new one (a member
-- moved between cells takes its dossiers' day events along).
CREATE FUNCTION progress_members_changed(before progress_member[], after progress_member[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF cardinality(before) = 0 AND cardinality(after) = 0 THEN RETURN; END IF;
  PERFORM progress_lock_members(ARRAY(SELECT id FROM unnest(before) UNION SELECT id FROM unnest(after)));
  PERFORM progress_apply_units(ARRAY(
    WITH sides AS (SELECT -1 AS sign, * FROM unnest(before) UNION ALL SELECT 1, * FROM unnest(after)),
    taken AS (
      SELECT d.member_id, count(*) FILTER (WHERE d.state <> 'returned') AS live, count(*) AS total, max(progress_stage(d.state)) AS stage
      FROM dossiers d WHERE d.member_id IN (SELECT id FROM sides) GROUP BY d.member_id)
    SELECT progress_member_vector(o.path, s.sign, s.eligible, t.live, t.total, t.stage, rr.blocking AND rr.decision IS NULL,
      rr.status = 'awaiting')
    FROM sides s JOIN organisations o ON o.id = s.organisation_id
    LEFT JOIN taken t ON t.member_id = s.id
    LEFT JOIN reconciliation_results rr ON rr.member_id = s.id));

  PERFORM progress_apply_days(ARRAY(
    WITH moved AS (SELECT b.id, b.organisation_id AS old_unit, a.organisation_id AS new_unit
      FROM unnest(before) b JOIN unnest(after) a ON a.id = b.id WHERE a.organisation_id <> b.organisation_id)
    SELECT ROW(o.path, e.day, e.dossiers, e.approved, e.returned)::progress_day_delta
    FROM moved mv JOIN dossiers d ON d.member_id = mv.id,
      LATERAL (VALUES (mv.old_unit, -1), (mv.new_unit, 1)) AS side(unit, sign)
      JOIN organisations o ON o.id = side.unit,
      progress_dossier_days(side.sign, d.state, d.received_at, d.reviewed_at) e));
END $$;

-- A new member has no dossier (the key) and no cross-check result (results are written from joins with members):
-- only its eligibility counts, grouped per cell before the ancestors are expanded (an import is one statement).
CREATE FUNCTION progress_members_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  LOCK TABLE progress_units IN ROW EXCLUSIVE MODE;
  PERFORM progress_apply_units(ARRAY(
    SELECT ROW(o.path, c.n, 0, 0, 0, 0, 0, 0, 0, 0, 0)::progress_unit_delta
    FROM (SELECT organisation_id, count(*) AS n FROM new_rows WHERE eligible GROUP BY organisation_id) c
    JOIN organisations o ON o.id = c.organisation_id));
  RETURN NULL;
END $$;

CREATE FUNCTION progress_members_update() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  changed_old progress_member[];
  changed_new progress_member[];
BEGIN
  SELECT coalesce(array_agg(ROW(o.id, o.organisation_id, o.eligible)::progress_member), '{}'),
    coalesce(array_agg(ROW(n.id, n.organisation_id, n.eligible)::progress_member), '{}')
  INTO changed_old, changed_new
  FROM old_rows o JOIN new_rows n ON n.id = o.id
  WHERE (o.organisation_id, o.eligible) IS DISTINCT FROM (n.organisation_id, n.eligible);
  PERFORM progress_members_changed(changed_old, changed_new);
  RETURN NULL;
END $$;

CREATE FUNCTION progress_members_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM progress_members_changed(ARRAY(SELECT ROW(o.id, o.organisation_id, o.eligible)::progress_member FROM old_rows o), '{}');
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

-- Cross-check results: only rows whose "open" or "awaiting" changed count (a whole-list run mostly writes matches).
-- A result of a deleted member finds no member here; the members trigger above has already counted it out.
CREATE FUNCTION progress_results_changed(before progress_result[], after progress_result[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF cardinality(before) = 0 AND cardinality(after) = 0 THEN RETURN; END IF;
  PERFORM progress_lock_members(ARRAY(SELECT member_id FROM unnest(before) UNION SELECT member_id FROM unnest(after)));
  PERFORM progress_apply_units(ARRAY(
    SELECT ROW(o.path, 0, 0, 0, 0, 0, 0, 0, 0, sum(s.sign * s.open::int), sum(s.sign * s.awaiting::int))::progress_unit_delta
    FROM (SELECT -1 AS sign, * FROM unnest(before) UNION ALL SELECT 1, * FROM unnest(after)) s
    JOIN members m ON m.id = s.member_id AND m.eligible JOIN organisations o ON o.id = m.organisation_id
    GROUP BY o.path));
END $$;

CREATE FUNCTION progress_results_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM progress_results_changed('{}', ARRAY(
    SELECT ROW(n.member_id, n.blocking AND n.decision IS NULL, n.status = 'awaiting')::progress_result
    FROM new_rows n WHERE (n.blocking AND n.decision IS NULL) OR n.status = 'awaiting'));
  RETURN NULL;
END $$;

CREATE FUNCTION progress_results_update() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  changed_old progress_result[];
  changed_new progress_result[];
BEGIN
  SELECT coalesce(array_agg(ROW(o.member_id, o.blocking AND o.decision IS NULL, o.status = 'awaiting')::progress_result), '{}'),
    coalesce(array_agg(ROW(n.member_id, n.blocking AND n.decision IS NULL, n.status = 'awaiting')::progress_result), '{}')
  INTO changed_old, changed_new
  FROM old_rows o JOIN new_rows n ON n.member_id = o.member_id
  WHERE (o.blocking AND o.decision IS NULL, o.status = 'awaiting') IS DISTINCT FROM (n.blocking AND n.decision IS NULL, n.status = 'awaiting');
  PERFORM progress_results_changed(changed_old, changed_new);
  RETURN NULL;
END $$;

CREATE FUNCTION progress_results_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM progress_results_changed(ARRAY(
    SELECT ROW(o.member_id, o.blocking AND o.decision IS NULL, o.status = 'awaiting')::progress_result
    FROM old_rows o WHERE (o.blocking AND o.decision IS NULL) OR o.status = 'awaiting'), '{}');
  RETURN NULL;
END $$;

CREATE TRIGGER reconciliation_results_progress_insert AFTER INSERT ON reconciliation_results REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION progress_results_insert();
CREATE TRIGGER reconciliation_results_progress_update AFTER UPDATE ON reconciliation_results
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION progress_results_update();
CREATE TRIGGER reconciliation_results_progress_delete AFTER DELETE ON reconciliation_results REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION progress_results_delete();

-- A unit moved under another parent (one statement rewrites its subtree's paths): its subtree totals, unchanged,
-- leave the ancestors of its old place and join those of the new one. Every moved unit's parent changes only at the
-- top of the moved subtree, so each total moves once.
CREATE FUNCTION progress_organisations_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT FROM old_rows o JOIN new_rows n ON n.id = o.id AND n.parent_id IS DISTINCT FROM o.parent_id) THEN
    RETURN NULL;
  END IF;
  -- Waits for every transaction counting something to finish, and holds new ones off until this one commits.
  LOCK TABLE progress_units IN EXCLUSIVE MODE;
  PERFORM progress_apply_units(ARRAY(
    SELECT ROW(side.path, side.sign * p.target, side.sign * p.received, side.sign * p.confirmed, side.sign * p.approved,
      side.sign * p.ready_to_send, side.sign * p.sent, side.sign * p.returned, side.sign * p.conflicts,
      side.sign * p.open_mismatches, side.sign * p.awaiting_check)::progress_unit_delta
    FROM old_rows o JOIN new_rows n ON n.id = o.id AND n.parent_id IS DISTINCT FROM o.parent_id
    JOIN progress_units p ON p.organisation_id = n.id,
    LATERAL (VALUES (left(o.path, -length(o.id::text) - 1), -1), (left(n.path, -length(n.id::text) - 1), 1)) AS side(path, sign)));
  PERFORM progress_apply_days(ARRAY(
    SELECT ROW(side.path, p.day, side.sign * p.dossiers, side.sign * p.approved, side.sign * p.returned)::progress_day_delta
    FROM old_rows o JOIN new_rows n ON n.id = o.id AND n.parent_id IS DISTINCT FROM o.parent_id
    JOIN progress_unit_days p ON p.organisation_id = n.id,
    LATERAL (VALUES (left(o.path, -length(o.id::text) - 1), -1), (left(n.path, -length(n.id::text) - 1), 1)) AS side(path, sign)));
  RETURN NULL;
END $$;

CREATE TRIGGER organisations_progress_move AFTER UPDATE ON organisations REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION progress_organisations_moved();
