-- 018: saying yes knowingly.
--
-- plan_changes: what each version changed, field by field, in words the
-- citizen can read, written in the transaction that raises the version
-- (next to its plan_history row). Versions made before 018, and changes
-- that name no field (a new contact person, a household formed), have
-- none: their history summary stands for them.
CREATE TABLE plan_changes (
  id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  plan_id     BIGINT UNSIGNED NOT NULL,
  version     INT UNSIGNED NOT NULL,
  subject     ENUM('dream','goal','subgoal') NOT NULL,
  subject_id  BIGINT UNSIGNED NOT NULL,
  field       VARCHAR(40) NOT NULL,
  what        VARCHAR(500) NOT NULL,
  before_text TEXT NULL,
  after_text  TEXT NULL,
  KEY plan_changes_version (plan_id, version, id),
  CONSTRAINT plan_changes_plan_fk FOREIGN KEY (plan_id) REFERENCES plans (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_danish_ci;

-- plan_answers: the citizen's answers to a version. A yes keeps its
-- receipt (what was agreed: the goals and dreams at that version) and is
-- also a row of plan_acceptances, the record of every yes. A not_yet
-- keeps the citizen's comment and stays open for the contact person until
-- a later yes or a staff acknowledgement closes it (closed_by: the staff
-- member; NULL with closed_at set: the citizen's own yes).
CREATE TABLE plan_answers (
  id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  plan_id     BIGINT UNSIGNED NOT NULL,
  citizen_id  BIGINT UNSIGNED NOT NULL,
  version     INT UNSIGNED NOT NULL,
  answer      ENUM('yes','not_yet') NOT NULL,
  comment     TEXT NULL,
  receipt     MEDIUMTEXT NULL,
  at          DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  closed_at   DATETIME(6) NULL,
  closed_by   BIGINT UNSIGNED NULL,
  request_id  VARCHAR(64) NOT NULL DEFAULT '',
  KEY plan_answers_citizen (citizen_id, answer, id),
  CONSTRAINT plan_answers_plan_fk FOREIGN KEY (plan_id) REFERENCES plans (id),
  CONSTRAINT plan_answers_citizen_fk FOREIGN KEY (citizen_id) REFERENCES citizens (id),
  CONSTRAINT plan_answers_closed_by_fk FOREIGN KEY (closed_by) REFERENCES staff (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_danish_ci;

-- accepted_through: the newest version the citizen's last yes still
-- covers. A yes sets it to that version; the citizen's own edit of their
-- own dream moves it on with the version when it was the current one; any
-- other change (staff, a household member, the system) leaves it behind.
-- The yes stands while accepted_through = plans.version.
ALTER TABLE citizens ADD COLUMN accepted_through INT UNSIGNED NULL;
UPDATE citizens SET accepted_through = accepted_version;
