-- Issue 6: the fold without reading the dossiers of members that only gained dossiers since the last fold (the
-- submissions, nearly all of it): their vector is the one counted plus the new rows (counts add up; the furthest stage
-- is the larger of the two). A member with a version gone (a review, a return, a removal) or marked (moved, its
-- eligibility or cross-check changed) is read from its dossiers as before. Every committed dossier of a member was
-- either counted by a fold (its vector is in progress_members) or is pending in the same snapshot, so both agree.
CREATE OR REPLACE FUNCTION progress_pending_members()
RETURNS TABLE (member_id bigint, org0 bigint, org1 bigint, live0 integer, total0 integer, stage0 integer, open0 boolean,
  awaiting0 boolean, live1 integer, total1 integer, stage1 integer, open1 boolean, awaiting1 boolean)
LANGUAGE sql STABLE AS $$
  WITH added AS (
    SELECT p.member_id, bool_and(p.sign = 1) AS only_added, (count(*) FILTER (WHERE p.state <> 'returned'))::int AS live,
      count(*)::int AS total, coalesce(max(progress_stage(p.state)), 0) AS stage
    FROM progress_pending p GROUP BY p.member_id)
  SELECT t.member_id, t.org0, t.org1, t.live0, t.total0, t.stage0, t.open0, t.awaiting0,
    CASE WHEN a.only_added THEN t.live0 + a.live ELSE d.live END,
    CASE WHEN a.only_added THEN t.total0 + a.total ELSE d.total END,
    CASE WHEN a.only_added THEN greatest(t.stage0, a.stage) ELSE d.stage END,
    CASE WHEN a.only_added THEN t.open0 ELSE coalesce(t.eligible1 AND rr.blocking AND rr.decision IS NULL, false) END,
    CASE WHEN a.only_added THEN t.awaiting0 ELSE coalesce(t.eligible1 AND rr.status = 'awaiting', false) END
  FROM progress_pending_member_units() t
    JOIN added a ON a.member_id = t.member_id
    LEFT JOIN LATERAL (SELECT rr.* FROM reconciliation_results rr WHERE rr.member_id = t.member_id AND NOT a.only_added) rr ON true
    LEFT JOIN LATERAL (SELECT (count(*) FILTER (WHERE x.state <> 'returned'))::int AS live, count(*)::int AS total,
      coalesce(max(progress_stage(x.state)), 0) AS stage FROM dossiers x WHERE x.member_id = t.member_id AND NOT a.only_added) d ON true $$;
