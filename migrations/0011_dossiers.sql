-- Issue 5: the intake dossier (hồ sơ thu nhận) of one member, as submitted by a counter or a mobile team.
CREATE TABLE dossiers (
  -- made by the device before it first tries to send: the idempotency key of the submission
  id uuid PRIMARY KEY,
  member_id bigint NOT NULL REFERENCES members(id),
  point_id bigint REFERENCES intake_points(id),
  mobile_team_id bigint REFERENCES mobile_teams(id),
  state text NOT NULL CHECK (state IN ('in_progress', 'confirmed', 'approved', 'returned', 'ready_to_send', 'sent')),
  -- the declaration and data entry as confirmed, the corrections with their old values, and who did each step when
  data jsonb NOT NULL,
  steps jsonb NOT NULL,
  photo_ref text,
  photo_sha256 text,
  signature_ref text,
  signature_sha256 text,
  -- a replay carries the same payload; another payload under the same key is refused
  payload_sha256 text NOT NULL,
  submitted_by bigint REFERENCES users(id),
  device_id text,
  device_submitted_at timestamptz,
  received_at timestamptz NOT NULL DEFAULT now(),
  -- a second dossier for a member already taken: both are kept and the supervisor decides
  conflict_with uuid REFERENCES dossiers(id),
  return_reason text,
  reviewed_by bigint REFERENCES users(id),
  reviewed_at timestamptz
);
CREATE INDEX dossiers_member_idx ON dossiers (member_id);
CREATE INDEX dossiers_state_idx ON dossiers (state, point_id);
