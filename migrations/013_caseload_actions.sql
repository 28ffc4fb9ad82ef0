-- 013: what needs action in a caseload. Each caseload row looks up its
-- plan's next meeting not yet held and whether a follow-up is due (past
-- and not held); both look for meetings of one plan that are not held, by
-- time, so one index answers both from its own columns, without reading
-- the rows.
CREATE INDEX meetings_plan_open ON meetings (plan_id, held_at, starts_at, kind);
