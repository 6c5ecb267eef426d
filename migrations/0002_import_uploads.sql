-- Spreadsheets uploaded to the import wizard, kept between preview and commit (deleted on commit or after a day).
CREATE TABLE import_uploads (
  id uuid PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  file_name text NOT NULL,
  content bytea NOT NULL,
  options jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX import_uploads_created_idx ON import_uploads (created_at);
