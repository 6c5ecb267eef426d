-- Name search by words, in name order, without ICU calls or trigram rechecks (issue 2's 1,000,000-member target).
-- sort_key: byte-comparable Vietnamese collation key computed by the application (src/common/text.ts sortKey).
ALTER TABLE members ADD COLUMN sort_key text COLLATE "C";
-- Rows from before this migration get an approximate key until their next edit.
UPDATE members SET sort_key = name_folded WHERE sort_key IS NULL;
ALTER TABLE members ALTER COLUMN sort_key SET NOT NULL;

DROP INDEX members_name_sort_idx;
DROP INDEX members_name_folded_trgm_idx;
CREATE INDEX members_sort_idx ON members (sort_key, id);

-- One row per distinct folded word of each member's name; ordered by (word, sort_key) so one word's members
-- come out in name order and a search can stop after a page.
CREATE TABLE member_words (
  word text COLLATE "C" NOT NULL,
  sort_key text COLLATE "C" NOT NULL,
  member_id bigint NOT NULL,
  name_folded text COLLATE "C" NOT NULL,
  name_key text COLLATE "C" NOT NULL
);
CREATE INDEX member_words_idx ON member_words (word, sort_key, member_id) INCLUDE (name_folded, name_key);

INSERT INTO member_words (word, sort_key, member_id, name_folded, name_key)
SELECT DISTINCT w, m.sort_key, m.id, m.name_folded, m.name_key FROM members m, regexp_split_to_table(m.name_folded, ' ') AS w WHERE w <> '';

-- Statement-level triggers with transition tables: one INSERT … SELECT per COPY or UPDATE, not one per row.
CREATE FUNCTION member_words_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO member_words (word, sort_key, member_id, name_folded, name_key)
  SELECT DISTINCT w, n.sort_key, n.id, n.name_folded, n.name_key
  FROM new_rows n, regexp_split_to_table(n.name_folded, ' ') AS w WHERE w <> '';
  RETURN NULL;
END $$;

CREATE FUNCTION member_words_remove() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM member_words mw USING old_rows o
  WHERE mw.word = ANY (string_to_array(o.name_folded, ' ')) AND mw.sort_key = o.sort_key AND mw.member_id = o.id;
  RETURN NULL;
END $$;

CREATE FUNCTION member_words_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM member_words mw USING old_rows o JOIN new_rows n ON n.id = o.id
  WHERE (o.name_folded, o.name_key, o.sort_key) IS DISTINCT FROM (n.name_folded, n.name_key, n.sort_key)
    AND mw.word = ANY (string_to_array(o.name_folded, ' ')) AND mw.sort_key = o.sort_key AND mw.member_id = o.id;
  INSERT INTO member_words (word, sort_key, member_id, name_folded, name_key)
  SELECT DISTINCT w, n.sort_key, n.id, n.name_folded, n.name_key
  FROM new_rows n JOIN old_rows o ON o.id = n.id, regexp_split_to_table(n.name_folded, ' ') AS w
  WHERE (o.name_folded, o.name_key, o.sort_key) IS DISTINCT FROM (n.name_folded, n.name_key, n.sort_key) AND w <> '';
  RETURN NULL;
END $$;

CREATE TRIGGER members_words_insert AFTER INSERT ON members REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION member_words_add();
CREATE TRIGGER members_words_update AFTER UPDATE ON members REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION member_words_change();
CREATE TRIGGER members_words_delete AFTER DELETE ON members REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION member_words_remove();

CREATE FUNCTION member_words_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE member_words;
  RETURN NULL;
END $$;
CREATE TRIGGER members_words_truncate AFTER TRUNCATE ON members FOR EACH STATEMENT EXECUTE FUNCTION member_words_truncate();
