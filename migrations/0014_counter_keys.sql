-- Issue 5: the key that encrypts what a user's counter keeps on the device (day list, outbox). It never leaves the
-- server except to that user's signed-in browser, which holds it in memory only.
CREATE TABLE counter_keys (
  user_id bigint PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  key bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
