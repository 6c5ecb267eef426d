-- Foundation: reference geography, party organisation tree, members, users, sessions, audit, imports.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE provinces (
  code char(2) PRIMARY KEY,
  name text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('tinh', 'thanh_pho'))
);

CREATE TABLE communes (
  code char(5) PRIMARY KEY,
  province_code char(2) NOT NULL REFERENCES provinces(code),
  name text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('xa', 'phuong', 'dac_khu'))
);
CREATE INDEX communes_province_idx ON communes (province_code);

-- Materialised path: '/' || ids joined by '/' || '/'; a subtree is a prefix range (byte order, hence COLLATE "C").
CREATE TABLE organisations (
  id bigserial PRIMARY KEY,
  parent_id bigint REFERENCES organisations(id),
  path text COLLATE "C" NOT NULL,
  depth int NOT NULL,
  name text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('central', 'provincial_committee', 'central_committee', 'commune_committee',
    'grassroots_committee', 'grassroots_cell', 'cell')),
  province_code char(2) REFERENCES provinces(code),
  commune_code char(5) REFERENCES communes(code),
  closed_at timestamptz,
  merged_into bigint REFERENCES organisations(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX organisations_path_idx ON organisations (path);
CREATE INDEX organisations_parent_idx ON organisations (parent_id);
CREATE INDEX organisations_commune_idx ON organisations (commune_code);
CREATE INDEX organisations_name_idx ON organisations (parent_id, lower(name));

CREATE TABLE members (
  id bigserial PRIMARY KEY,
  personal_id char(12) NOT NULL UNIQUE CHECK (personal_id ~ '^[0-9]{12}$'),
  full_name text NOT NULL,
  -- lower case, no diacritics, đ→d: the accent-insensitive search key
  name_folded text COLLATE "C" NOT NULL,
  -- lower case, one tone-mark placement: the key for accent-exact search (see src/common/text.ts)
  name_key text COLLATE "C" NOT NULL,
  date_of_birth date,
  birth_year smallint NOT NULL,
  gender text NOT NULL CHECK (gender IN ('male', 'female')),
  hometown text,
  permanent_address text,
  temporary_address text,
  ethnicity text,
  admitted_on date,
  official_on date,
  party_card_number char(8) CHECK (party_card_number ~ '^[0-9]{8}$'),
  record_number text,
  status text NOT NULL CHECK (status IN ('official', 'probationary', 'moved_out', 'deceased', 'left')),
  organisation_id bigint NOT NULL REFERENCES organisations(id),
  phone text,
  needs_home_visit boolean NOT NULL DEFAULT false,
  eligible boolean GENERATED ALWAYS AS (status = 'official' AND party_card_number IS NOT NULL) STORED,
  version int NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX members_organisation_idx ON members (organisation_id);
CREATE INDEX members_name_sort_idx ON members ((full_name COLLATE "vi-x-icu"), id);
CREATE INDEX members_name_folded_trgm_idx ON members USING gin (name_folded gin_trgm_ops);

CREATE TABLE users (
  id bigserial PRIMARY KEY,
  username text NOT NULL UNIQUE,
  full_name text NOT NULL,
  password_hash text NOT NULL,
  role text NOT NULL CHECK (role IN ('central_admin', 'provincial_admin', 'party_officer', 'intake_officer', 'supervisor', 'inspector')),
  scope_organisation_id bigint REFERENCES organisations(id),
  scope_province_code char(2) REFERENCES provinces(code),
  scope_commune_code char(5) REFERENCES communes(code),
  failed_logins int NOT NULL DEFAULT 0,
  locked_until timestamptz,
  disabled boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE sessions (
  token_hash text PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  csrf_token text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);
CREATE INDEX sessions_user_idx ON sessions (user_id);

-- Append-only; each entry carries the hash of the previous one (see src/audit).
CREATE TABLE audit_log (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT clock_timestamp(),
  actor_id bigint,
  actor text NOT NULL,
  action text NOT NULL,
  entity text NOT NULL,
  entity_id text,
  scope text,
  details jsonb,
  prev_hash text NOT NULL,
  hash text NOT NULL
);
CREATE INDEX audit_log_entity_idx ON audit_log (entity, entity_id);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only';
END $$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
