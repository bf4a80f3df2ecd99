-- Alerts and their e-mails: what the background worker found (a negative spike, a silent kiosk, a report
-- or corrective action due, the server's disk or backup), the state a person gave it, and the outbox of
-- mails written in the same transaction as the alert that causes them.

-- Per office: which alerts are on, their thresholds, the opening hours a kiosk must be heard in, whether
-- mails may quote residents' comments, the weekly summary. JSON of `alerts::OfficeAlertSettings`; a
-- missing key takes its default, so an office without a row has every default.
CREATE TABLE alert_settings (
    office_id   INTEGER PRIMARY KEY REFERENCES offices(id),
    settings    TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL
);

-- Who is mailed. `office_id` NULL: the server's own alerts (disk, backup), for the operator. `admin_id`:
-- an account's own subscription, which only that account changes; NULL: an address the office added.
CREATE TABLE alert_recipients (
    id          INTEGER PRIMARY KEY,
    office_id   INTEGER REFERENCES offices(id),
    admin_id    INTEGER REFERENCES admins(id),
    email       TEXT NOT NULL,
    alerts      INTEGER NOT NULL DEFAULT 1,   -- alert mails
    weekly      INTEGER NOT NULL DEFAULT 0,   -- the weekly summary
    created_at  TEXT NOT NULL
);
CREATE UNIQUE INDEX alert_recipients_one_address ON alert_recipients (ifnull(office_id, 0), email);

-- One row per occurrence: `dedupe_key` names it (kind, office, subject and the occurrence's own mark,
-- such as the kiosk's last contact or the report's due day), so a condition that holds for hours is
-- raised once, not at every tick.
CREATE TABLE alerts (
    id               INTEGER PRIMARY KEY,
    office_id        INTEGER REFERENCES offices(id),
    kind             TEXT NOT NULL CHECK (kind IN ('negative_spike', 'silent_kiosk', 'report_due',
                                                   'action_overdue', 'disk_low', 'backup_missing')),
    dedupe_key       TEXT NOT NULL UNIQUE,
    raised_at        TEXT NOT NULL,
    title            TEXT NOT NULL,
    details          TEXT NOT NULL,
    state            TEXT NOT NULL DEFAULT 'new' CHECK (state IN ('new', 'acknowledged', 'resolved')),
    acknowledged_at  TEXT,
    acknowledged_by  TEXT,
    comment          TEXT NOT NULL DEFAULT '',
    resolved_at      TEXT,
    resolved_by      TEXT
);
CREATE INDEX alerts_by_office ON alerts (office_id, state, id);

-- Mails to send. Written in the transaction of their cause; the worker sends those due, marks each sent
-- after the SMTP server accepted it, and on failure counts the attempt, keeps the reason and waits longer
-- before the next (`next_attempt_at`). `failed_at`: given up after too many attempts (shown in the panel).
CREATE TABLE outbox (
    id               INTEGER PRIMARY KEY,
    office_id        INTEGER REFERENCES offices(id),
    alert_id         INTEGER REFERENCES alerts(id),
    kind             TEXT NOT NULL,               -- 'alert', 'weekly', 'test'
    recipient        TEXT NOT NULL,
    subject          TEXT NOT NULL,
    body_text        TEXT NOT NULL,
    body_html        TEXT NOT NULL,
    message_id       TEXT NOT NULL UNIQUE,
    created_at       TEXT NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TEXT NOT NULL,
    last_error       TEXT,
    sent_at          TEXT,
    failed_at        TEXT
);
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE sent_at IS NULL AND failed_at IS NULL;

-- Facts the server keeps about itself: the last backup made, the weekly summaries sent, the last tick.
CREATE TABLE server_facts (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);
