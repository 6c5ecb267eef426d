-- The second dossier of a member points at the first (conflict_with). Without an index, removing or re-keying a
-- dossier makes PostgreSQL's foreign-key check scan every dossier for rows pointing at it; with one, a probe.
CREATE INDEX dossiers_conflict_idx ON dossiers (conflict_with) WHERE conflict_with IS NOT NULL;
