-- 010: the team leader (teamleder). A leader manages the staff directory,
-- sees every caseload of the municipality and moves citizens between
-- caseworkers; every look at a citizen is audited as any staff read is.
-- The leader's list of every citizen is read by (name, id) after a
-- position, as a caseload is (007), so it gets an index of its own.
ALTER TABLE staff MODIFY role ENUM('caseworker','contact','leader') NOT NULL;
CREATE INDEX citizens_name ON citizens (name, id);
