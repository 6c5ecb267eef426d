-- Issue 5: the dossier's steps column holds the whole state-machine record (steps, corrections, transitions).
ALTER TABLE dossiers RENAME COLUMN steps TO record;
