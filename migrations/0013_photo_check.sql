-- Issue 5: the server's own check of a dossier's photo (face, pose, size, light, sharpness), done after receipt by a
-- background job. NULL = not checked yet; otherwise {"ok": bool, "issues": [{"code": "photo.no_face"}, ...], "checkedAt": ISO}.
ALTER TABLE dossiers ADD COLUMN photo_check jsonb;
CREATE INDEX dossiers_photo_unchecked_idx ON dossiers (received_at) WHERE photo_check IS NULL;
