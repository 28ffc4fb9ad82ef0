-- 006: what a citizen's plan answer shows besides the plan's dreams and
-- goals, made cheap to prove current. citizens.rev is raised in the same
-- transaction as every change of it (the citizen's yes, the contact person
-- assigned), so a worker may keep that part of the answer in memory under
-- (citizen, rev), as it keeps the dreams and goals under (plan, version):
-- one primary-key read of the session, the citizen and the plan proves
-- both current, on any number of application hosts. core/db.c refuses to
-- commit a transaction that changes either without raising it.
-- accepted_version is the citizen's last yes to this plan, kept with the
-- citizen so the read needs no look into plan_acceptances (which stays the
-- record of every yes).
ALTER TABLE citizens
  ADD COLUMN rev BIGINT UNSIGNED NOT NULL DEFAULT 0,
  ADD COLUMN accepted_version INT UNSIGNED NULL;

UPDATE citizens c
  SET c.accepted_version = (SELECT MAX(a.version) FROM plan_acceptances a
                            WHERE a.plan_id = c.plan_id AND a.citizen_id = c.id);
