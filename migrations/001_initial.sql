-- 001: the citizen core. Households, citizens and staff; one plan per
-- citizen or household with its dreams, goals, proposals, versions and
-- acceptances; sessions and used token ids; the audit log.
-- Times that people read are DATETIME(6) in UTC; session clocks are unix
-- seconds, compared in C.

CREATE TABLE households (
  id         BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  name       VARCHAR(200) NOT NULL,
  created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_danish_ci;

-- Caseworkers and contact persons. sub is the subject at the municipality's
-- login; title is how the citizen sees the role ("Mentor", "Bostøtte").
CREATE TABLE staff (
  id         BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  sub        VARCHAR(255) NOT NULL,
  name       VARCHAR(200) NOT NULL,
  role       ENUM('caseworker','contact') NOT NULL,
  title      VARCHAR(100) NOT NULL,
  phone      VARCHAR(40) NOT NULL DEFAULT '',
  email      VARCHAR(200) NOT NULL DEFAULT '',
  active     BOOLEAN NOT NULL DEFAULT TRUE,
  created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  UNIQUE KEY staff_sub (sub)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_danish_ci;

-- One joint plan; version rises by one with every change (plan_history
-- holds a row per version).
CREATE TABLE plans (
  id           BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  household_id BIGINT UNSIGNED NULL,
  version      INT UNSIGNED NOT NULL DEFAULT 1,
  created_at   DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  updated_at   DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  UNIQUE KEY plans_household (household_id),
  CONSTRAINT plans_household_fk FOREIGN KEY (household_id) REFERENCES households (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_danish_ci;

-- cpr_sealed is AES-256-GCM (iv || ciphertext || tag) with the row id bound
-- as additional data; cpr_lookup is an HMAC-SHA256 for finding the row at
-- login. Both keys come from a file outside the database.
CREATE TABLE citizens (
  id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  plan_id       BIGINT UNSIGNED NOT NULL,
  household_id  BIGINT UNSIGNED NULL,
  name          VARCHAR(200) NOT NULL,
  cpr_sealed    VARBINARY(64) NULL,
  cpr_lookup    BINARY(32) NULL,
  caseworker_id BIGINT UNSIGNED NULL,
  contact_id    BIGINT UNSIGNED NULL,
  created_at    DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  UNIQUE KEY citizens_cpr_lookup (cpr_lookup),
  KEY citizens_plan (plan_id),
  KEY citizens_caseworker (caseworker_id),
  KEY citizens_contact (contact_id),
  CONSTRAINT citizens_plan_fk FOREIGN KEY (plan_id) REFERENCES plans (id),
  CONSTRAINT citizens_household_fk FOREIGN KEY (household_id) REFERENCES households (id),
  CONSTRAINT citizens_caseworker_fk FOREIGN KEY (caseworker_id) REFERENCES staff (id),
  CONSTRAINT citizens_contact_fk FOREIGN KEY (contact_id) REFERENCES staff (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_danish_ci;

-- A dream is the citizen's own words. Deleting one hides it (deleted_at):
-- the plan's history keeps what was there.
CREATE TABLE dreams (
  id         BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  plan_id    BIGINT UNSIGNED NOT NULL,
  citizen_id BIGINT UNSIGNED NOT NULL,
  text       TEXT NOT NULL,
  created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  deleted_at DATETIME(6) NULL,
  KEY dreams_plan (plan_id, deleted_at),
  CONSTRAINT dreams_plan_fk FOREIGN KEY (plan_id) REFERENCES plans (id),
  CONSTRAINT dreams_citizen_fk FOREIGN KEY (citizen_id) REFERENCES citizens (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_danish_ci;

-- The legal paragraphs goals may rest on. child_related marks the parts of
-- a plan that must stay separable (Barnets lov, formerly SEL §140).
CREATE TABLE legal_bases (
  code          VARCHAR(40) NOT NULL PRIMARY KEY,
  law           VARCHAR(100) NOT NULL,
  title         VARCHAR(200) NOT NULL,
  child_related BOOLEAN NOT NULL DEFAULT FALSE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

INSERT INTO legal_bases (code, law, title, child_related) VALUES
  ('LAB §30 a', 'Lov om en aktiv beskæftigelsesindsats', 'Jobplan', FALSE),
  ('LAB §30 b', 'Lov om en aktiv beskæftigelsesindsats', 'Fælles plan (samtykke)', FALSE),
  ('LAB §91', 'Lov om en aktiv beskæftigelsesindsats', 'Virksomhedspraktik', FALSE),
  ('LAB §175', 'Lov om en aktiv beskæftigelsesindsats', 'Mentorstøtte', FALSE),
  ('LAS §11', 'Lov om aktiv socialpolitik', 'Kontanthjælp', FALSE),
  ('LAS §68 a', 'Lov om aktiv socialpolitik', 'Ressourceforløbsydelse', FALSE),
  ('SEL §81 a', 'Serviceloven', 'Koordination af indsatsen', FALSE),
  ('SEL §85', 'Serviceloven', 'Socialpædagogisk støtte', FALSE),
  ('SEL §101', 'Serviceloven', 'Stofmisbrugsbehandling', FALSE),
  ('SEL §107', 'Serviceloven', 'Midlertidigt botilbud', FALSE),
  ('SUL §138', 'Sundhedsloven', 'Hjemmesygepleje', FALSE),
  ('SUL §141', 'Sundhedsloven', 'Alkoholbehandling', FALSE),
  ('LSD §68', 'Lov om sygedagpenge', 'Opfølgning ved sygdom', FALSE),
  ('STU §1', 'Lov om ungdomsuddannelse for unge med særlige behov', 'Særligt tilrettelagt ungdomsuddannelse', FALSE),
  ('BL §32', 'Barnets lov', 'Støttende indsatser til barnet og familien', TRUE),
  ('BL §19', 'Barnets lov', 'Børnefaglig undersøgelse', TRUE),
  ('SEL §140', 'Serviceloven (før 2024)', 'Handleplan for barnet', TRUE);

-- Goals and sub-goals (parent_id). status follows FHIR's Goal life cycle.
CREATE TABLE goals (
  id             BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  plan_id        BIGINT UNSIGNED NOT NULL,
  parent_id      BIGINT UNSIGNED NULL,
  title          VARCHAR(200) NOT NULL,
  description    TEXT NOT NULL,
  area           ENUM('job','education','health','social','family','housing','economy') NOT NULL,
  legal_basis    VARCHAR(40) COLLATE utf8mb4_bin NOT NULL,
  status         ENUM('proposed','accepted','active','on-hold','completed','cancelled','rejected') NOT NULL DEFAULT 'active',
  hours_per_week DECIMAL(4,1) NULL,
  child_related  BOOLEAN NOT NULL DEFAULT FALSE,
  created_by     BIGINT UNSIGNED NULL,
  created_at     DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  updated_at     DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  KEY goals_plan (plan_id),
  CONSTRAINT goals_plan_fk FOREIGN KEY (plan_id) REFERENCES plans (id),
  CONSTRAINT goals_parent_fk FOREIGN KEY (parent_id) REFERENCES goals (id),
  CONSTRAINT goals_legal_basis_fk FOREIGN KEY (legal_basis) REFERENCES legal_bases (code),
  CONSTRAINT goals_created_by_fk FOREIGN KEY (created_by) REFERENCES staff (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_danish_ci;

-- A citizen's request to add, change or retire a goal. A decided proposal is
-- never edited: closed_at, decided_by and decision_reason are written once.
CREATE TABLE proposals (
  id              BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  plan_id         BIGINT UNSIGNED NOT NULL,
  citizen_id      BIGINT UNSIGNED NOT NULL,
  kind            ENUM('add_goal','change_goal','retire_goal') NOT NULL,
  goal_id         BIGINT UNSIGNED NULL,
  title           VARCHAR(200) NULL,
  description     TEXT NULL,
  reason          TEXT NOT NULL,
  status          ENUM('pending','approved','rejected','withdrawn','superseded') NOT NULL DEFAULT 'pending',
  created_at      DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  closed_at       DATETIME(6) NULL,
  decided_by      BIGINT UNSIGNED NULL,
  decision_reason TEXT NULL,
  superseded_by   BIGINT UNSIGNED NULL,
  KEY proposals_citizen (citizen_id, id),
  KEY proposals_plan_status (plan_id, status),
  KEY proposals_status (status, created_at),
  CONSTRAINT proposals_plan_fk FOREIGN KEY (plan_id) REFERENCES plans (id),
  CONSTRAINT proposals_citizen_fk FOREIGN KEY (citizen_id) REFERENCES citizens (id),
  CONSTRAINT proposals_goal_fk FOREIGN KEY (goal_id) REFERENCES goals (id),
  CONSTRAINT proposals_decided_by_fk FOREIGN KEY (decided_by) REFERENCES staff (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_danish_ci;

-- One row per plan version, written in the transaction that made it.
CREATE TABLE plan_history (
  id               BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  plan_id          BIGINT UNSIGNED NOT NULL,
  version          INT UNSIGNED NOT NULL,
  at               DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  actor_kind       ENUM('citizen','staff','system') NOT NULL,
  actor_citizen_id BIGINT UNSIGNED NULL,
  actor_staff_id   BIGINT UNSIGNED NULL,
  summary          VARCHAR(500) NOT NULL,
  request_id       VARCHAR(64) NOT NULL DEFAULT '',
  UNIQUE KEY plan_history_version (plan_id, version),
  CONSTRAINT plan_history_plan_fk FOREIGN KEY (plan_id) REFERENCES plans (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_danish_ci;

-- Consent to the joint plan (LAB §30 b) and each "yes" to a plan version are
-- facts with a time: rows are added, never updated.
CREATE TABLE consents (
  id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  citizen_id  BIGINT UNSIGNED NOT NULL,
  plan_id     BIGINT UNSIGNED NOT NULL,
  action      ENUM('given','withdrawn') NOT NULL,
  at          DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  recorded_by BIGINT UNSIGNED NULL,
  request_id  VARCHAR(64) NOT NULL DEFAULT '',
  KEY consents_citizen (citizen_id, id),
  CONSTRAINT consents_citizen_fk FOREIGN KEY (citizen_id) REFERENCES citizens (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_danish_ci;

CREATE TABLE plan_acceptances (
  id         BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  plan_id    BIGINT UNSIGNED NOT NULL,
  citizen_id BIGINT UNSIGNED NOT NULL,
  version    INT UNSIGNED NOT NULL,
  at         DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  request_id VARCHAR(64) NOT NULL DEFAULT '',
  KEY plan_acceptances_citizen (citizen_id, plan_id, version),
  CONSTRAINT plan_acceptances_plan_fk FOREIGN KEY (plan_id) REFERENCES plans (id),
  CONSTRAINT plan_acceptances_citizen_fk FOREIGN KEY (citizen_id) REFERENCES citizens (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_danish_ci;

-- Server-side sessions. Only SHA-256 hashes of the cookie value and of the
-- CSRF token are stored. Clocks are unix seconds.
CREATE TABLE sessions (
  id_hash    BINARY(32) NOT NULL PRIMARY KEY,
  kind       ENUM('citizen','staff') NOT NULL,
  citizen_id BIGINT UNSIGNED NULL,
  staff_id   BIGINT UNSIGNED NULL,
  csrf_hash  BINARY(32) NOT NULL,
  created_at BIGINT NOT NULL,
  last_seen  BIGINT NOT NULL,
  ended_at   BIGINT NULL,
  KEY sessions_created (created_at),
  CONSTRAINT sessions_citizen_fk FOREIGN KEY (citizen_id) REFERENCES citizens (id),
  CONSTRAINT sessions_staff_fk FOREIGN KEY (staff_id) REFERENCES staff (id)
) ENGINE=InnoDB;

-- ID token ids (hashed with their issuer) already used for a login, kept
-- until the token would have expired anyway.
CREATE TABLE used_tokens (
  jti_hash   BINARY(32) NOT NULL PRIMARY KEY,
  expires_at BIGINT NOT NULL,
  KEY used_tokens_expires (expires_at)
) ENGINE=InnoDB;

-- Append-only log of staff reads and changes of a citizen's data. Each row
-- carries the SHA-256 of the previous row and of its own content.
CREATE TABLE audit_log (
  id             BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  at             DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  actor_kind     ENUM('citizen','staff','system') NOT NULL,
  actor_staff_id BIGINT UNSIGNED NULL,
  actor_name     VARCHAR(200) NOT NULL,
  actor_role     VARCHAR(64) NOT NULL,
  citizen_id     BIGINT UNSIGNED NULL,
  action         VARCHAR(64) NOT NULL,
  object         VARCHAR(200) NOT NULL DEFAULT '',
  request_id     VARCHAR(64) NOT NULL DEFAULT '',
  prev_hash      BINARY(32) NOT NULL,
  row_hash       BINARY(32) NOT NULL,
  KEY audit_log_citizen (citizen_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_danish_ci;
