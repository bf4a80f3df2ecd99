-- Running counts behind reports, kept in the same transaction as every response written, corrected or
-- withdrawn, so that a report over a year of a busy office sums a few hundred thousand counts instead of
-- joining millions of answers. One row per office, scope, local day, channel, question and value:
--   scope        '*' for every response, 'dept:KEY' for one department's ('dept:' when none was named);
--   question_key a question's key, or a pseudo-question starting with '#' ('#complete', '#version',
--                '#hour', '#dept:KEY' for the overall rating per department);
--   value        a rating '1'..'5', '-' for "nie dotyczy", a choice's key, or the pseudo-question's value.
-- The counts are filled in by the program (store/tally.rs), which also rebuilds them from the responses
-- when this migration is applied to a database that has responses already.
CREATE TABLE tally (
    office_id     INTEGER NOT NULL REFERENCES offices(id),
    scope         TEXT NOT NULL,
    day           TEXT NOT NULL,
    channel       TEXT NOT NULL,
    question_key  TEXT NOT NULL,
    value         TEXT NOT NULL,
    n             INTEGER NOT NULL,
    PRIMARY KEY (office_id, scope, day, channel, question_key, value)
) WITHOUT ROWID;
