-- 一窗通 schema 8: the outbox holds citizens' answered demands as well as completed cases.
-- Each row is one record, named by exactly one of case_id and demand_id: two keyed columns
-- rather than a (kind, record_id) pair, so each keeps its foreign key and the case's queries
-- (and the crash test's invariants) stay as they were. Existing rows keep their state,
-- revision and attempts; id = case_id keeps their sending order.
CREATE TABLE outbox_kinds (
    id           INTEGER PRIMARY KEY,
    case_id      INTEGER UNIQUE REFERENCES cases(id),
    demand_id    INTEGER UNIQUE REFERENCES demands(id),
    revision     INTEGER NOT NULL,
    content_hash TEXT NOT NULL,
    body         TEXT NOT NULL, -- the record as it goes up (JSON)
    state        TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'acknowledged', 'conflict')),
    queued_at    TEXT NOT NULL,
    sent_at      TEXT,
    acked_at     TEXT,
    attempts     INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT NOT NULL DEFAULT '',
    CHECK ((case_id IS NULL) <> (demand_id IS NULL))
) STRICT;
INSERT INTO outbox_kinds(id, case_id, revision, content_hash, body, state, queued_at, sent_at, acked_at, attempts,
                         last_error)
    SELECT case_id, case_id, revision, content_hash, body, state, queued_at, sent_at, acked_at, attempts, last_error
    FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_kinds RENAME TO outbox;
CREATE INDEX outbox_waiting ON outbox(state, queued_at);
