-- Issue 6: the report archive. Each evening the daily report of every unit down to the commune (and grassroots)
-- committees is made and kept as sent up, in both formats; one per unit and day.
CREATE TABLE progress_reports (
  id bigserial PRIMARY KEY,
  organisation_id bigint NOT NULL REFERENCES organisations(id),
  day date NOT NULL,
  generated_at timestamptz NOT NULL,
  pdf bytea NOT NULL,
  xlsx bytea NOT NULL,
  UNIQUE (organisation_id, day)
);
