-- Each kiosk's own service PIN, kept only as an argon2id hash (PHC string): generated at enrolment and
-- shown once in the panel, changeable in the panel and on the kiosk's service screen. Kiosks enrolled
-- before this have none until an admin sets one. `service_pin_set_at` says when it last changed,
-- `service_pin_set_by` where: 'panel' (the panel or the command line) or 'kiosk' (its service screen).
ALTER TABLE devices ADD COLUMN service_pin_hash TEXT;
ALTER TABLE devices ADD COLUMN service_pin_set_at TEXT;
ALTER TABLE devices ADD COLUMN service_pin_set_by TEXT CHECK (service_pin_set_by IN ('panel', 'kiosk'));
