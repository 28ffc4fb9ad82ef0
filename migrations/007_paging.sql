-- 007: indexes for the paged lists (keyset, never offset). The caseload is
-- read by (name, id) after a position, for the citizens a staff member
-- coordinates or is contact for: each side of that OR finds the rows after
-- the position in its own index, in order, without reading the rest of the
-- caseload. The other paged lists already have theirs: the access log and
-- the audit in audit_log_citizen (citizen_id, id), the history in
-- plan_history_version (plan_id, version), a citizen's proposals in
-- proposals_citizen (citizen_id, id), the approval queue in
-- proposals_status (status, created_at, and the id InnoDB appends).
CREATE INDEX citizens_caseworker_name ON citizens (caseworker_id, name, id);
CREATE INDEX citizens_contact_name ON citizens (contact_id, name, id);
