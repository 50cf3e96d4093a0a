-- 一窗通 schema 4: the outbox of completed cases for the county hub (docs/sync-protocol.md).
CREATE TABLE outbox (
    case_id      INTEGER PRIMARY KEY REFERENCES cases(id),
    revision     INTEGER NOT NULL,
    content_hash TEXT NOT NULL,
    body         TEXT NOT NULL, -- the case as it goes up (JSON)
    state        TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'acknowledged', 'conflict')),
    queued_at    TEXT NOT NULL,
    sent_at      TEXT,
    acked_at     TEXT,
    attempts     INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX outbox_waiting ON outbox(state, queued_at);
