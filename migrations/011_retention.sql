-- 011: the end of a course and what is left after it.
--
-- A course may end as moved away or with consent withdrawn too, and be
-- reopened within the configured period (course_reopen_days). After the
-- retention period (retention_years after the end) `kaptajn purge` deletes
-- the citizen's plan content, proposals, meetings, consents and sealed CPR
-- and keeps the citizen row only as a tombstone (id, outcome, dates;
-- purged_at set, name and CPR gone).
--
-- Audit rows written from now on are hash version 2: the row hash covers a
-- digest of the personal fields (actor_name, object) instead of the fields
-- themselves, and the digest is kept in the row. A purge empties those
-- fields and sets redacted_at; the chain still verifies with the kept
-- digest. `kaptajn migrate` reseals version 1 rows as version 2 once it
-- has checked their chain (core/audit.c).
ALTER TABLE citizens
  MODIFY COLUMN course_outcome
    ENUM('job','education','early_pension','other','moved_away','consent_withdrawn') NULL,
  ADD COLUMN purged_at DATETIME(6) NULL;
CREATE INDEX citizens_course_ended ON citizens (course_ended_at);

ALTER TABLE audit_log
  ADD COLUMN hash_version TINYINT UNSIGNED NOT NULL DEFAULT 1,
  ADD COLUMN personal_digest BINARY(32) NULL,
  ADD COLUMN redacted_at DATETIME(6) NULL;
