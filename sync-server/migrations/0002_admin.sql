-- The admin panel: sessions, the audit log, paper corrections and withdrawals, questionnaire drafts, and
-- the archive of reports.

-- A session is found by the hash of its cookie value, so the database never holds a usable cookie.
CREATE TABLE sessions (
    token_hash  TEXT PRIMARY KEY,
    admin_id    INTEGER NOT NULL REFERENCES admins(id) ON DELETE CASCADE,
    csrf        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    last_seen   TEXT NOT NULL
);

-- Who did what and when. Never changed: the triggers refuse updates and deletes.
CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,
    office_id  INTEGER REFERENCES offices(id),
    actor      TEXT NOT NULL,
    action     TEXT NOT NULL,
    details    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_by_office ON audit_log (office_id, id);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is never changed'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is never changed'); END;

-- A withdrawn response stays stored (and recorded) but is counted nowhere.
ALTER TABLE responses ADD COLUMN withdrawn_at TEXT;

-- Every correction or withdrawal of a response, with the content before it. A redaction of a comment
-- rewrites the comment here too: the original text is not kept anywhere.
CREATE TABLE response_changes (
    id              INTEGER PRIMARY KEY,
    response_id     TEXT NOT NULL REFERENCES responses(id),
    at              TEXT NOT NULL,
    actor           TEXT NOT NULL,
    change          TEXT NOT NULL CHECK (change IN ('corrected', 'withdrawn', 'redacted')),
    before_payload  TEXT
);
CREATE INDEX response_changes_by_response ON response_changes (response_id);

-- The questionnaire being edited; publishing turns it into the next version and removes it.
CREATE TABLE questionnaire_drafts (
    office_id   INTEGER PRIMARY KEY REFERENCES offices(id),
    definition  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

-- Archived reports: never changed once written.
CREATE TABLE reports (
    id           INTEGER PRIMARY KEY,
    office_id    INTEGER NOT NULL REFERENCES offices(id),
    created_at   TEXT NOT NULL,
    author       TEXT NOT NULL,
    reason       TEXT NOT NULL,
    period_to    TEXT NOT NULL,
    figures      TEXT NOT NULL,
    checksum     TEXT NOT NULL
);
CREATE TRIGGER reports_immutable BEFORE UPDATE ON reports
BEGIN SELECT RAISE(ABORT, 'archived reports never change'); END;

ALTER TABLE offices ADD COLUMN opening_hours TEXT NOT NULL DEFAULT '';
-- The office's logo or coat of arms (PNG or JPEG), shown on its pages and printouts.
ALTER TABLE offices ADD COLUMN logo BLOB;
ALTER TABLE offices ADD COLUMN logo_type TEXT;
ALTER TABLE departments ADD COLUMN renamed_from TEXT NOT NULL DEFAULT '';
