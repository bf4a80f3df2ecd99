-- What Polish law asks an office to publish about its survey: its addresses and the people responsible
-- (office data), the RODO art. 13 information clause, and the accessibility statement's own facts.

-- The office's web addresses; empty when not given.
ALTER TABLE offices ADD COLUMN website TEXT NOT NULL DEFAULT '';
ALTER TABLE offices ADD COLUMN bip_url TEXT NOT NULL DEFAULT '';
-- The ePUAP box, e.g. "/UGKsiazki/SkrytkaESP".
ALTER TABLE offices ADD COLUMN epuap TEXT NOT NULL DEFAULT '';
-- The person responsible for the survey (usually the Sekretarz) and their position.
ALTER TABLE offices ADD COLUMN survey_owner_name TEXT NOT NULL DEFAULT '';
ALTER TABLE offices ADD COLUMN survey_owner_position TEXT NOT NULL DEFAULT '';
-- The data protection officer (inspektor ochrony danych, IOD).
ALTER TABLE offices ADD COLUMN iod_name TEXT NOT NULL DEFAULT '';
ALTER TABLE offices ADD COLUMN iod_email TEXT NOT NULL DEFAULT '';
ALTER TABLE offices ADD COLUMN iod_phone TEXT NOT NULL DEFAULT '';
-- The information clause as the admin wrote it; NULL means the default text made from the office's
-- data, so that the default follows later changes of the data.
ALTER TABLE offices ADD COLUMN privacy_notice TEXT;

-- The accessibility statement's facts, set by the office's admin. Until `status` is chosen the public
-- page says the statement is not complete yet instead of claiming anything.
CREATE TABLE accessibility_statements (
    office_id         INTEGER PRIMARY KEY REFERENCES offices(id),
    contact_name      TEXT NOT NULL DEFAULT '',
    contact_email     TEXT NOT NULL DEFAULT '',
    contact_phone     TEXT NOT NULL DEFAULT '',
    -- Dates as YYYY-MM-DD (local), NULL when not set.
    published_on      TEXT,
    updated_on        TEXT,
    prepared_on       TEXT,
    reviewed_on       TEXT,
    status            TEXT CHECK (status IN ('zgodna', 'czesciowo_zgodna', 'niezgodna')),
    -- The non-conformities and their reasons, a line each.
    non_conformities  TEXT NOT NULL DEFAULT '',
    prepared_by       TEXT CHECK (prepared_by IN ('samoocena', 'zewnetrzna')),
    -- Who made an external assessment.
    assessor          TEXT NOT NULL DEFAULT '',
    -- Architectural accessibility of the building (free text).
    architecture      TEXT NOT NULL DEFAULT '',
    updated_at        TEXT NOT NULL
);
