/* audit.c: the hash-chained audit log (see audit.h). */
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include <mbedtls/sha256.h>

#include "audit.h"
#include "crypto.h"
#include "kpjson.h"

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
	if (head.nrows != 1 || db_cell_len(&head, 0, AHL_LAST_HASH) != KP_SHA256_LEN)
		return KP_EINTERNAL;
	memcpy(prev, db_cell(&head, 0, AHL_LAST_HASH), KP_SHA256_LEN);
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

/* A row of DB_AUDIT_LIST. */
struct audit_entry {
	long long id;
	const char *at, *name, *role, *action, *object;
	long long actor_id;     /* 0: not a staff member */
};

static void audit_entry_fill(const struct db_res *r, size_t i, struct audit_entry *e)
{
	e->at = db_cell(r, i, AL_AT);
	e->actor_id = db_cell(r, i, AL_ACTOR_ID) != NULL ? db_i64(r, i, AL_ACTOR_ID) : 0;
	e->name = db_cell(r, i, AL_ACTOR_NAME);
	e->role = db_cell(r, i, AL_ACTOR_ROLE);
	e->action = db_cell(r, i, AL_ACTION);
	e->object = db_cell(r, i, AL_OBJECT);
	e->id = db_i64(r, i, AL_ID);
}

/* Row i of DB_AUDIT_LIST r as JSON: a new reference, NULL when out of
 * memory. */
static json_t *audit_entry_json(const void *r, size_t i)
{
	struct audit_entry e_, *e = &e_;

	audit_entry_fill(r, i, e);
	return json_pack("{s:s, s:{s:o, s:s, s:s}, s:s, s:s}", "at", e->at, "actor", "id",
	                 e->actor_id != 0 ? json_integer(e->actor_id) : json_null(), "name",
	                 e->name, "role", e->role, "action", e->action, "object", e->object);
}

enum kp_err audit_list(struct db *db, struct arena *a, long long citizen_id, struct page *pg,
                       json_t **out)
{
	struct audit_entry last;
	struct db_res r;
	enum kp_err err;
	size_t n;

	*out = NULL;
	err = db_query(db, a, DB_AUDIT_LIST,
	               DB_ARGS(DB_I64(citizen_id), DB_I64(page_before(pg)), DB_I64(page_fetch(pg))),
	               &r);
	if (err != KP_OK)
		return err;
	n = page_rows(pg, r.nrows);
	if ((*out = kp_json_wrap("entries", kp_json_list(n, audit_entry_json, &r))) == NULL)
		return KP_EINTERNAL;
	if (n > 0) {
		audit_entry_fill(&r, n - 1, &last);
		pg->next_id = last.id;
	}
	return KP_OK;
}

/* A row of DB_AUDIT_SCAN: its fields in the order they are hashed, and its
 * two hashes (NULL when not of the hash's length). */
struct audit_scan_row {
	long long id;
	const char *f[AF__MAX];
	const uint8_t *prev_hash, *row_hash;
};

static void audit_scan_fill(const struct db_res *r, size_t i, struct audit_scan_row *s)
{
	static const enum db_col_audit_scan col[AF__MAX] = {
		[AF_AT] = AS_AT,                 [AF_ACTOR_KIND] = AS_ACTOR_KIND,
		[AF_ACTOR_ID] = AS_ACTOR_ID,     [AF_ACTOR_NAME] = AS_ACTOR_NAME,
		[AF_ACTOR_ROLE] = AS_ACTOR_ROLE, [AF_CITIZEN_ID] = AS_CITIZEN_ID,
		[AF_ACTION] = AS_ACTION,         [AF_OBJECT] = AS_OBJECT,
		[AF_REQUEST_ID] = AS_REQUEST_ID,
	};
	size_t k;

	s->id = db_i64(r, i, AS_ID);
	for (k = 0; k < AF__MAX; k++)
		s->f[k] = db_cell(r, i, col[k]);
	s->prev_hash = db_cell_len(r, i, AS_PREV_HASH) == KP_SHA256_LEN
	                       ? (const uint8_t *)db_cell(r, i, AS_PREV_HASH)
	                       : NULL;
	s->row_hash = db_cell_len(r, i, AS_ROW_HASH) == KP_SHA256_LEN
	                      ? (const uint8_t *)db_cell(r, i, AS_ROW_HASH)
	                      : NULL;
}

int audit_verify(struct db *db, FILE *log, long long *broken_id)
{
	uint8_t prev[KP_SHA256_LEN] = {0}, hash[KP_SHA256_LEN];
	struct arena *a = arena_new();
	long long last = 0, rows = 0;
	struct audit_scan_row row;
	struct db_res r, head;
	enum kp_err err;
	int rc = -1;
	size_t i;

	*broken_id = 0;
	if (a == NULL)
		return -1;
	/* One snapshot for the log and its head: rows added meanwhile by
	 * staff at work are neither half seen nor taken for a gap. */
	if ((err = db_tx_begin(db)) != KP_OK)
		goto out;
	for (;;) {
		if ((err = db_query(db, a, DB_AUDIT_SCAN, DB_ARGS(DB_I64(last)), &r)) != KP_OK)
			goto out;
		for (i = 0; i < r.nrows; i++) {
			audit_scan_fill(&r, i, &row);
			if (row.prev_hash == NULL || memcmp(row.prev_hash, prev, KP_SHA256_LEN) != 0) {
				fprintf(log, "audit: row %lld does not follow the row before it"
				             " (a row was deleted or changed)\n", row.id);
				*broken_id = row.id;
				rc = 1;
				goto out;
			}
			audit_hash(row.f, prev, hash);
			if (row.row_hash == NULL || memcmp(row.row_hash, hash, KP_SHA256_LEN) != 0) {
				fprintf(log, "audit: row %lld was changed after it was written\n", row.id);
				*broken_id = row.id;
				rc = 1;
				goto out;
			}
			memcpy(prev, hash, sizeof(prev));
			last = row.id;
			rows++;
		}
		if (r.nrows == 0)
			break;
		arena_reset(a);
	}
	if ((err = db_query(db, a, DB_AUDIT_HEAD_GET, DB_NOARGS, &head)) != KP_OK)
		goto out;
	if (head.nrows != 1) {
		err = KP_EINTERNAL;
		goto out;
	}
	if (db_i64(&head, 0, AH_LAST_ID) != last ||
	    db_cell_len(&head, 0, AH_LAST_HASH) != KP_SHA256_LEN ||
	    memcmp(db_cell(&head, 0, AH_LAST_HASH), prev, KP_SHA256_LEN) != 0) {
		fprintf(log, "audit: the newest rows are missing (the head names row %lld, the log"
		             " ends at %lld)\n", db_i64(&head, 0, AH_LAST_ID), last);
		*broken_id = last + 1;
		rc = 1;
		goto out;
	}
	fprintf(log, "audit: %lld rows, chain intact\n", rows);
	rc = 0;
out:
	/* The snapshot wrote nothing: it ends as any transaction does. A
	 * finding stands even when the end fails. */
	if ((err = db_tx_end(db, err)) != KP_OK && rc == 0)
		rc = -1;
	arena_free(a);
	return rc;
}
