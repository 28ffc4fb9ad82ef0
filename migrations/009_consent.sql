-- 009: consent first (LAB §30 b). The consents table stays the record of
-- every fact; each fact now names the wording the citizen agreed to
-- (text_version, the constant in core/consent.c) and whether staff
-- recorded it from a signed paper (paper, with recorded_by).
-- citizens.consent is the newest fact, kept with the citizen in the same
-- transaction as the fact, so the session query (primary-key reads only)
-- tells every request whether the citizen has consented; plans.frozen is
-- whether any member of the plan has withdrawn, kept in that transaction
-- too, so every change of a plan sees it when it locks the plan's row.
ALTER TABLE consents
  ADD COLUMN text_version VARCHAR(32) NOT NULL DEFAULT '',
  ADD COLUMN paper BOOLEAN NOT NULL DEFAULT FALSE;

ALTER TABLE citizens
  ADD COLUMN consent ENUM('none','given','withdrawn') NOT NULL DEFAULT 'none',
  ADD COLUMN consent_at DATETIME(6) NULL;

ALTER TABLE plans
  ADD COLUMN frozen BOOLEAN NOT NULL DEFAULT FALSE;

UPDATE citizens c
  JOIN consents k ON k.id = (SELECT MAX(k2.id) FROM consents k2 WHERE k2.citizen_id = c.id)
  SET c.consent = k.action, c.consent_at = k.at, c.rev = c.rev + 1;

UPDATE plans p
  SET p.frozen = EXISTS (SELECT 1 FROM citizens c WHERE c.plan_id = p.id AND c.consent = 'withdrawn');
