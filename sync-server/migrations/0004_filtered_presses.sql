-- Presses of kiosks' button panels that were not counted as answers (too soon after the last one, part of
-- a burst, outside opening hours), shown beside the answers. Stored once by the id made at the press.
CREATE TABLE filtered_presses (
    id           TEXT PRIMARY KEY,
    office_id    INTEGER NOT NULL REFERENCES offices(id),
    device_id    INTEGER NOT NULL REFERENCES devices(id),
    captured_at  TEXT NOT NULL,
    button       INTEGER NOT NULL,
    reason       TEXT NOT NULL CHECK (reason IN ('too_soon', 'burst', 'outside_hours'))
);
CREATE INDEX filtered_presses_by_office ON filtered_presses (office_id, captured_at);
