-- 一窗通 schema 9: the hall network — desks and rating screens paired with the hall host, the
-- one-time pairing codes, the answers kept for request ids, and the desk each event came from.

-- A PC (desk) or a counter's rating screen (rater) paired with this hall's host. Only a hash of
-- its credential is kept; a revoked device is kept for the record and refused from then on.
CREATE TABLE devices (
    id              INTEGER PRIMARY KEY,
    name            TEXT NOT NULL UNIQUE,
    kind            TEXT NOT NULL CHECK (kind IN ('desk', 'rater')),
    serves          TEXT,
    credential_hash TEXT NOT NULL UNIQUE,
    paired_at       TEXT NOT NULL,
    paired_by       TEXT NOT NULL,
    revoked_at      TEXT,
    revoked_by      TEXT,
    last_seen       TEXT
) STRICT;

-- A pairing code an administrator asked for: good once, for ten minutes. Hashed, like a password.
CREATE TABLE pairing_codes (
    code_hash  TEXT PRIMARY KEY,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    used_at    TEXT,
    used_by    INTEGER REFERENCES devices(id)
) STRICT;

-- The answer given to a write that carried a request id, committed in the same transaction as
-- the write: a desk that lost the answer and asks again gets this one, and nothing is done twice.
-- `fingerprint` is a hash of the request, so an id reused for another request is refused.
CREATE TABLE request_log (
    request_id  TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    kind        TEXT NOT NULL,
    at          TEXT NOT NULL,
    answer      TEXT NOT NULL
) STRICT;
CREATE INDEX request_log_at ON request_log(at);

-- The desk an event was recorded at ('' on one PC or at the host itself). In the hash chain
-- only when not empty, so the chain of older events verifies unchanged.
ALTER TABLE events ADD COLUMN desk TEXT NOT NULL DEFAULT '';
