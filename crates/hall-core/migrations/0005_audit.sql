-- 一窗通 schema 5: the event log becomes a hash chain (store/audit.rs chains the existing rows).
ALTER TABLE events ADD COLUMN prev_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN hash TEXT NOT NULL DEFAULT '';
