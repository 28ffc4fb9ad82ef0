-- 017: meetings made together. The citizen adds points to the agenda of an
-- upcoming meeting (staff may too: a point keeps who wrote it and when),
-- answers whether they are coming (one answer per meeting, the latest
-- counts), and staff write minutes after the meeting. Points and answers
-- carry the meeting's citizen, so the retention purge finds them by it.
CREATE TABLE meeting_points (
  id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  meeting_id  BIGINT UNSIGNED NOT NULL,
  citizen_id  BIGINT UNSIGNED NOT NULL,
  staff_id    BIGINT UNSIGNED NULL,         -- NULL: the citizen wrote it
  text        TEXT NOT NULL,
  created_at  DATETIME(6) NOT NULL,
  KEY meeting_points_meeting (meeting_id, id),
  KEY meeting_points_citizen (citizen_id, meeting_id),
  CONSTRAINT meeting_points_meeting_fk FOREIGN KEY (meeting_id) REFERENCES meetings (id),
  CONSTRAINT meeting_points_citizen_fk FOREIGN KEY (citizen_id) REFERENCES citizens (id),
  CONSTRAINT meeting_points_staff_fk FOREIGN KEY (staff_id) REFERENCES staff (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_danish_ci;

CREATE TABLE meeting_responses (
  meeting_id  BIGINT UNSIGNED NOT NULL PRIMARY KEY,
  citizen_id  BIGINT UNSIGNED NOT NULL,
  answer      ENUM('coming','cannot_come') NOT NULL,
  comment     TEXT NULL,
  answered_at DATETIME(6) NOT NULL,
  KEY meeting_responses_citizen (citizen_id),
  CONSTRAINT meeting_responses_meeting_fk FOREIGN KEY (meeting_id) REFERENCES meetings (id),
  CONSTRAINT meeting_responses_citizen_fk FOREIGN KEY (citizen_id) REFERENCES citizens (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_danish_ci;

ALTER TABLE meetings
  ADD COLUMN minutes TEXT NULL,
  ADD COLUMN minutes_at DATETIME(6) NULL,
  ADD COLUMN minutes_by BIGINT UNSIGNED NULL,
  ADD CONSTRAINT meetings_minutes_by_fk FOREIGN KEY (minutes_by) REFERENCES staff (id);
