-- Issue 4: a cell that did not come to its shift is marked so, and the next re-plan books it again.
ALTER TABLE appointments ADD COLUMN missed boolean NOT NULL DEFAULT false;
