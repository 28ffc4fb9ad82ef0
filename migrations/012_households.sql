-- 012: households formed by staff, and the children in them.
--
-- A household (001) is adults on one shared plan. Children are members who
-- do not log in: a name and a birth date, no CPR number. A goal may name the
-- child it is about (goals.child_id); such a goal is child-related, and the
-- goals naming one child are exported on their own (Barnets lov: the parts
-- about a child stay separable). A child belongs to one household; the
-- household's plan is the plan whose household_id it is.
CREATE TABLE children (
  id           BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  household_id BIGINT UNSIGNED NOT NULL,
  name         VARCHAR(200) NOT NULL,
  birth_date   DATE NOT NULL,
  created_by   BIGINT UNSIGNED NULL,
  created_at   DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  KEY children_household (household_id, id),
  CONSTRAINT children_household_fk FOREIGN KEY (household_id) REFERENCES households (id),
  CONSTRAINT children_created_by_fk FOREIGN KEY (created_by) REFERENCES staff (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_danish_ci;

ALTER TABLE goals
  ADD COLUMN child_id BIGINT UNSIGNED NULL,
  ADD KEY goals_child (child_id),
  ADD CONSTRAINT goals_child_fk FOREIGN KEY (child_id) REFERENCES children (id);

-- The kept plan documents are rebuilt: a goal now shows child_id.
DELETE FROM plan_docs;
