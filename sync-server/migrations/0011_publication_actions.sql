-- The public version of an archived report (opt-in per report, for the BIP) and the corrective actions
-- decided from a report's conclusions.

-- A report published: its sign-off block as typed by the admin and the public PDF made from the
-- archived figures when it was published. Withdrawing deletes the row (the audit log keeps both steps);
-- publishing again writes a new one.
CREATE TABLE report_publications (
    report_id     INTEGER PRIMARY KEY REFERENCES reports(id),
    office_id     INTEGER NOT NULL REFERENCES offices(id),
    prepared_by   TEXT NOT NULL,
    approved_by   TEXT NOT NULL,
    approved_on   TEXT NOT NULL,
    published_at  TEXT NOT NULL,
    published_by  TEXT NOT NULL,
    pdf           BLOB NOT NULL,
    pdf_checksum  TEXT NOT NULL
);
CREATE INDEX report_publications_by_office ON report_publications (office_id, report_id);

-- What the office does about a report: what, who is responsible, by when, how far it has got.
-- `closed_on` is the local day it was marked done or dropped (NULL while open), so the next report can
-- list what was closed in its period.
CREATE TABLE corrective_actions (
    id           INTEGER PRIMARY KEY,
    office_id    INTEGER NOT NULL REFERENCES offices(id),
    report_id    INTEGER NOT NULL REFERENCES reports(id),
    what         TEXT NOT NULL,
    responsible  TEXT NOT NULL,
    deadline     TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('planned', 'in_progress', 'done', 'dropped')),
    notes        TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    closed_on    TEXT
);
CREATE INDEX corrective_actions_by_office ON corrective_actions (office_id, deadline);
CREATE INDEX corrective_actions_by_report ON corrective_actions (report_id);
