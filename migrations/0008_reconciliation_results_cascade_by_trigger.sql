-- Issue 3: a whole-list check writes a result for each of up to millions of members in one statement. The foreign key
-- to members checked each new row with a row lock on its member (FOR KEY SHARE), which dirtied every member page and
-- took two thirds of the run. Results are only ever written from a join with members, so what the key still has to
-- guarantee is the cascade when a member is deleted: a statement-level trigger does that, in bulk.
ALTER TABLE reconciliation_results DROP CONSTRAINT reconciliation_results_member_id_fkey;

CREATE FUNCTION reconciliation_results_follow_deleted_members() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM reconciliation_results rr USING deleted d WHERE rr.member_id = d.id;
  RETURN NULL;
END $$;

CREATE TRIGGER members_delete_results AFTER DELETE ON members
  REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION reconciliation_results_follow_deleted_members();

CREATE FUNCTION reconciliation_results_follow_truncated_members() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE reconciliation_results;
  RETURN NULL;
END $$;

CREATE TRIGGER members_truncate_results AFTER TRUNCATE ON members
  FOR EACH STATEMENT EXECUTE FUNCTION reconciliation_results_follow_truncated_members();
