-- Issue 5: the member signed a printed confirmation slip instead of the pad; signature_ref then holds its scan, if any.
ALTER TABLE dossiers ADD COLUMN signature_on_paper boolean NOT NULL DEFAULT false;
