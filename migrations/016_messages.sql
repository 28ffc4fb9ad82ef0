-- 016: messages between a citizen and the staff around them (the contact
-- person, the caseworker). One thread per citizen, never per plan or
-- household: a household member never sees another member's thread.
-- author_staff_id is NULL for the citizen's own messages. read_at is when
-- the other side first read it. client_key is the writer's own name for a
-- message (a retry after a dropped connection sends it again): a message
-- is stored once per key in a thread.
CREATE TABLE messages (
  id              BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  citizen_id      BIGINT UNSIGNED NOT NULL,
  author_kind     ENUM('citizen','staff') NOT NULL,
  author_staff_id BIGINT UNSIGNED NULL,
  text            TEXT NOT NULL,
  client_key      VARCHAR(64) NULL,
  created_at      DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  read_at         DATETIME(6) NULL,
  KEY messages_thread (citizen_id, id),
  KEY messages_unread (citizen_id, author_kind, read_at),
  UNIQUE KEY messages_client_key (citizen_id, client_key),
  CONSTRAINT messages_citizen_fk FOREIGN KEY (citizen_id) REFERENCES citizens (id),
  CONSTRAINT messages_staff_fk FOREIGN KEY (author_staff_id) REFERENCES staff (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_danish_ci;

-- When a staff member usually answers ("Man-tor 9-15, fre 9-12"), shown on
-- the citizen's contact card.
ALTER TABLE staff ADD COLUMN hours VARCHAR(200) NOT NULL DEFAULT '' AFTER email;
