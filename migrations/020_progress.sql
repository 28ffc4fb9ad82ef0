-- 020: progress in the citizen's own words. How a goal or sub-goal is
-- going, as the citizen sees it (FHIR Goal achievementStatus), with a short
-- note. A row is never changed: a new answer is a new row, so the history
-- stays, and the newest row of a citizen and goal is how it goes now. It
-- never touches the goal itself: the goal's status is the caseworker's.
-- A goal that goes (a purged plan) takes its answers with it.
CREATE TABLE goal_progress (
  id         BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  goal_id    BIGINT UNSIGNED NOT NULL,
  citizen_id BIGINT UNSIGNED NOT NULL,
  status     ENUM('in-progress','improving','worsening','no-change','achieved','not-achieved') NOT NULL,
  note       TEXT NOT NULL,
  at         DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  KEY goal_progress_citizen (citizen_id, goal_id, id),
  CONSTRAINT goal_progress_goal_fk FOREIGN KEY (goal_id) REFERENCES goals (id) ON DELETE CASCADE,
  CONSTRAINT goal_progress_citizen_fk FOREIGN KEY (citizen_id) REFERENCES citizens (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_danish_ci;
