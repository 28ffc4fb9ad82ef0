/* reseal.c: sealing CPR numbers again under the current key (see
 * reseal.h). */
#include <stdio.h>
#include <string.h>

#include "audit.h"
#include "reseal.h"

/* A row of DB_RESEAL_DUE. */
struct reseal_row {
	long long id;
	const uint8_t *sealed;
	size_t sealed_len;
	const char *key_id; /* NULL: sealed before 015 */
};

static void reseal_row_fill(const struct db_res *r, size_t i, struct reseal_row *row)
{
	row->id = db_i64(r, i, RS_DUE_ID);
	row->sealed = (const uint8_t *)db_cell(r, i, RS_DUE_SEALED);
	row->sealed_len = db_cell_len(r, i, RS_DUE_SEALED);
	row->key_id = db_cell(r, i, RS_DUE_KEY_ID);
}

/* Seals row again under the current key: KP_OK with *changed whether the
 * row was still as read; KP_EINVAL (said to log) when it does not open. */
static enum kp_err reseal_one(struct db *db, const struct kp_keys *keys, struct rng *rng,
                              const struct reseal_row *row, bool *changed, FILE *log)
{
	char aad[32], cpr[KP_CPR_LEN + 1];
	uint8_t sealed[KP_CPR_SEALED_LEN], lookup[KP_SHA256_LEN];
	unsigned long long n = 0;
	enum kp_cpr_open_rc orc;
	enum kp_err err = KP_EINTERNAL;

	*changed = false;
	snprintf(aad, sizeof(aad), "citizen:%lld", row->id);
	orc = kp_cpr_open(keys, row->key_id, row->sealed, row->sealed_len, aad, strlen(aad), cpr);
	if (orc != KP_CPR_OPEN_OK) {
		if (orc == KP_CPR_OPEN_NOKEY)
			fprintf(log, "reseal: citizen %lld: sealed under key id %s, which is not "
			        "configured (keys_file, keys_old_files); left as it is\n", row->id,
			        row->key_id);
		else
			fprintf(log, "reseal: citizen %lld: the CPR number does not open with %s; left "
			        "as it is\n", row->id, row->key_id != NULL ? "its key"
			                                           : "any configured key");
		return KP_EINVAL;
	}
	if (kp_cpr_seal(keys, rng, cpr, aad, strlen(aad), sealed) != 0)
		goto out;
	kp_cpr_lookup(keys, cpr, lookup);
	err = db_exec(db, DB_RESEAL_SET,
	              DB_ARGS(DB_BLOB(sealed, sizeof(sealed)), DB_BLOB(lookup, sizeof(lookup)),
	                      DB_STR(keys->key[0].id), DB_I64(row->id),
	                      DB_BLOB(row->sealed, row->sealed_len),
	                      row->key_id != NULL ? DB_STR(row->key_id) : DB_NULL),
	              &n, NULL);
	*changed = err == KP_OK && n == 1;
out:
	kp_wipe(cpr, sizeof(cpr));
	kp_wipe(lookup, sizeof(lookup));
	return err;
}

/* The run's one audit row, in a transaction of its own. */
static enum kp_err reseal_audit(struct db *db, struct arena *a, const struct kp_keys *keys,
                                long long n)
{
	static const struct kp_actor sys = {.kind = KP_ACTOR_SYSTEM, .name = "kaptajn reseal",
	                                    .role = "system"};
	enum kp_err err;

	if ((err = db_tx_begin(db)) != KP_OK)
		return err;
	err = audit_write(db, a, &sys, 0, "cpr_resealed",
	                  arena_printf(a, "%lld CPR numbers under key %s", n, keys->key[0].id));
	return db_tx_end(db, err);
}

int reseal_run(struct db *db, const struct kp_keys *keys, struct rng *rng,
               struct reseal_counts *c, FILE *log)
{
	struct arena *a = arena_new();
	struct reseal_row row;
	struct db_res r;
	long long last = 0;
	enum kp_err err = KP_OK;
	int rc = -1;
	size_t i;

	memset(c, 0, sizeof(*c));
	memset(&r, 0, sizeof(r));
	if (a == NULL)
		return -1;
	do {
		arena_reset(a);
		err = db_query(db, a, DB_RESEAL_DUE, DB_ARGS(DB_STR(keys->key[0].id), DB_I64(last)),
		               &r);
		for (i = 0; err == KP_OK && i < r.nrows; i++) {
			bool changed = false;

			reseal_row_fill(&r, i, &row);
			last = row.id;
			err = reseal_one(db, keys, rng, &row, &changed, log);
			if (err == KP_EINVAL) {
				c->failed++;
				err = KP_OK;
			} else if (err == KP_OK) {
				c->resealed += changed;
				c->skipped += !changed;
			}
		}
	} while (err == KP_OK && r.nrows == DB_RESEAL_BATCH);
	if (err == KP_OK && c->resealed > 0)
		err = reseal_audit(db, a, keys, c->resealed);
	if (err != KP_OK)
		fprintf(log, "reseal: the database failed after %lld rows (%s); run it again\n",
		        c->resealed, kp_strerror(err));
	else
		rc = c->failed > 0 ? 1 : 0;
	arena_free(a);
	return rc;
}

long long reseal_check(struct db *db, const struct kp_keys *keys, FILE *out, FILE *log)
{
	struct arena *a = arena_new();
	struct db_res r;
	long long left = 0;
	size_t i;

	if (a == NULL)
		return -1;
	if (db_query(db, a, DB_RESEAL_KEYS, DB_NOARGS, &r) != KP_OK) {
		fprintf(log, "reseal: cannot count the sealed rows\n");
		arena_free(a);
		return -1;
	}
	for (i = 0; i < r.nrows; i++) {
		const char *id = db_cell(&r, i, RS_KEYS_ID);
		long long n = db_i64(&r, i, RS_KEYS_ROWS);
		bool current = strcmp(id, keys->key[0].id) == 0;

		if (!current)
			left += n;
		fprintf(out, "reseal: %lld rows under %s%s%s\n", n, *id != '\0' ? "key " : "no key id",
		        id, current ? " (current)" : *id == '\0' ? " (sealed before 015)"
		                  : kp_keys_find(keys, id) != NULL ? " (old, configured)"
		                                                   : " (NOT configured)");
	}
	fprintf(out, "reseal: %lld rows not under the current key %s\n", left, keys->key[0].id);
	arena_free(a);
	return left;
}
