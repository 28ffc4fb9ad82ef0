/* audit.c: the hash-chained audit log (see audit.h). */
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include <mbedtls/sha256.h>

#include "audit.h"
#include "crypto.h"

static const char *const actor_kinds[KP_ACTOR__MAX] = {
	[KP_ACTOR_CITIZEN] = "citizen", [KP_ACTOR_STAFF] = "staff", [KP_ACTOR_SYSTEM] = "system"};

/* The fields of a row, as text, in the order they are hashed. */
enum audit_field {
	AF_AT, AF_ACTOR_KIND, AF_ACTOR_ID, AF_ACTOR_NAME, AF_ACTOR_ROLE, AF_CITIZEN_ID, AF_ACTION,
	AF_OBJECT, AF_REQUEST_ID, AF__MAX
};

/* SHA-256 over a version tag, the previous hash and each field written as
 * "length:bytes", so no field can bleed into the next. */
static void audit_hash(const char *const f[AF__MAX], const uint8_t prev[KP_SHA256_LEN],
                       uint8_t out[KP_SHA256_LEN])
{
	mbedtls_sha256_context c;
	char len[24];
	size_t i;

	mbedtls_sha256_init(&c);
	mbedtls_sha256_starts_ret(&c, 0);
	mbedtls_sha256_update_ret(&c, (const unsigned char *)"kaptajn-audit-v1", 16);
	mbedtls_sha256_update_ret(&c, prev, KP_SHA256_LEN);
	for (i = 0; i < AF__MAX; i++) {
		const char *v = f[i] != NULL ? f[i] : "";
		int n = snprintf(len, sizeof(len), "%zu:", strlen(v));

		mbedtls_sha256_update_ret(&c, (const unsigned char *)len, (size_t)n);
		mbedtls_sha256_update_ret(&c, (const unsigned char *)v, strlen(v));
	}
	mbedtls_sha256_finish_ret(&c, out);
	mbedtls_sha256_free(&c);
}

enum kp_err audit_write(struct db *db, struct arena *a, const struct kp_actor *who,
                        long long citizen_id, const char *action, const char *object)
{
	uint8_t prev[KP_SHA256_LEN], hash[KP_SHA256_LEN];
	const char *f[AF__MAX];
	unsigned long long id;
	struct db_res head;
	struct timeval tv;
	struct tm tm;
	char at[40], day[24];
	enum kp_err err;

	if ((err = db_query(db, a, DB_AUDIT_HEAD_LOCK, DB_NOARGS, &head)) != KP_OK)
		return err;
	if (head.nrows != 1 || db_cell_len(&head, 0, 0) != KP_SHA256_LEN)
		return KP_EINTERNAL;
	memcpy(prev, db_cell(&head, 0, 0), KP_SHA256_LEN);
	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	strftime(day, sizeof(day), "%Y-%m-%d %H:%M:%S", &tm);
	snprintf(at, sizeof(at), "%s.%06ld", day, (long)tv.tv_usec);
	f[AF_AT] = at;
	f[AF_ACTOR_KIND] = actor_kinds[who->kind];
	f[AF_ACTOR_ID] = who->kind == KP_ACTOR_STAFF ? arena_printf(a, "%lld", who->id) : "";
	f[AF_ACTOR_NAME] = who->name != NULL ? who->name : "";
	f[AF_ACTOR_ROLE] = who->role != NULL ? who->role : "";
	f[AF_CITIZEN_ID] = citizen_id > 0 ? arena_printf(a, "%lld", citizen_id) : "";
	f[AF_ACTION] = action;
	f[AF_OBJECT] = object != NULL ? object : "";
	f[AF_REQUEST_ID] = who->request_id != NULL ? who->request_id : "";
	audit_hash(f, prev, hash);
	err = db_exec(db, DB_AUDIT_INSERT,
	              DB_ARGS(DB_STR(f[AF_AT]), DB_STR(f[AF_ACTOR_KIND]),
	                      who->kind == KP_ACTOR_STAFF ? DB_I64(who->id) : DB_NULL,
	                      DB_STR(f[AF_ACTOR_NAME]), DB_STR(f[AF_ACTOR_ROLE]),
	                      citizen_id > 0 ? DB_I64(citizen_id) : DB_NULL, DB_STR(f[AF_ACTION]),
	                      DB_STR(f[AF_OBJECT]), DB_STR(f[AF_REQUEST_ID]),
	                      DB_BLOB(prev, sizeof(prev)), DB_BLOB(hash, sizeof(hash))),
	              NULL, &id);
	if (err != KP_OK)
		return err;
	return db_exec(db, DB_AUDIT_HEAD_SET, DB_ARGS(DB_I64(id), DB_BLOB(hash, sizeof(hash))), NULL,
	               NULL);
}

enum kp_err audit_list(struct db *db, struct arena *a, long long citizen_id, struct page *pg,
                       json_t **out)
{
	struct db_res r;
	json_t *list;
	enum kp_err err;
	size_t i, n;

	*out = NULL;
	err = db_query(db, a, DB_AUDIT_LIST,
	               DB_ARGS(DB_I64(citizen_id), DB_I64(page_before(pg)), DB_I64(page_fetch(pg))),
	               &r);
	if (err != KP_OK)
		return err;
	n = page_rows(pg, r.nrows);
	list = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(list, json_pack("{s:s, s:{s:o, s:s, s:s}, s:s, s:s}", "at",
		                                      db_cell(&r, i, 0), "actor", "id",
		                                      db_cell(&r, i, 1) ? json_integer(db_i64(&r, i, 1))
		                                                        : json_null(),
		                                      "name", db_cell(&r, i, 2), "role",
		                                      db_cell(&r, i, 3), "action", db_cell(&r, i, 4),
		                                      "object", db_cell(&r, i, 5)));
	if (n > 0)
		pg->next_id = db_i64(&r, n - 1, 6);
	*out = json_pack("{s:o}", "entries", list);
	return *out != NULL ? KP_OK : KP_EINTERNAL;
}

int audit_verify(struct db *db, FILE *log, long long *broken_id)
{
	uint8_t prev[KP_SHA256_LEN] = {0}, hash[KP_SHA256_LEN];
	struct arena *a = arena_new();
	long long last = 0, rows = 0;
	struct db_res r, head;
	int rc = -1;
	size_t i;

	*broken_id = 0;
	if (a == NULL)
		return -1;
	/* One snapshot for the log and its head: rows added meanwhile by
	 * staff at work are neither half seen nor taken for a gap. */
	if (db_begin(db) != KP_OK)
		goto out;
	for (;;) {
		if (db_query(db, a, DB_AUDIT_SCAN, DB_ARGS(DB_I64(last)), &r) != KP_OK)
			goto out;
		for (i = 0; i < r.nrows; i++) {
			const char *f[AF__MAX];
			long long id = db_i64(&r, i, 0);
			size_t k;

			for (k = 0; k < AF__MAX; k++)
				f[k] = db_cell(&r, i, k + 1);
			if (db_cell_len(&r, i, 10) != KP_SHA256_LEN ||
			    memcmp(db_cell(&r, i, 10), prev, KP_SHA256_LEN) != 0) {
				fprintf(log, "audit: row %lld does not follow the row before it"
				             " (a row was deleted or changed)\n", id);
				*broken_id = id;
				rc = 1;
				goto out;
			}
			audit_hash(f, prev, hash);
			if (db_cell_len(&r, i, 11) != KP_SHA256_LEN ||
			    memcmp(db_cell(&r, i, 11), hash, KP_SHA256_LEN) != 0) {
				fprintf(log, "audit: row %lld was changed after it was written\n", id);
				*broken_id = id;
				rc = 1;
				goto out;
			}
			memcpy(prev, hash, sizeof(prev));
			last = id;
			rows++;
		}
		if (r.nrows == 0)
			break;
		arena_reset(a);
	}
	if (db_query(db, a, DB_AUDIT_HEAD_GET, DB_NOARGS, &head) != KP_OK || head.nrows != 1)
		goto out;
	if (db_i64(&head, 0, 0) != last || db_cell_len(&head, 0, 1) != KP_SHA256_LEN ||
	    memcmp(db_cell(&head, 0, 1), prev, KP_SHA256_LEN) != 0) {
		fprintf(log, "audit: the newest rows are missing (the head names row %lld, the log"
		             " ends at %lld)\n", db_i64(&head, 0, 0), last);
		*broken_id = last + 1;
		rc = 1;
		goto out;
	}
	fprintf(log, "audit: %lld rows, chain intact\n", rows);
	rc = 0;
out:
	db_rollback(db);
	arena_free(a);
	return rc;
}
