-- 004: a staff member is the pair (issuer, subject) of the login that
-- vouches for them, compared byte for byte (DESIGN.md, Identity). sub was
-- a VARCHAR in utf8mb4_danish_ci, so that "METTE", "mette " (a trailing
-- space), a full-width "ｍｅｔｔｅ", "mëtte" or "mette" with a zero-width
-- space found mette. Both are VARBINARY now (no case or accent folding,
-- no padding), and the pair is the unique key.
--
-- Rows from before had no issuer of their own: they were the configured
-- staff_issuer's, the only issuer the admin pool accepts. A migration
-- cannot read the configuration, so they get the empty issuer here, which
-- no verified token carries (it logs no one in), and `kaptajn migrate`
-- then gives every row with an empty issuer the configured staff_issuer
-- (core/migrate.c). A new row must name its issuer: the column keeps no
-- default.
ALTER TABLE staff
  ADD COLUMN issuer VARBINARY(255) NOT NULL DEFAULT '' AFTER id,
  MODIFY sub VARBINARY(255) NOT NULL,
  DROP KEY staff_sub,
  ADD UNIQUE KEY staff_identity (issuer, sub);
ALTER TABLE staff ALTER COLUMN issuer DROP DEFAULT;
