-- Issue 7 (review): a record the centre cannot make a card from is set aside with the reason instead of stopping every
-- run; a lost or replaced card is produced again from the same record (one live card per dossier, not one ever).
ALTER TABLE centre_records ADD COLUMN production_problem text;
ALTER TABLE cards DROP CONSTRAINT cards_dossier_id_key;
CREATE UNIQUE INDEX cards_dossier_live_idx ON cards (dossier_id) WHERE state <> 'revoked';
CREATE INDEX cards_dossier_idx ON cards (dossier_id);
