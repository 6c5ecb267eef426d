-- Issue 3: the latest cross-check of each member against the population register.
CREATE TABLE reconciliation_results (
  member_id bigint PRIMARY KEY REFERENCES members(id) ON DELETE CASCADE,
  status text NOT NULL CHECK (status IN ('matched', 'mismatched', 'not_found', 'awaiting')),
  -- true while a difference in name, date of birth or gender (or absence from the register) awaits a decision
  blocking boolean NOT NULL,
  differences jsonb NOT NULL DEFAULT '[]',
  checked_at timestamptz NOT NULL
);
CREATE INDEX reconciliation_results_status_idx ON reconciliation_results (status) WHERE status <> 'matched';
