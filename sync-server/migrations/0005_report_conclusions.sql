-- A generated report is archived with its period and the admin's conclusions and corrective actions.
ALTER TABLE reports ADD COLUMN period_from TEXT;
ALTER TABLE reports ADD COLUMN conclusions TEXT NOT NULL DEFAULT '';
