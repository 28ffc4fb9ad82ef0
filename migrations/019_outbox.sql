-- 019: notifications through an outbox.
--
-- A citizen chooses how they hear that there is news in Kaptajn: e-mail,
-- SMS, or nothing (notification_settings; the address and the number are
-- personal data, purged with the citizen's other rows). An event (a
-- decision, a planned meeting, a plan awaiting a yes...) writes one outbox
-- row per channel the citizen has turned on, in the transaction of the
-- change itself, so that a change and its notice commit or roll back
-- together. A sender under the citizen pool's supervisor claims due rows
-- (claim, lease_until), delivers and marks them: sent; pending again with
-- next_at later (a clear failure); unknown (the outcome could not be
-- known: never sent again); failed (given up); held (the channel is not
-- configured or was turned off). The row holds no address, no name and no
-- content: the address is read at delivery.
CREATE TABLE notification_settings (
  citizen_id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
  email      VARCHAR(254) NULL,
  email_on   TINYINT(1) NOT NULL DEFAULT 0,
  sms        VARCHAR(16) NULL,
  sms_on     TINYINT(1) NOT NULL DEFAULT 0,
  updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  CONSTRAINT notification_settings_citizen_fk FOREIGN KEY (citizen_id) REFERENCES citizens (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- waiting is set (to the kind) on a row whose kind is coalesced while it
-- waits to be sent: at most one such row per citizen and channel
-- (outbox_waiting); a claim clears it.
CREATE TABLE outbox (
  id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  citizen_id  BIGINT UNSIGNED NOT NULL,
  kind        VARCHAR(32) NOT NULL,
  ref_id      BIGINT NOT NULL,
  channel     ENUM('email','sms','digital_post') NOT NULL,
  status      ENUM('pending','sending','sent','unknown','failed','held') NOT NULL DEFAULT 'pending',
  attempts    INT UNSIGNED NOT NULL DEFAULT 0,
  next_at     DATETIME(3) NOT NULL,
  claim       BIGINT UNSIGNED NULL,
  lease_until DATETIME(3) NULL,
  waiting     VARCHAR(32) NULL,
  created_at  DATETIME(3) NOT NULL,
  done_at     DATETIME(3) NULL,
  UNIQUE KEY outbox_waiting (citizen_id, channel, waiting),
  KEY outbox_due (status, next_at),
  KEY outbox_claim (claim),
  CONSTRAINT outbox_citizen_fk FOREIGN KEY (citizen_id) REFERENCES citizens (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- The day-before notice: the start it was queued for, so that it is
-- queued once per meeting (and again if the meeting moves); the scan
-- looks for meetings not held that start within a day.
ALTER TABLE meetings ADD COLUMN reminded_for DATETIME NULL;
CREATE INDEX meetings_reminder ON meetings (held_at, starts_at);
