/* reseal.h: CPR key rotation. Every sealed CPR number (citizens.cpr_sealed)
 * and its look-up hash are made under the current master key (keys_file)
 * and keep its key id (migrations/015_cpr_key_id.sql); after a rotation
 * the old key (keys_old_files) still opens and finds the rows sealed under
 * it, and kaptajn reseal (run by the periodic jobs too) seals them again
 * under the current one. */
#ifndef KP_RESEAL_H
#define KP_RESEAL_H

#include <stdio.h>

#include "crypto.h"
#include "db.h"

/* What a run did. */
struct reseal_counts {
	long long resealed; /* sealed again under the current key */
	long long skipped;  /* changed by another run since it was read: left to it */
	long long failed;   /* did not open: its key is not configured, or damaged */
};

/*
 * Seals every row not under the current key (keys->key[0]) again under
 * it, DB_RESEAL_BATCH rows read at a time; each row is one UPDATE, its own
 * transaction, that changes it only if it still holds what was read (the
 * same sealed bytes under the same key id), so two runs at once, on one
 * host or two, never clash and never undo each other. A row that does not
 * open is said to log (with its key id) and left as it is. When any row
 * was sealed again, one audit row (system, "cpr_resealed") says how many.
 * Returns 0 when no row failed, 1 when some did, -1 on a database error
 * (said to log; what was done stays done).
 */
int reseal_run(struct db *db, const struct kp_keys *keys, struct rng *rng,
               struct reseal_counts *c, FILE *log);

/*
 * Says to out how many sealed rows each key id has (the current one
 * marked, a key id that is not configured named as such, rows from before
 * 015 as "no key id"). Returns how many rows are under a key that is not
 * the current one (0: the rotation is done), or -1 on a database error.
 */
long long reseal_check(struct db *db, const struct kp_keys *keys, FILE *out, FILE *log);

#endif
