-- Issue 7: sending approved dossiers to the Central Organization Committee in signed batches (decision 0018).

-- The province's side: a batch is frozen when prepared (the exact bytes of each dossier's data and the hashes of its
-- files), so a retry sends the very manifest it signed, whatever changes later.
CREATE TABLE send_batches (
  id uuid PRIMARY KEY,
  province_code text NOT NULL REFERENCES provinces(code),
  state text NOT NULL CHECK (state IN ('prepared', 'acknowledged', 'refused')),
  dossiers integer NOT NULL,
  -- the signed manifest (COSE_Sign1 by the province key)
  manifest bytea NOT NULL,
  created_by bigint REFERENCES users(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  attempts integer NOT NULL DEFAULT 0,
  last_error text,
  -- the centre's signed receipt, once acknowledged
  receipt bytea,
  acknowledged_at timestamptz,
  accepted integer,
  conflicts integer
);
CREATE INDEX send_batches_province_idx ON send_batches (province_code, created_at DESC);

CREATE TABLE send_batch_items (
  batch_id uuid NOT NULL REFERENCES send_batches(id) ON DELETE CASCADE,
  seq integer NOT NULL,
  dossier_id uuid NOT NULL REFERENCES dossiers(id),
  data bytea NOT NULL,
  data_sha256 bytea NOT NULL,
  photo_ref text NOT NULL,
  photo_sha256 bytea NOT NULL,
  signature_ref text,
  signature_sha256 bytea,
  PRIMARY KEY (batch_id, seq)
);
CREATE INDEX send_batch_items_dossier_idx ON send_batch_items (dossier_id);

-- What the centre answered about a dossier it did not accept (the member was already sent, by this province or
-- another): shown to the province's supervisor; such a dossier is not sent again.
ALTER TABLE dossiers ADD COLUMN centre_conflict jsonb;

-- The centre's side. Province keys the centre accepts batches from (enrolled by the centre, or by the one-machine
-- setup for its own provinces).
CREATE TABLE centre_province_keys (
  kid text PRIMARY KEY,
  province_code text NOT NULL REFERENCES provinces(code),
  spki bytea NOT NULL,
  enrolled_at timestamptz NOT NULL DEFAULT now(),
  disabled_at timestamptz
);

CREATE TABLE centre_batches (
  id uuid PRIMARY KEY,
  province_code text NOT NULL REFERENCES provinces(code),
  kid text NOT NULL REFERENCES centre_province_keys(kid),
  manifest_sha256 bytea NOT NULL,
  dossiers integer NOT NULL,
  accepted integer NOT NULL,
  conflicts integer NOT NULL,
  -- the batch's files, each piece encrypted on its own (read back by offset)
  content_file text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  receipt bytea NOT NULL
);

CREATE TABLE centre_records (
  dossier_id uuid PRIMARY KEY,
  batch_id uuid NOT NULL REFERENCES centre_batches(id),
  seq integer NOT NULL,
  province_code text NOT NULL,
  personal_id text NOT NULL,
  data jsonb NOT NULL,
  photo_offset bigint NOT NULL,
  photo_length integer NOT NULL,
  signature_offset bigint,
  signature_length integer,
  status text NOT NULL CHECK (status IN ('accepted', 'conflict')),
  -- for a conflict: the dossier accepted before for the same member
  conflict_with uuid,
  received_at timestamptz NOT NULL DEFAULT now()
);
-- One accepted record per member, nationwide: a second one is a conflict returned to its sender.
CREATE UNIQUE INDEX centre_records_member_idx ON centre_records (personal_id) WHERE status = 'accepted';
CREATE INDEX centre_records_batch_idx ON centre_records (batch_id, seq);

-- The centre's issuer keys (the private halves are files under the data directory): the key that signs now has no
-- end; rotation closes its period and adds the next. Published as a key list signed by the root key.
CREATE TABLE issuer_keys (
  kid text PRIMARY KEY,
  spki bytea NOT NULL,
  signs_from timestamptz NOT NULL DEFAULT now(),
  signs_until timestamptz
);
CREATE UNIQUE INDEX issuer_keys_current_idx ON issuer_keys ((true)) WHERE signs_until IS NULL;
