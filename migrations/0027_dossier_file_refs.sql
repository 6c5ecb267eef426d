-- Issue 5 (review): the file sweep asks which of 500 stored files a dossier points at; without these it scanned every
-- dossier for each 500 files (about 22,000 scans every six hours at the nation's scale).
CREATE INDEX dossiers_photo_ref_idx ON dossiers (photo_ref) WHERE photo_ref IS NOT NULL;
CREATE INDEX dossiers_signature_ref_idx ON dossiers (signature_ref) WHERE signature_ref IS NOT NULL;
