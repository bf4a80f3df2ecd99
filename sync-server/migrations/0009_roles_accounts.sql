-- Roles of an office beyond its administrator (nadzór: read-only; wprowadzanie ankiet: paper sheets
-- only) and the account lifecycle: a generated password that must be changed at the next login, accounts
-- disabled or deleted, and sessions that say which browser holds them.
--
-- SQLite cannot change a CHECK constraint, so `admins` is rebuilt with the same ids. Sessions point at
-- admins: they are dropped first and made anew, which ends every session once, at the upgrade (everyone
-- logs in again, and every session from then on carries its browser's description).
DROP TABLE sessions;

CREATE TABLE admins_new (
    id                    INTEGER PRIMARY KEY,
    login                 TEXT NOT NULL UNIQUE COLLATE NOCASE,
    password_hash         TEXT NOT NULL,
    role                  TEXT NOT NULL CHECK (role IN ('office_admin', 'operator', 'supervisor', 'data_entry')),
    office_id             INTEGER REFERENCES offices(id),
    created_at            TEXT NOT NULL,
    -- Set for a generated password (first start, a new account, a reset): every panel page leads to the
    -- password page until the owner chooses their own.
    must_change_password  INTEGER NOT NULL DEFAULT 0 CHECK (must_change_password IN (0, 1)),
    disabled_at           TEXT,
    -- A deleted account keeps its row (without a password) so its login is never given to someone else:
    -- the audit log names people by login, and a reused login would merge two people's history.
    deleted_at            TEXT,
    CHECK ((role = 'operator') = (office_id IS NULL))
);
INSERT INTO admins_new (id, login, password_hash, role, office_id, created_at)
    SELECT id, login, password_hash, role, office_id, created_at FROM admins;
DROP TABLE admins;
ALTER TABLE admins_new RENAME TO admins;
CREATE INDEX admins_by_office ON admins (office_id);

CREATE TABLE sessions (
    token_hash  TEXT PRIMARY KEY,
    admin_id    INTEGER NOT NULL REFERENCES admins(id) ON DELETE CASCADE,
    csrf        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    last_seen   TEXT NOT NULL,
    -- The browser in a few words ("Firefox, Windows"), never the whole User-Agent header.
    user_agent  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_by_admin ON sessions (admin_id);
