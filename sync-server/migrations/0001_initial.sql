-- Offices, their admins, questionnaire versions, and responses.
-- Times are UTC, RFC 3339 text ("2026-11-28T09:15:30Z"), which sorts chronologically.

CREATE TABLE offices (
    id          INTEGER PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    host        TEXT UNIQUE,                -- own host name, e.g. ksiazki.example.pl (optional)
    address     TEXT NOT NULL DEFAULT '',
    email       TEXT NOT NULL DEFAULT '',
    phone       TEXT NOT NULL DEFAULT '',
    -- Sites allowed to show the survey in a frame: space-separated origins, empty for none.
    embed_origins TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL
);

-- An operator (office_id NULL) runs every office; an office admin runs exactly one.
CREATE TABLE admins (
    id             INTEGER PRIMARY KEY,
    login          TEXT NOT NULL UNIQUE COLLATE NOCASE,
    password_hash  TEXT NOT NULL,
    role           TEXT NOT NULL CHECK (role IN ('office_admin', 'operator')),
    office_id      INTEGER REFERENCES offices(id),
    created_at     TEXT NOT NULL,
    CHECK ((role = 'operator') = (office_id IS NULL))
);

-- Departments (wydziały/referaty). The key is stored in answers and never changes; renaming changes
-- only the name, so old answers stay attributed to the same department.
CREATE TABLE departments (
    id          INTEGER PRIMARY KEY,
    office_id   INTEGER NOT NULL REFERENCES offices(id),
    key         TEXT NOT NULL,
    name        TEXT NOT NULL,
    position    INTEGER NOT NULL DEFAULT 0,
    active      INTEGER NOT NULL DEFAULT 1,
    UNIQUE (office_id, key)
);

-- A published version is never updated: triggers below refuse it.
CREATE TABLE questionnaire_versions (
    office_id     INTEGER NOT NULL REFERENCES offices(id),
    version       INTEGER NOT NULL CHECK (version >= 1),
    definition    TEXT NOT NULL,      -- survey::Questionnaire as JSON
    published_at  TEXT NOT NULL,
    PRIMARY KEY (office_id, version)
);

CREATE TRIGGER questionnaire_versions_immutable
BEFORE UPDATE ON questionnaire_versions
BEGIN
    SELECT RAISE(ABORT, 'published questionnaire versions never change');
END;

-- One row per response, keyed by the UUIDv7 made at capture. `payload` is the survey::Response as
-- JSON, kept to recognise a resend (same id, same content) and to detect conflicts.
CREATE TABLE responses (
    id                     TEXT PRIMARY KEY,
    office_id              INTEGER NOT NULL REFERENCES offices(id),
    questionnaire_version  INTEGER NOT NULL,
    channel                TEXT NOT NULL CHECK (channel IN ('web', 'kiosk_touch', 'kiosk_buttons', 'paper')),
    captured_at            TEXT NOT NULL,
    received_at            TEXT NOT NULL,
    device                 TEXT,
    paper_serial           TEXT,
    payload                TEXT NOT NULL,
    FOREIGN KEY (office_id, questionnaire_version) REFERENCES questionnaire_versions (office_id, version)
);
CREATE INDEX responses_by_office_time ON responses (office_id, captured_at);
CREATE UNIQUE INDEX responses_paper_serial ON responses (office_id, paper_serial) WHERE paper_serial IS NOT NULL;

-- The answers again, one row per answer (one per chosen option of a multiple choice), so that reports
-- are SQL aggregates instead of a walk over every payload.
CREATE TABLE answers (
    response_id     TEXT NOT NULL REFERENCES responses(id) ON DELETE CASCADE,
    question_key    TEXT NOT NULL,
    rating          INTEGER CHECK (rating BETWEEN 1 AND 5),
    not_applicable  INTEGER NOT NULL DEFAULT 0,
    choice          TEXT,
    text            TEXT
);
CREATE INDEX answers_by_question ON answers (question_key, rating);
CREATE INDEX answers_by_response ON answers (response_id);

-- Same id, different content: kept aside for a person to look at, never counted.
CREATE TABLE response_conflicts (
    id           INTEGER PRIMARY KEY,
    response_id  TEXT NOT NULL,
    received_at  TEXT NOT NULL,
    payload      TEXT NOT NULL
);
