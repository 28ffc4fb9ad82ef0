-- 015: CPR key rotation. cpr_key_id is the id of the master key a row's
-- CPR number is sealed under and its look-up hash made with (the first 8
-- hex digits of an HMAC under a key derived from the master key for that
-- alone: it tells nothing of the key). A row is sealed under the current
-- key (keys_file); an old key (keys_old_files) only opens and finds rows
-- until kaptajn reseal, which the periodic jobs run, has sealed them under
-- the current one.
--
-- A migration is SQL and knows no key, so the rows sealed before this one
-- keep NULL: "the key that was current before 015". Such a row is opened
-- with each configured key in turn, found by the look-up hash under each,
-- and counts as not yet under the current key, so the first kaptajn
-- reseal (kaptajn-jobs) seals it again and gives it the id. Nothing needs
-- doing by hand. The index serves reseal's look for rows under a key that
-- is not the current one.
ALTER TABLE citizens
  ADD COLUMN cpr_key_id CHAR(8) CHARACTER SET ascii COLLATE ascii_bin NULL,
  ADD KEY citizens_cpr_key_id (cpr_key_id);
