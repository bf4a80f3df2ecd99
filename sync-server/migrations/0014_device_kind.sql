-- What each paired device is: the kiosk program, or the tablet's web app (`/kiosk/`). Both use the same
-- sync API and send the same answers; the panel names them differently. A device says what it is in its
-- heartbeat; one that never said (every kiosk so far) is a kiosk.
ALTER TABLE devices ADD COLUMN kind TEXT NOT NULL DEFAULT 'kiosk' CHECK (kind IN ('kiosk', 'tablet'));
