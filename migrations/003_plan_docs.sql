-- 003: the plan's dreams and goals kept ready as JSON, one row per plan, for
-- the citizen's plan read. A row is valid only while its version equals
-- plans.version: every change raises that version, so a change makes the
-- row stale without touching it, and the next read builds it again. The
-- row is a cache: deleting any or all rows loses nothing.
CREATE TABLE plan_docs (
  plan_id  BIGINT UNSIGNED NOT NULL PRIMARY KEY,
  version  INT UNSIGNED NOT NULL,
  doc      MEDIUMTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  built_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  CONSTRAINT plan_docs_plan_fk FOREIGN KEY (plan_id) REFERENCES plans (id) ON DELETE CASCADE
) ENGINE=InnoDB;
