-- The township's lists sent down (权力清单, 责任清单, 职责清单) and the citizens' demands and
-- suggestions sent up with the completed cases.

-- Like catalog_versions: seq is the publication order "versions published after V" follows.
CREATE TABLE duty_versions (
    seq           bigserial PRIMARY KEY,
    version       text NOT NULL UNIQUE,
    document      jsonb NOT NULL,
    published_at  timestamptz NOT NULL DEFAULT now()
);

-- One row per demand: the newest revision the hub holds. A demand's number (XQ-YYYYMMDD-NNN)
-- carries no township code and is unique only within its hall, so the key is (township,
-- number) and a push can only ever touch its own token's township's rows. The body holds no
-- name and no phone: the protocol does not carry them.
CREATE TABLE demands (
    township      text NOT NULL,
    number        text NOT NULL,
    revision      bigint NOT NULL,
    content_hash  text NOT NULL,
    body          jsonb NOT NULL,
    kind          text NOT NULL,
    adopted       boolean,
    -- The overview's day: the day it was answered (logged, if it has no answer yet).
    day           date NOT NULL,
    received_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (township, number)
);
CREATE INDEX demands_day ON demands (day);

-- As conflicts, for demands: both bodies kept, open until a higher revision arrives.
CREATE TABLE demand_conflicts (
    id             bigserial PRIMARY KEY,
    township       text NOT NULL,
    number         text NOT NULL,
    revision       bigint NOT NULL,
    stored_hash    text NOT NULL,
    stored_body    jsonb NOT NULL,
    incoming_hash  text NOT NULL,
    incoming_body  jsonb NOT NULL,
    received_at    timestamptz NOT NULL DEFAULT now(),
    -- Checked at commit: a conflict with a revision stored earlier in the same batch goes in
    -- before that revision's row does.
    FOREIGN KEY (township, number) REFERENCES demands (township, number) DEFERRABLE INITIALLY DEFERRED,
    UNIQUE (township, number, revision, incoming_hash)
);
