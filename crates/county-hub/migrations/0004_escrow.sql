-- 密钥托管: the county's public key (age X25519 recipient) that halls seal their database keys
-- to, and the sealed copies. The hub never holds the private identity: county IT keeps it
-- offline (`county-hub escrow keygen`), so a copy of this database opens no hall's backups.
CREATE TABLE escrow_recipients (
    id          serial PRIMARY KEY,
    recipient   text NOT NULL CHECK (recipient LIKE 'age1%'),
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- One sealed copy per township and key (凭证编号); a hall that rotates its key adds a row, so
-- a backup from before the rotation can still be opened with the older copy.
CREATE TABLE escrowed_keys (
    township     text NOT NULL REFERENCES townships(code),
    fingerprint  text NOT NULL CHECK (fingerprint ~ '^[0-9A-F]{4}-[0-9A-F]{4}$'),
    recipient_id integer NOT NULL REFERENCES escrow_recipients(id),
    sealed       text NOT NULL,
    received_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (township, fingerprint, recipient_id)
);
