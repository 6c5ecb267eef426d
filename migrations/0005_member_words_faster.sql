-- Cheaper word extraction for member_words: unnest(string_to_array) with an in-array duplicate check
-- instead of regexp_split_to_table + DISTINCT (which sorted every loaded word).
CREATE OR REPLACE FUNCTION member_words_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO member_words (word, sort_key, member_id, name_folded, name_key)
  SELECT w.word, n.sort_key, n.id, n.name_folded, n.name_key
  FROM new_rows n, unnest(string_to_array(n.name_folded, ' ')) WITH ORDINALITY AS w(word, pos)
  WHERE w.word <> '' AND NOT (w.word = ANY ((string_to_array(n.name_folded, ' '))[1:w.pos - 1]));
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION member_words_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM member_words mw USING old_rows o JOIN new_rows n ON n.id = o.id
  WHERE (o.name_folded, o.name_key, o.sort_key) IS DISTINCT FROM (n.name_folded, n.name_key, n.sort_key)
    AND mw.word = ANY (string_to_array(o.name_folded, ' ')) AND mw.sort_key = o.sort_key AND mw.member_id = o.id;
  INSERT INTO member_words (word, sort_key, member_id, name_folded, name_key)
  SELECT w.word, n.sort_key, n.id, n.name_folded, n.name_key
  FROM new_rows n JOIN old_rows o ON o.id = n.id, unnest(string_to_array(n.name_folded, ' ')) WITH ORDINALITY AS w(word, pos)
  WHERE (o.name_folded, o.name_key, o.sort_key) IS DISTINCT FROM (n.name_folded, n.name_key, n.sort_key)
    AND w.word <> '' AND NOT (w.word = ANY ((string_to_array(n.name_folded, ' '))[1:w.pos - 1]));
  RETURN NULL;
END $$;
