-- The county hub's store. Every instance shares it; nothing lives in an instance's memory
-- except the rate limiter's buckets.

CREATE TABLE townships (
    code        text PRIMARY KEY,
    name        text NOT NULL,
    -- SHA-256 of the whole token; the token itself is shown once and never stored.
    token_hash  bytea NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- One row per case: the newest revision the hub holds. No foreign key to townships: the check
-- is a trigger per row (a tenth of the database's time in the ingest benchmark), and the push
-- that writes a case has locked its township's row in the same transaction (townships are
-- never deleted).
CREATE TABLE cases (
    uuid          uuid PRIMARY KEY,
    township      text NOT NULL,
    number        text NOT NULL,
    revision      bigint NOT NULL,
    content_hash  text NOT NULL,
    body          jsonb NOT NULL,
    state         text NOT NULL,
    -- The overview's day: the day the case was closed (the day it was logged when it has no
    -- close time). Closed cases do not move, so past days' figures stay put.
    day           date NOT NULL,
    due_date      date,
    closed_on     date,
    received_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX cases_day ON cases (day);

-- The case's log, one row per event, replaced with the case. No foreign key to cases: checking
-- it is a trigger and a lookup per row of the busiest table, a third of the database's time in
-- the ingest benchmark. The hub writes events only together with their case, in one transaction.
CREATE TABLE events (
    case_uuid   uuid NOT NULL,
    seq         integer NOT NULL,
    township    text NOT NULL,
    at          text NOT NULL,
    actor       text NOT NULL,
    action      text NOT NULL,
    from_state  text,
    to_state    text,
    note        text NOT NULL,
    PRIMARY KEY (case_uuid, seq)
);

CREATE TABLE ratings (
    case_uuid         uuid PRIMARY KEY REFERENCES cases (uuid),
    township          text NOT NULL,
    level             smallint NOT NULL CHECK (level BETWEEN 1 AND 5),
    comment           text NOT NULL,
    rated_at          text NOT NULL,
    follow_up_closed  boolean
);

-- A revision the hub already held with other content. Both bodies are kept; the conflict is
-- open until the hall sends a higher revision of the case.
CREATE TABLE conflicts (
    id             bigserial PRIMARY KEY,
    case_uuid      uuid NOT NULL REFERENCES cases (uuid),
    township       text NOT NULL,
    revision       bigint NOT NULL,
    stored_hash    text NOT NULL,
    stored_body    jsonb NOT NULL,
    incoming_hash  text NOT NULL,
    incoming_body  jsonb NOT NULL,
    received_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (case_uuid, revision, incoming_hash)
);

-- seq is the publication order: "versions published after V" follows it, not the version text.
CREATE TABLE catalog_versions (
    seq           bigserial PRIMARY KEY,
    version       text NOT NULL UNIQUE,
    document      jsonb NOT NULL,
    published_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE calendars (
    year          integer PRIMARY KEY,
    document      jsonb NOT NULL,
    published_at  timestamptz NOT NULL DEFAULT now()
);
