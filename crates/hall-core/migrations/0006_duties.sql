-- 一窗通 schema 6: the township's lists (权力清单, 责任清单, 职责清单), 准入 of county tasks,
-- consultations (首问负责), citizens' demands and county–township coordination (县乡联动).

-- One published set of lists; like the catalog, each version keeps its entries whole.
CREATE TABLE duty_versions (
    id             INTEGER PRIMARY KEY,
    version        TEXT NOT NULL UNIQUE,
    effective_date TEXT NOT NULL,
    imported_at    TEXT NOT NULL,
    imported_by    TEXT NOT NULL,
    content_hash   TEXT NOT NULL,
    entry_count    INTEGER NOT NULL
) STRICT;

CREATE TABLE duty_entries (
    version_id      INTEGER NOT NULL REFERENCES duty_versions(id),
    list            TEXT NOT NULL CHECK (list IN ('power', 'responsibility', 'duty')),
    seq             INTEGER NOT NULL, -- order in the published file
    code            TEXT NOT NULL,
    name            TEXT NOT NULL,
    category        TEXT NOT NULL,
    basis           TEXT NOT NULL,
    side            TEXT NOT NULL CHECK (side IN ('township', 'shared', 'county')),
    department      TEXT REFERENCES units(code),
    township_duty   TEXT NOT NULL,
    department_duty TEXT NOT NULL,
    PRIMARY KEY (version_id, list, code)
) STRICT;

-- Numbers of the hall's own records (咨询 ZX, 需求 XQ, 准入 ZR, 联动 LD), per kind and day.
CREATE TABLE record_serials (
    prefix TEXT NOT NULL,
    day    TEXT NOT NULL,
    last   INTEGER NOT NULL,
    PRIMARY KEY (prefix, day)
) STRICT;

-- 准入: a task a county department pushed down, checked against the 职责清单.
CREATE TABLE admission_tasks (
    id              INTEGER PRIMARY KEY,
    number          TEXT NOT NULL UNIQUE,
    received_on     TEXT NOT NULL,
    department      TEXT NOT NULL REFERENCES units(code),
    title           TEXT NOT NULL,
    content         TEXT NOT NULL,
    doc_ref         TEXT NOT NULL, -- 文号
    duty_version    TEXT,
    entry_code      TEXT,          -- the 职责清单 entry it was checked against
    deployed        INTEGER NOT NULL, -- 党委政府统一部署
    veto            INTEGER NOT NULL, -- sets a 一票否决
    central         INTEGER NOT NULL, -- the veto is required by the centre or the province
    transfer        INTEGER NOT NULL, -- 责任状 / 分解指标 / 考核验收
    rule            TEXT NOT NULL,
    state           TEXT NOT NULL CHECK (state IN ('tracking', 'done', 'refused')),
    due_on          TEXT,
    done_on         TEXT,
    done_note       TEXT NOT NULL DEFAULT '',
    recorded_by     TEXT NOT NULL,
    recorded_at     TEXT NOT NULL
) STRICT;
CREATE INDEX admission_received ON admission_tasks(received_on);

-- 首问负责: an inquiry at the desk that did not become a case.
CREATE TABLE consultations (
    id            INTEGER PRIMARY KEY,
    number        TEXT NOT NULL UNIQUE,
    at            TEXT NOT NULL,
    clerk         TEXT NOT NULL,
    topic         TEXT NOT NULL,
    item_code     TEXT,
    citizen_name  TEXT NOT NULL,
    phone         TEXT NOT NULL,
    answer        TEXT NOT NULL,
    callback      INTEGER NOT NULL,
    callback_due  TEXT,
    closed_at     TEXT,
    closed_by     TEXT,
    result        TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX consultations_at ON consultations(at);
CREATE INDEX consultations_open ON consultations(callback, closed_at);

-- 群众需求 / 人民建议征集.
CREATE TABLE demands (
    id            INTEGER PRIMARY KEY,
    number        TEXT NOT NULL UNIQUE,
    kind          TEXT NOT NULL CHECK (kind IN ('demand', 'suggestion')),
    category      TEXT NOT NULL,
    village       TEXT NOT NULL,
    content       TEXT NOT NULL,
    citizen_name  TEXT NOT NULL,
    phone         TEXT NOT NULL,
    logged_by     TEXT NOT NULL,
    logged_at     TEXT NOT NULL,
    state         TEXT NOT NULL CHECK (state IN ('submitted', 'adopted', 'declined', 'answered')),
    adopted       INTEGER,
    review_note   TEXT NOT NULL DEFAULT '',
    reviewed_by   TEXT,
    reviewed_at   TEXT,
    answer        TEXT NOT NULL DEFAULT '',
    answered_by   TEXT,
    answered_at   TEXT
) STRICT;
CREATE INDEX demands_logged ON demands(logged_at);

-- 县乡联动: an issue the township cannot solve itself, raised to a county department.
CREATE TABLE coordination_issues (
    id            INTEGER PRIMARY KEY,
    number        TEXT NOT NULL UNIQUE,
    kind          TEXT NOT NULL,
    title         TEXT NOT NULL,
    location      TEXT NOT NULL,
    urgency       TEXT NOT NULL CHECK (urgency IN ('normal', 'urgent', 'critical')),
    department    TEXT NOT NULL REFERENCES units(code),
    raised_on     TEXT NOT NULL,
    raised_at     TEXT NOT NULL,
    raised_by     TEXT NOT NULL,
    due_on        TEXT NOT NULL,
    answer        TEXT NOT NULL DEFAULT '',
    answered_on   TEXT,
    result        TEXT,
    satisfaction  TEXT,
    recorded_by   TEXT
) STRICT;
CREATE INDEX coordination_raised ON coordination_issues(raised_on);
