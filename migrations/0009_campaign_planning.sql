-- Issue 4: campaigns, intake points with their capacity, mobile teams, plans, appointments and the notice outbox.

-- A campaign covers the eligible members below one organisation (a provincial or central-level committee) and uses
-- the intake points of one province.
CREATE TABLE campaigns (
  id bigserial PRIMARY KEY,
  name text NOT NULL,
  organisation_id bigint NOT NULL REFERENCES organisations(id),
  province_code char(2) NOT NULL REFERENCES provinces(code),
  start_date date NOT NULL,
  deadline date NOT NULL,
  holidays date[] NOT NULL DEFAULT '{}',
  created_by bigint REFERENCES users(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT campaign_deadline_after_start CHECK (deadline >= start_date)
);

-- A place where members come to have their record taken. It outlives a campaign, so it belongs to a province.
CREATE TABLE intake_points (
  id bigserial PRIMARY KEY,
  name text NOT NULL,
  province_code char(2) NOT NULL REFERENCES provinces(code),
  commune_code char(5) NOT NULL REFERENCES communes(code),
  address text,
  operator text NOT NULL CHECK (operator IN ('provincial', 'commune')),
  closed_on date[] NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX intake_points_province_idx ON intake_points (province_code);

-- A point's capacity settings from a day on: a change never rewrites days already planned or done.
CREATE TABLE intake_point_settings (
  point_id bigint NOT NULL REFERENCES intake_points(id) ON DELETE CASCADE,
  effective_from date NOT NULL,
  kits integer NOT NULL CHECK (kits >= 0),
  records_per_kit_hour numeric(6, 2) NOT NULL CHECK (records_per_kit_hour > 0),
  shifts jsonb NOT NULL,
  open_weekdays smallint[] NOT NULL,
  PRIMARY KEY (point_id, effective_from)
);

CREATE TABLE mobile_teams (
  id bigserial PRIMARY KEY,
  name text NOT NULL,
  province_code char(2) NOT NULL REFERENCES provinces(code),
  commune_codes char(5)[] NOT NULL,
  visits_per_day integer NOT NULL CHECK (visits_per_day > 0)
);

-- One run of the scheduler for a campaign; the latest published one is what members were told.
CREATE TABLE schedule_plans (
  id bigserial PRIMARY KEY,
  campaign_id bigint NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
  status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'superseded')),
  finish_date date,
  lower_bound_date date,
  feasible boolean NOT NULL,
  advice jsonb NOT NULL DEFAULT '[]',
  unplaceable jsonb NOT NULL DEFAULT '[]',
  cross_commune_members integer NOT NULL DEFAULT 0,
  changed_appointments integer NOT NULL DEFAULT 0,
  created_by bigint REFERENCES users(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  published_at timestamptz
);
CREATE INDEX schedule_plans_campaign_idx ON schedule_plans (campaign_id, id DESC);

CREATE TABLE appointments (
  id bigserial PRIMARY KEY,
  plan_id bigint NOT NULL REFERENCES schedule_plans(id) ON DELETE CASCADE,
  cell_id bigint NOT NULL REFERENCES organisations(id),
  point_id bigint NOT NULL REFERENCES intake_points(id),
  day date NOT NULL,
  shift text NOT NULL CHECK (shift IN ('morning', 'afternoon', 'evening')),
  members integer NOT NULL CHECK (members > 0),
  -- confirmed (or done) appointments are locked: a re-plan keeps them as they are
  locked boolean NOT NULL DEFAULT false
);
CREATE INDEX appointments_plan_idx ON appointments (plan_id, point_id, day, shift);
CREATE INDEX appointments_cell_idx ON appointments (cell_id);

CREATE TABLE home_visit_runs (
  id bigserial PRIMARY KEY,
  plan_id bigint NOT NULL REFERENCES schedule_plans(id) ON DELETE CASCADE,
  team_id bigint NOT NULL REFERENCES mobile_teams(id),
  day date NOT NULL,
  commune_code char(5) NOT NULL,
  member_ids bigint[] NOT NULL
);

-- Notices waiting to be sent; the sending channel is an interface, and the default channel is this table.
CREATE TABLE notice_outbox (
  id bigserial PRIMARY KEY,
  plan_id bigint NOT NULL REFERENCES schedule_plans(id) ON DELETE CASCADE,
  cell_id bigint NOT NULL REFERENCES organisations(id),
  short_text text NOT NULL,
  long_text text NOT NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
  created_at timestamptz NOT NULL DEFAULT now(),
  sent_at timestamptz
);
