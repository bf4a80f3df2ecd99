-- A device's capture time that could not be true (before the office's survey began, or later than the
-- server received it) is replaced by the receiving time; the flag lets reports and the kiosk page say
-- how many were.
ALTER TABLE responses ADD COLUMN capture_time_replaced INTEGER NOT NULL DEFAULT 0;
-- Few responses carry the flag: partial indexes keep counting them cheap for the report and per kiosk.
CREATE INDEX responses_time_replaced_by_capture ON responses (office_id, captured_at) WHERE capture_time_replaced = 1;
CREATE INDEX responses_time_replaced_by_device ON responses (office_id, device) WHERE capture_time_replaced = 1;
