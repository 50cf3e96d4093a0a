-- 一窗通 hall store, schema 1.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE units (
    code  TEXT PRIMARY KEY,
    name  TEXT NOT NULL,
    level TEXT NOT NULL CHECK (level IN ('township', 'county'))
) STRICT;

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('clerk', 'officer', 'supervisor', 'admin')),
    unit          TEXT REFERENCES units(code),
    password_hash TEXT NOT NULL,
    must_change_password INTEGER NOT NULL DEFAULT 0,
    disabled      INTEGER NOT NULL DEFAULT 0,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until  TEXT,
    created_at    TEXT NOT NULL
) STRICT;

CREATE TABLE catalog_versions (
    id             INTEGER PRIMARY KEY,
    version        TEXT NOT NULL UNIQUE,
    effective_date TEXT NOT NULL,
    imported_at    TEXT NOT NULL,
    imported_by    TEXT NOT NULL,
    content_hash   TEXT NOT NULL,
    item_count     INTEGER NOT NULL
) STRICT;

-- Each version keeps its full items: a case points at the version it was accepted under.
CREATE TABLE catalog_items (
    version_id    INTEGER NOT NULL REFERENCES catalog_versions(id),
    code          TEXT NOT NULL,
    name          TEXT NOT NULL,
    initials      TEXT NOT NULL,
    item_type     TEXT NOT NULL,
    category      TEXT NOT NULL,
    unit          TEXT NOT NULL REFERENCES units(code),
    handled_by    TEXT REFERENCES units(code),
    basis         TEXT NOT NULL,
    kind          TEXT NOT NULL,
    legal_days    INTEGER NOT NULL,
    promised_days INTEGER NOT NULL,
    fee           TEXT NOT NULL,
    fee_basis     TEXT NOT NULL,
    visits        INTEGER NOT NULL,
    materials     TEXT NOT NULL, -- JSON array of materials, in catalog order
    PRIMARY KEY (version_id, code)
) STRICT;

CREATE TABLE calendar_years (
    year        INTEGER PRIMARY KEY,
    source      TEXT NOT NULL,
    document    TEXT NOT NULL, -- the imported JSON, as published
    imported_at TEXT NOT NULL
) STRICT;

CREATE TABLE applicants (
    id        INTEGER PRIMARY KEY,
    kind      TEXT NOT NULL CHECK (kind IN ('person', 'org')),
    id_number TEXT NOT NULL,
    name      TEXT NOT NULL,
    phone     TEXT NOT NULL,
    address   TEXT NOT NULL,
    UNIQUE (kind, id_number)
) STRICT;
CREATE INDEX applicants_id_number ON applicants(id_number);
CREATE INDEX applicants_phone ON applicants(phone);

-- Serial numbers per day, allocated inside the intake transaction.
CREATE TABLE case_serials (
    day  TEXT PRIMARY KEY,
    last INTEGER NOT NULL
) STRICT;

CREATE TABLE cases (
    id              INTEGER PRIMARY KEY,
    uuid            TEXT NOT NULL UNIQUE,
    number          TEXT NOT NULL UNIQUE,
    catalog_version INTEGER NOT NULL REFERENCES catalog_versions(id),
    item_code       TEXT NOT NULL,
    item_name       TEXT NOT NULL,
    applicant_id    INTEGER NOT NULL REFERENCES applicants(id),
    applicant_name  TEXT NOT NULL,
    agent_id        INTEGER REFERENCES applicants(id),
    state           TEXT NOT NULL,
    unit            TEXT NOT NULL REFERENCES units(code),
    assignee        INTEGER REFERENCES users(id),
    logged_by       INTEGER NOT NULL REFERENCES users(id), -- 首问负责人
    logged_at       TEXT NOT NULL,
    logged_on       TEXT NOT NULL,
    accepted_on     TEXT,
    promised_days   INTEGER NOT NULL,
    due_date        TEXT,
    calendar_missing TEXT NOT NULL DEFAULT '', -- years the due date was guessed for
    paused_on       TEXT,
    paused_days     INTEGER NOT NULL DEFAULT 0,
    commitment_due  TEXT,
    closed_at       TEXT,
    updated_at      TEXT NOT NULL,
    FOREIGN KEY (catalog_version, item_code) REFERENCES catalog_items(version_id, code)
) STRICT;
CREATE INDEX cases_applicant ON cases(applicant_id);
CREATE INDEX cases_agent ON cases(agent_id);
CREATE INDEX cases_state_due ON cases(state, due_date);
CREATE INDEX cases_logged_on ON cases(logged_on);
CREATE INDEX cases_item ON cases(item_code);
CREATE INDEX cases_unit_state ON cases(unit, state);

CREATE TABLE case_materials (
    case_id   INTEGER NOT NULL REFERENCES cases(id),
    seq       INTEGER NOT NULL,
    name      TEXT NOT NULL,
    form      TEXT NOT NULL,
    copies    INTEGER NOT NULL,
    required  INTEGER NOT NULL,
    can_defer INTEGER NOT NULL,
    submitted INTEGER NOT NULL,
    PRIMARY KEY (case_id, seq)
) STRICT;

-- Chinese substring search over applicant and item names: trigram FTS for 3+ characters...
CREATE VIRTUAL TABLE cases_fts USING fts5(
    applicant_name, item_name, content='cases', content_rowid='id', tokenize='trigram'
);
CREATE TRIGGER cases_fts_insert AFTER INSERT ON cases BEGIN
    INSERT INTO cases_fts(rowid, applicant_name, item_name) VALUES (new.id, new.applicant_name, new.item_name);
END;
CREATE TRIGGER cases_fts_delete AFTER DELETE ON cases BEGIN
    INSERT INTO cases_fts(cases_fts, rowid, applicant_name, item_name) VALUES ('delete', old.id, old.applicant_name, old.item_name);
END;
CREATE TRIGGER cases_fts_update AFTER UPDATE OF applicant_name, item_name ON cases BEGIN
    INSERT INTO cases_fts(cases_fts, rowid, applicant_name, item_name) VALUES ('delete', old.id, old.applicant_name, old.item_name);
    INSERT INTO cases_fts(rowid, applicant_name, item_name) VALUES (new.id, new.applicant_name, new.item_name);
END;

-- ...and the 1- and 2-character substrings of applicant names, for short queries such as a
-- surname, which trigram MATCH cannot answer. Written by the intake transaction.
CREATE TABLE name_grams (
    gram    TEXT NOT NULL,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    PRIMARY KEY (gram, case_id)
) STRICT, WITHOUT ROWID;

-- The event log: every transition and every recorded step. Append-only, enforced here.
CREATE TABLE events (
    id         INTEGER PRIMARY KEY,
    case_id    INTEGER REFERENCES cases(id),
    at         TEXT NOT NULL,
    actor      TEXT NOT NULL,
    action     TEXT NOT NULL,
    from_state TEXT,
    to_state   TEXT,
    note       TEXT NOT NULL DEFAULT '',
    data       TEXT NOT NULL DEFAULT '{}'
) STRICT;
CREATE INDEX events_case ON events(case_id, id);
CREATE TRIGGER events_no_update BEFORE UPDATE ON events BEGIN
    SELECT RAISE(ABORT, '事件记录只能追加，不能修改');
END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events BEGIN
    SELECT RAISE(ABORT, '事件记录只能追加，不能删除');
END;
