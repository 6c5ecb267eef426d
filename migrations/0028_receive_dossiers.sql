-- Issue 5 (decision 0015, addendum 4): a batch of received dossiers and their audit entries in one call, one round trip
-- (it took five: begin, the chain's head, the dossiers, the audit entries, commit).
--
-- `batch` is a JSON array of dossier rows (the columns below) each with its audit entry prepared by the server
-- (audit/store.ts `entryAroundHole`): the entry's columns, and its canonical text cut where the one value known only
-- here goes, the dossier's conflict (`conflict_with`, found by the insert). The chain is the server's own rule
-- (audit/domain.ts entryHash): hash = hex(SHA-256(prev_hash || '\n' || canonical text)), after the newest entry, under
-- the same advisory lock as every other appender. `doithe audit verify` checks these entries like any others.
-- A key already taken is skipped (ON CONFLICT DO NOTHING) and gets no entry. Answers the inserted rows.
CREATE FUNCTION receive_dossiers(batch jsonb)
RETURNS TABLE (id uuid, member_id bigint, state text, conflict_with uuid, received_at timestamptz)
LANGUAGE plpgsql VOLATILE AS $$
#variable_conflict use_column
DECLARE
  prev text;
  inserted_rows jsonb;
  r record;
  next_hash text;
BEGIN
  -- The dossiers first, then the audit lock: the order of every other writer (a change, its triggers' counters, then
  -- its audit entry). The other order deadlocked with a review running beside a batch.
  WITH input AS (
    SELECT * FROM jsonb_to_recordset(batch) AS u(
      id uuid, member_id bigint, point_id bigint, mobile_team_id bigint, state text, data jsonb, record jsonb, photo_ref text,
      photo_sha256 text, signature_ref text, signature_sha256 text, signature_on_paper boolean, payload_sha256 text,
      submitted_by bigint, device_id text, device_submitted_at timestamptz,
      audit_at timestamptz, audit_actor_id bigint, audit_actor text, audit_entity_id text, audit_scope text, audit_member_id text,
      audit_before text, audit_after text)
  ), inserted AS (
    INSERT INTO dossiers AS d (id, member_id, point_id, mobile_team_id, state, data, record, photo_ref, photo_sha256, signature_ref,
      signature_sha256, signature_on_paper, payload_sha256, submitted_by, device_id, device_submitted_at, conflict_with)
    SELECT i.id, i.member_id, i.point_id, i.mobile_team_id, i.state, i.data, i.record, i.photo_ref, i.photo_sha256,
      i.signature_ref, i.signature_sha256, coalesce(i.signature_on_paper, false), i.payload_sha256, i.submitted_by, i.device_id,
      i.device_submitted_at,
      -- A member taken before (in an earlier transaction: a batch holds one dossier a member) is this one's conflict.
      (SELECT e.id FROM dossiers e WHERE e.member_id = i.member_id ORDER BY e.received_at LIMIT 1)
    FROM input i
    ON CONFLICT ON CONSTRAINT dossiers_pkey DO NOTHING
    RETURNING d.id, d.member_id, d.state, d.conflict_with, d.received_at
  )
  SELECT coalesce(jsonb_agg(jsonb_build_object('id', n.id, 'member_id', n.member_id, 'state', n.state, 'conflict_with', n.conflict_with,
      'received_at', n.received_at, 'audit_at', i.audit_at, 'audit_actor_id', i.audit_actor_id, 'audit_actor', i.audit_actor,
      'audit_entity_id', i.audit_entity_id, 'audit_scope', i.audit_scope, 'audit_member_id', i.audit_member_id,
      'audit_before', i.audit_before, 'audit_after', i.audit_after)), '[]')
  INTO inserted_rows
  FROM inserted n JOIN input i ON i.id = n.id;

  PERFORM pg_advisory_xact_lock(7242002);
  -- A statement of its own after the lock: a volatile function's statement sees what committed before it began.
  SELECT a.hash INTO prev FROM audit_log a ORDER BY a.id DESC LIMIT 1;
  prev := coalesce(prev, repeat('0', 64));
  FOR r IN
    SELECT * FROM jsonb_to_recordset(inserted_rows) AS x(id uuid, member_id bigint, state text, conflict_with uuid, received_at timestamptz,
      audit_at timestamptz, audit_actor_id bigint, audit_actor text, audit_entity_id text, audit_scope text, audit_member_id text,
      audit_before text, audit_after text)
  LOOP
    next_hash := encode(sha256(convert_to(
      prev || E'\n' || r.audit_before || coalesce(to_json(r.conflict_with::text)::text, 'null') || r.audit_after, 'UTF8')), 'hex');
    INSERT INTO audit_log (at, actor_id, actor, action, entity, entity_id, scope, details, prev_hash, hash)
    VALUES (r.audit_at, r.audit_actor_id, r.audit_actor, 'dossier.submit', 'dossier', r.audit_entity_id, r.audit_scope,
      jsonb_build_object('memberId', r.audit_member_id, 'conflictWith', r.conflict_with::text), prev, next_hash);
    prev := next_hash;
    id := r.id;
    member_id := r.member_id;
    state := r.state;
    conflict_with := r.conflict_with;
    received_at := r.received_at;
    RETURN NEXT;
  END LOOP;
END $$;
