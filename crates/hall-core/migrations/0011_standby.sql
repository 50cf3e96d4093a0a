-- 一窗通 schema 11: the standby host — a second PC that keeps a live copy of the hall host and
-- takes over when it dies. It pairs like a desk (kind 'standby'), and tells the host where the
-- desks will find it and the fingerprint of its own certificate, which desks learn from the host.
-- SQLite cannot widen a CHECK in place: the table is built again, its rows and ids kept.
PRAGMA defer_foreign_keys = ON;
CREATE TABLE devices_v11 (
    id              INTEGER PRIMARY KEY,
    name            TEXT NOT NULL UNIQUE,
    kind            TEXT NOT NULL CHECK (kind IN ('desk', 'rater', 'standby')),
    serves          TEXT,
    credential_hash TEXT NOT NULL UNIQUE,
    paired_at       TEXT NOT NULL,
    paired_by       TEXT NOT NULL,
    revoked_at      TEXT,
    revoked_by      TEXT,
    last_seen       TEXT,
    -- A standby's own address (https://…) and certificate fingerprint (SHA256:…).
    address         TEXT,
    fingerprint     TEXT
) STRICT;
INSERT INTO devices_v11(id, name, kind, serves, credential_hash, paired_at, paired_by, revoked_at, revoked_by, last_seen)
    SELECT id, name, kind, serves, credential_hash, paired_at, paired_by, revoked_at, revoked_by, last_seen FROM devices;
DROP TABLE devices;
ALTER TABLE devices_v11 RENAME TO devices;
