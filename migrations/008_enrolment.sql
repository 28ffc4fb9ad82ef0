-- 008: enrolment. A caseworker enrols a citizen by CPR number into a
-- course; the same number may be enrolled again once that course ended,
-- but never has two open courses. The database keeps that itself:
-- cpr_open is the look-up hash while the course is open and NULL after it
-- ended, and is unique (NULLs never collide), so two enrolments of one
-- number at once end with one row and one duplicate-key refusal.
-- cpr_lookup keeps a plain index: a login finds the open course first.
--
-- first_login_at: when the citizen first logged in (NULL: never). Rows
-- from before had no such column; what they did shows that they logged in
-- (a session still kept, a yes, a dream, a proposal), and the earliest of
-- those is taken. A row without any stays NULL.
ALTER TABLE citizens
  ADD COLUMN first_login_at DATETIME(6) NULL,
  ADD COLUMN cpr_open BINARY(32) AS (IF(course_ended_at IS NULL, cpr_lookup, NULL)) STORED,
  DROP KEY citizens_cpr_lookup,
  ADD KEY citizens_cpr_lookup (cpr_lookup),
  ADD UNIQUE KEY citizens_cpr_open (cpr_open);

UPDATE citizens c
  SET c.first_login_at = (
    SELECT MIN(e.t) FROM (
      SELECT citizen_id, FROM_UNIXTIME(created_at) AS t FROM sessions WHERE kind = 'citizen'
      UNION ALL SELECT citizen_id, at FROM plan_acceptances
      UNION ALL SELECT citizen_id, created_at FROM dreams
      UNION ALL SELECT citizen_id, created_at FROM proposals
    ) e WHERE e.citizen_id = c.id);
