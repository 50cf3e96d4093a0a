-- 一窗通 schema 2: the back office, the pickup window, ratings and follow-ups.

-- 补正: what was asked and by when (the clock is stopped meanwhile).
ALTER TABLE cases ADD COLUMN supplement_due TEXT;

-- 上报件: each forwarding to a county department and what came back; the turnaround in working
-- days is kept for the supervisor's reports.
CREATE TABLE county_forwards (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases(id),
    unit        TEXT NOT NULL REFERENCES units(code),
    sent_on     TEXT NOT NULL,
    result      TEXT,
    result_on   TEXT,
    working_days INTEGER
) STRICT;
CREATE INDEX county_forwards_case ON county_forwards(case_id);

-- 统一窗口出件: who collected, how, and the identity check made.
CREATE TABLE deliveries (
    case_id        INTEGER PRIMARY KEY REFERENCES cases(id),
    method         TEXT NOT NULL CHECK (method IN ('in_person', 'agent', 'mail')),
    collector_name TEXT NOT NULL,
    collector_id   TEXT NOT NULL,
    tracking       TEXT NOT NULL DEFAULT '',
    delivered_at   TEXT NOT NULL,
    clerk          TEXT NOT NULL
) STRICT;

-- 好差评: one per case.
CREATE TABLE ratings (
    case_id  INTEGER PRIMARY KEY REFERENCES cases(id),
    level    INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5),
    comment  TEXT NOT NULL DEFAULT '',
    rated_at TEXT NOT NULL,
    rated_by TEXT NOT NULL
) STRICT;

-- 差评 follow-ups: a call back and a fix, closed within a set number of working days.
CREATE TABLE follow_ups (
    case_id       INTEGER PRIMARY KEY REFERENCES cases(id),
    opened_on     TEXT NOT NULL,
    due_on        TEXT NOT NULL,
    callback_note TEXT NOT NULL DEFAULT '',
    fix_note      TEXT NOT NULL DEFAULT '',
    closed_at     TEXT,
    closed_by     TEXT
) STRICT;
CREATE INDEX follow_ups_open ON follow_ups(closed_at, due_on);
