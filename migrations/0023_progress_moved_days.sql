-- Issue 6: what the fold and the reads compute per pending member is read member by member through the indexes
-- (LATERAL … OFFSET 0), whatever the planner believes of progress_pending's size: its statistics are those of a table
-- emptied every second, and after a bulk change it took ~23,000 rows for 1,024 and scanned the 3.3 million rows of
-- progress_members (≈ 240 ms a read). The same for the dossiers of members counted elsewhere than where they are now
-- (moved, or deleted): almost never any, read by index; each cell's path by its key; the counted members the fold drops
-- by their keys.
CREATE OR REPLACE FUNCTION progress_pending_member_units()
RETURNS TABLE (member_id bigint, org0 bigint, org1 bigint, live0 integer, total0 integer, stage0 integer, open0 boolean,
  awaiting0 boolean, eligible1 boolean) LANGUAGE sql STABLE AS $$
  SELECT t.member_id, coalesce(pm.organisation_id, m.organisation_id), m.organisation_id, coalesce(pm.live, 0),
    coalesce(pm.total, 0), coalesce(pm.stage, 0), coalesce(pm.open, false), coalesce(pm.awaiting, false), m.eligible
  FROM (SELECT DISTINCT member_id FROM progress_pending) t
    LEFT JOIN LATERAL (SELECT m.organisation_id, m.eligible FROM members m WHERE m.id = t.member_id OFFSET 0) m ON true
    LEFT JOIN LATERAL (SELECT pm.* FROM progress_members pm WHERE pm.member_id = t.member_id OFFSET 0) pm ON true $$;

CREATE OR REPLACE FUNCTION progress_pending_unit_days()
RETURNS TABLE (organisation_id bigint, day date, dossiers bigint, approved bigint, returned bigint) LANGUAGE sql STABLE AS $$
  WITH m AS (SELECT * FROM progress_pending_member_units()),
  moved AS (SELECT * FROM m WHERE org0 IS DISTINCT FROM org1),
  now_ AS (
    SELECT moved.member_id, e.day, e.dossiers, e.approved, e.returned
    FROM moved, LATERAL (SELECT d.received_at, d.reviewed_at, d.state FROM dossiers d WHERE d.member_id = moved.member_id OFFSET 0) d,
      LATERAL (SELECT (d.received_at AT TIME ZONE INTERVAL '+07:00')::date AS day, 1 AS dossiers, 0 AS approved, 0 AS returned
        UNION ALL
        SELECT (d.reviewed_at AT TIME ZONE INTERVAL '+07:00')::date, 0, (d.state IN ('approved', 'ready_to_send', 'sent'))::int,
          (d.state = 'returned')::int
        WHERE d.reviewed_at IS NOT NULL AND d.state IN ('approved', 'ready_to_send', 'sent', 'returned')) e),
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
  FROM cells c, LATERAL (SELECT o.path FROM organisations o WHERE o.id = c.org OFFSET 0) o,
    unnest(string_to_array(trim(BOTH '/' FROM o.path), '/')::bigint[]) AS a(id)
  GROUP BY a.id, c.day HAVING (sum(c.dossiers), sum(c.approved), sum(c.returned)) <> (0, 0, 0) $$;

CREATE OR REPLACE FUNCTION progress_pending_units()
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
  FROM cells c, LATERAL (SELECT o.path FROM organisations o WHERE o.id = c.org OFFSET 0) o,
    unnest(string_to_array(trim(BOTH '/' FROM o.path), '/')::bigint[]) AS a(id)
  GROUP BY a.id
  HAVING (sum(c.received), sum(c.confirmed), sum(c.approved), sum(c.ready_to_send), sum(c.sent), sum(c.returned),
    sum(c.conflicts), sum(c.open_mismatches), sum(c.awaiting_check)) <> (0, 0, 0, 0, 0, 0, 0, 0, 0) $$;

CREATE OR REPLACE FUNCTION progress_fold() RETURNS bigint LANGUAGE plpgsql AS $$
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
    DELETE FROM progress_members p
    WHERE p.member_id = ANY(ARRAY(SELECT member_id FROM m WHERE m.org1 IS NULL OR NOT (m.total1 > 0 OR m.open1 OR m.awaiting1)))),
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
