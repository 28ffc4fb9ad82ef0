-- 014: the OpenID Connect login (authorization code flow with PKCE).
-- A login attempt lives between GET /api/v1/login and its callback: the
-- state is kept only as its SHA-256 (it travels in URLs), the binder (the
-- pre-login cookie's value) only as its SHA-256; nonce and verifier are
-- needed in clear at the callback. An attempt is used once (used_at) and
-- only within OIDC_ATTEMPT_TTL of created_at; the purge job deletes those
-- older than an hour. Clocks are unix seconds, as the sessions'.
CREATE TABLE login_attempts (
  state_hash  BINARY(32) NOT NULL PRIMARY KEY,
  side        ENUM('citizen','staff') NOT NULL,
  binder_hash BINARY(32) NOT NULL,
  nonce       VARBINARY(64) NOT NULL,
  verifier    VARBINARY(64) NOT NULL,
  return_to   VARBINARY(512) NOT NULL,
  created_at  BIGINT NOT NULL,
  used_at     BIGINT NULL,
  KEY login_attempts_created (created_at)
) ENGINE=InnoDB;

-- The ID token of a session's login, AES-256-GCM sealed (session key,
-- the session's id hash as additional data), for the logout's
-- id_token_hint. NULL for sessions opened without the code flow.
ALTER TABLE sessions ADD COLUMN id_token VARBINARY(12288) NULL;
