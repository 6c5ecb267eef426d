-- Issue 6: whether the progress counters were ever computed for this database. Migrations 0016 and 0020 create the
-- counter tables empty; a database that already held members and dossiers gets them recounted once, when the app
-- first opens it after the upgrade (src/progress/recount.ts ensureProgressCounted), and this row says it was done.
CREATE TABLE progress_state (
  only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  counted_at timestamptz NOT NULL
);
