-- 002: the caseworker's side. The head of the audit chain, contact persons'
-- comments on proposals, network meetings and follow-ups, and how a course
-- ended.

-- One row: the hash of the newest audit row. Every audit insert locks it,
-- so rows are chained in one order even when many staff work at once.
CREATE TABLE audit_head (
  id        TINYINT UNSIGNED NOT NULL PRIMARY KEY,
  last_id   BIGINT UNSIGNED NOT NULL DEFAULT 0,
  last_hash BINARY(32) NOT NULL
) ENGINE=InnoDB;
INSERT INTO audit_head (id, last_id, last_hash) VALUES (1, 0, REPEAT(CHAR(0), 32));

CREATE TABLE proposal_comments (
  id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  proposal_id BIGINT UNSIGNED NOT NULL,
  staff_id    BIGINT UNSIGNED NOT NULL,
  text        TEXT NOT NULL,
  at          DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  KEY proposal_comments_proposal (proposal_id, id),
  CONSTRAINT proposal_comments_proposal_fk FOREIGN KEY (proposal_id) REFERENCES proposals (id),
  CONSTRAINT proposal_comments_staff_fk FOREIGN KEY (staff_id) REFERENCES staff (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_danish_ci;

-- Network meetings (with the citizen's own network) and follow-up
-- conversations. participants is a JSON array checked by the program.
CREATE TABLE meetings (
  id           BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  plan_id      BIGINT UNSIGNED NOT NULL,
  citizen_id   BIGINT UNSIGNED NOT NULL,
  kind         ENUM('network','follow_up') NOT NULL,
  starts_at    DATETIME NOT NULL,
  place        VARCHAR(200) NOT NULL,
  agenda       TEXT NOT NULL,
  participants TEXT NOT NULL,
  held_at      DATETIME(6) NULL,
  created_by   BIGINT UNSIGNED NOT NULL,
  created_at   DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  KEY meetings_plan (plan_id, starts_at),
  KEY meetings_citizen (citizen_id, starts_at),
  CONSTRAINT meetings_plan_fk FOREIGN KEY (plan_id) REFERENCES plans (id),
  CONSTRAINT meetings_citizen_fk FOREIGN KEY (citizen_id) REFERENCES citizens (id),
  CONSTRAINT meetings_created_by_fk FOREIGN KEY (created_by) REFERENCES staff (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_danish_ci;

-- How a citizen's course ended, recorded once by the caseworker.
ALTER TABLE citizens
  ADD COLUMN course_outcome ENUM('job','education','early_pension','other') NULL,
  ADD COLUMN course_ended_at DATETIME(6) NULL,
  ADD COLUMN course_ended_by BIGINT UNSIGNED NULL,
  ADD CONSTRAINT citizens_course_ended_by_fk FOREIGN KEY (course_ended_by) REFERENCES staff (id);

CREATE INDEX proposals_goal_status ON proposals (goal_id, status);
