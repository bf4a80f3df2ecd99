-- Kiosks: enrolled by an admin with a one-time pairing code, then known by a long secret token. The
-- server keeps only hashes of both.
CREATE TABLE devices (
    id                 INTEGER PRIMARY KEY,
    office_id          INTEGER NOT NULL REFERENCES offices(id),
    name               TEXT NOT NULL,
    code_hash          TEXT,              -- one-time pairing code; NULL once used
    code_expires_at    TEXT,
    token_hash         TEXT UNIQUE,       -- NULL until paired
    created_at         TEXT NOT NULL,
    paired_at          TEXT,
    revoked_at         TEXT,
    last_seen_at       TEXT,
    reported_version   TEXT,
    reported_pending   INTEGER,
    clock_offset_secs  INTEGER,           -- device clock minus server clock at the last contact
    free_disk_bytes    INTEGER,
    UNIQUE (office_id, name)
);
