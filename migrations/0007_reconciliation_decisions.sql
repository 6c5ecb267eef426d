-- Issue 3: a decision on every mismatch, checks awaiting the register, and whole-list runs as jobs.

-- The latest decision on a member's differences. It holds while a re-check finds the same differences;
-- different ones reopen the case (the service clears the decision then).
ALTER TABLE reconciliation_results
  ADD COLUMN decision text CHECK (decision IN ('corrected', 'kept', 'referred')),
  ADD COLUMN decision_reason text,
  ADD COLUMN decided_by bigint REFERENCES users(id),
  ADD COLUMN decided_at timestamptz,
  ADD CONSTRAINT reconciliation_decision_complete CHECK ((decision IS NULL) = (decided_at IS NULL));

-- Open cases (blocking and not decided) are what the screen lists first and what blocks intake confirmation.
CREATE INDEX reconciliation_results_open_idx ON reconciliation_results (member_id) WHERE blocking AND decision IS NULL;

-- One whole-list check of a scope, run as a background job; the screen polls its progress.
CREATE TABLE reconciliation_runs (
  id bigserial PRIMARY KEY,
  organisation_id bigint REFERENCES organisations(id),
  requested_by bigint REFERENCES users(id),
  status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
  total integer NOT NULL DEFAULT 0,
  checked integer NOT NULL DEFAULT 0,
  matched integer NOT NULL DEFAULT 0,
  mismatched integer NOT NULL DEFAULT 0,
  not_found integer NOT NULL DEFAULT 0,
  awaiting integer NOT NULL DEFAULT 0,
  error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  started_at timestamptz,
  finished_at timestamptz
);
