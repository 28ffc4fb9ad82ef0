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

/* Personal fields: what a purge empties. The version 2 row hash covers
 * their digest instead of them, so the chain verifies after they go. */
static const bool af_personal[AF__MAX] = {[AF_ACTOR_NAME] = true, [AF_OBJECT] = true};

/* One field into a hash as "length:bytes", so no field can bleed into the
 * next. */
static void audit_feed(mbedtls_sha256_context *c, const char *v)
{
	char len[24];
	int n;

	v = v != NULL ? v : "";
	n = snprintf(len, sizeof(len), "%zu:", strlen(v));
	mbedtls_sha256_update_ret(c, (const unsigned char *)len, (size_t)n);
	mbedtls_sha256_update_ret(c, (const unsigned char *)v, strlen(v));
}

/* Version 1 (rows written before migration 011, until they are resealed):
 * SHA-256 over a tag, the previous hash and every field. */
static void audit_hash_v1(const char *const f[AF__MAX], const uint8_t prev[KP_SHA256_LEN],
                          uint8_t out[KP_SHA256_LEN])
{
	mbedtls_sha256_context c;
	size_t i;

	mbedtls_sha256_init(&c);
	mbedtls_sha256_starts_ret(&c, 0);
	mbedtls_sha256_update_ret(&c, (const unsigned char *)"kaptajn-audit-v1", 16);
	mbedtls_sha256_update_ret(&c, prev, KP_SHA256_LEN);
	for (i = 0; i < AF__MAX; i++)
		audit_feed(&c, f[i]);
	mbedtls_sha256_finish_ret(&c, out);
	mbedtls_sha256_free(&c);
}

/* The digest of a row's personal fields, kept in the row. */
static void audit_digest(const char *const f[AF__MAX], uint8_t out[KP_SHA256_LEN])
{
	mbedtls_sha256_context c;
	size_t i;

	mbedtls_sha256_init(&c);
	mbedtls_sha256_starts_ret(&c, 0);
	mbedtls_sha256_update_ret(&c, (const unsigned char *)"kaptajn-audit-personal-v2", 25);
	for (i = 0; i < AF__MAX; i++)
		if (af_personal[i])
			audit_feed(&c, f[i]);
	mbedtls_sha256_finish_ret(&c, out);
	mbedtls_sha256_free(&c);
}

/* Version 2: SHA-256 over a tag, the previous hash, every field that is not
 * personal and the personal fields' digest. */
static void audit_hash_v2(const char *const f[AF__MAX], const uint8_t digest[KP_SHA256_LEN],
                          const uint8_t prev[KP_SHA256_LEN], uint8_t out[KP_SHA256_LEN])
{
	mbedtls_sha256_context c;
	size_t i;

	mbedtls_sha256_init(&c);
	mbedtls_sha256_starts_ret(&c, 0);
	mbedtls_sha256_update_ret(&c, (const unsigned char *)"kaptajn-audit-v2", 16);
	mbedtls_sha256_update_ret(&c, prev, KP_SHA256_LEN);
	for (i = 0; i < AF__MAX; i++)
		if (!af_personal[i])
			audit_feed(&c, f[i]);
	mbedtls_sha256_update_ret(&c, digest, KP_SHA256_LEN);
	mbedtls_sha256_finish_ret(&c, out);
	mbedtls_sha256_free(&c);
}

enum kp_err audit_write(struct db *db, struct arena *a, const struct kp_actor *who,
                        long long citizen_id, const char *action, const char *object)
{
	uint8_t prev[KP_SHA256_LEN], hash[KP_SHA256_LEN], digest[KP_SHA256_LEN];
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
	audit_digest(f, digest);
	audit_hash_v2(f, digest, prev, hash);
	err = db_exec(db, DB_AUDIT_INSERT,
	              DB_ARGS(DB_STR(f[AF_AT]), DB_STR(f[AF_ACTOR_KIND]),
	                      who->kind == KP_ACTOR_STAFF ? DB_I64(who->id) : DB_NULL,
	                      DB_STR(f[AF_ACTOR_NAME]), DB_STR(f[AF_ACTOR_ROLE]),
	                      citizen_id > 0 ? DB_I64(citizen_id) : DB_NULL, DB_STR(f[AF_ACTION]),
	                      DB_STR(f[AF_OBJECT]), DB_STR(f[AF_REQUEST_ID]),
	                      DB_BLOB(prev, sizeof(prev)), DB_BLOB(hash, sizeof(hash)),
	                      DB_BLOB(digest, sizeof(digest))),
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

/* A row of DB_AUDIT_SCAN: its fields in the order they are hashed, its two
 * hashes and its personal fields' digest (NULL when not of a hash's
 * length), its hash version and whether a purge emptied it. */
struct audit_scan_row {
	long long id;
	const char *f[AF__MAX];
	const uint8_t *prev_hash, *row_hash, *digest;
	int version;
	bool redacted;
};

static const uint8_t *audit_scan_hash(const struct db_res *r, size_t i, int col)
{
	return db_cell_len(r, i, col) == KP_SHA256_LEN ? (const uint8_t *)db_cell(r, i, col)
	                                                : NULL;
}

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
	s->prev_hash = audit_scan_hash(r, i, AS_PREV_HASH);
	s->row_hash = audit_scan_hash(r, i, AS_ROW_HASH);
	s->digest = audit_scan_hash(r, i, AS_DIGEST);
	s->version = (int)db_i64(r, i, AS_HASH_VERSION);
	s->redacted = db_i64(r, i, AS_REDACTED) != 0;
}

/* The hash row must carry after prev, by its own version: a row emptied by
 * a purge is checked with the digest it kept; a whole row's digest must be
 * its fields'. NULL (with why) when the row cannot hold. */
static const char *audit_expect(const struct audit_scan_row *row,
                                const uint8_t prev[KP_SHA256_LEN], uint8_t out[KP_SHA256_LEN])
{
	uint8_t digest[KP_SHA256_LEN];
	size_t i;

	if (row->version == 1 && !row->redacted) {
		audit_hash_v1(row->f, prev, out);
		return NULL;
	}
	if (row->version != 2 || row->digest == NULL)
		return "has no valid hash version or digest";
	if (row->redacted) {
		for (i = 0; i < AF__MAX; i++)
			if (af_personal[i] && row->f[i] != NULL && *row->f[i] != '\0')
				return "was written to after a purge emptied it";
	} else {
		audit_digest(row->f, digest);
		if (memcmp(digest, row->digest, KP_SHA256_LEN) != 0)
			return "was changed after it was written";
	}
	audit_hash_v2(row->f, row->digest, prev, out);
	return NULL;
}

/* Walks the chain from its first row in one snapshot, calling each(row,
 * ctx) for every row that holds. 0 when every row holds and the head
 * names the last; 1 at the first that does not (said to log, its id in
 * *broken_id); -1 when the database cannot be read. The caller owns the
 * transaction. */
static int audit_walk(struct db *db, struct arena *a, FILE *log, long long *broken_id,
                      int (*each)(const struct audit_scan_row *, void *),
                      void *ctx, long long *nrows, uint8_t last_hash[KP_SHA256_LEN])
{
	uint8_t prev[KP_SHA256_LEN] = {0}, hash[KP_SHA256_LEN];
	long long last = 0, rows = 0;
	struct audit_scan_row row;
	struct db_res r, head;
	const char *why;
	size_t i;

	*broken_id = 0;
	for (;;) {
		if (db_query(db, a, DB_AUDIT_SCAN, DB_ARGS(DB_I64(last)), &r) != KP_OK)
			return -1;
		for (i = 0; i < r.nrows; i++) {
			audit_scan_fill(&r, i, &row);
			if (row.prev_hash == NULL || memcmp(row.prev_hash, prev, KP_SHA256_LEN) != 0) {
				fprintf(log, "audit: row %lld does not follow the row before it"
				             " (a row was deleted or changed)\n", row.id);
				*broken_id = row.id;
				return 1;
			}
			if ((why = audit_expect(&row, prev, hash)) == NULL &&
			    (row.row_hash == NULL || memcmp(row.row_hash, hash, KP_SHA256_LEN) != 0))
				why = "was changed after it was written";
			if (why != NULL) {
				fprintf(log, "audit: row %lld %s\n", row.id, why);
				*broken_id = row.id;
				return 1;
			}
			if (each != NULL && each(&row, ctx) != 0)
				return -1;
			memcpy(prev, hash, sizeof(prev));
			last = row.id;
			rows++;
		}
		if (r.nrows == 0)
			break;
		arena_reset(a);
	}
	if (db_query(db, a, DB_AUDIT_HEAD_GET, DB_NOARGS, &head) != KP_OK || head.nrows != 1)
		return -1;
	if (db_i64(&head, 0, AH_LAST_ID) != last ||
	    db_cell_len(&head, 0, AH_LAST_HASH) != KP_SHA256_LEN ||
	    memcmp(db_cell(&head, 0, AH_LAST_HASH), prev, KP_SHA256_LEN) != 0) {
		fprintf(log, "audit: the newest rows are missing (the head names row %lld, the log"
		             " ends at %lld)\n", db_i64(&head, 0, AH_LAST_ID), last);
		*broken_id = last + 1;
		return 1;
	}
	*nrows = rows;
	if (last_hash != NULL)
		memcpy(last_hash, prev, KP_SHA256_LEN);
	return 0;
}

int audit_verify(struct db *db, FILE *log, long long *broken_id)
{
	struct arena *a = arena_new();
	long long rows = 0;
	enum kp_err err;
	int rc = -1;

	*broken_id = 0;
	if (a == NULL)
		return -1;
	/* One snapshot for the log and its head: rows added meanwhile by
	 * staff at work are neither half seen nor taken for a gap. */
	if ((err = db_tx_begin(db)) != KP_OK)
		goto out;
	rc = audit_walk(db, a, log, broken_id, NULL, NULL, &rows, NULL);
	if (rc == 0)
		fprintf(log, "audit: %lld rows, chain intact\n", rows);
	else if (rc < 0)
		err = KP_EINTERNAL;
out:
	/* The snapshot wrote nothing: it ends as any transaction does. A
	 * finding stands even when the end fails. */
	if ((err = db_tx_end(db, err)) != KP_OK && rc == 0)
		rc = -1;
	arena_free(a);
	return rc;
}

/* What the reseal carries from row to row: the new chain's last hash. */
struct audit_reseal {
	struct db *db;
	uint8_t prev[KP_SHA256_LEN];
	long long last_id;
	long long sealed;
};

/* Seals one row again as version 2 after the new chain's last hash. */
static int audit_reseal_row(const struct audit_scan_row *row, void *ctx)
{
	struct audit_reseal *rs = ctx;
	uint8_t digest[KP_SHA256_LEN], hash[KP_SHA256_LEN];
	unsigned long long n = 0;

	if (row->version == 2 && row->digest != NULL) {
		memcpy(digest, row->digest, sizeof(digest));
	} else {
		audit_digest(row->f, digest);
		rs->sealed++;
	}
	audit_hash_v2(row->f, digest, rs->prev, hash);
	if (db_exec(rs->db, DB_AUDIT_RESEAL,
	            DB_ARGS(DB_BLOB(rs->prev, KP_SHA256_LEN), DB_BLOB(hash, KP_SHA256_LEN),
	                    DB_BLOB(digest, KP_SHA256_LEN), DB_I64(row->id)),
	            &n, NULL) != KP_OK)
		return -1;
	/* A version 2 row after resealed ones carries the new chain too. */
	if (n == 0 && row->version == 2 &&
	    db_exec(rs->db, DB_AUDIT_RELINK,
	            DB_ARGS(DB_BLOB(rs->prev, KP_SHA256_LEN), DB_BLOB(hash, KP_SHA256_LEN),
	                    DB_I64(row->id)),
	            NULL, NULL) != KP_OK)
		return -1;
	memcpy(rs->prev, hash, sizeof(rs->prev));
	rs->last_id = row->id;
	return 0;
}

int audit_reseal(struct db *db, FILE *log)
{
	struct audit_reseal rs = {.db = db};
	const struct kp_actor sys = {.kind = KP_ACTOR_SYSTEM, .name = "kaptajn migrate"};
	uint8_t old_head[KP_SHA256_LEN];
	struct arena *a = arena_new();
	long long rows = 0, broken = 0;
	struct db_res r;
	enum kp_err err;
	int rc = -1;
	char hex[2 * KP_SHA256_LEN + 1];
	size_t i;

	if (a == NULL)
		return -1;
	if ((err = db_tx_begin(db)) != KP_OK)
		goto out;
	/* The head's lock keeps every other writer out until the end. */
	if ((err = db_query(db, a, DB_AUDIT_HEAD_LOCK, DB_NOARGS, &r)) != KP_OK ||
	    (err = db_query(db, a, DB_AUDIT_V1_COUNT, DB_NOARGS, &r)) != KP_OK)
		goto out;
	if (r.nrows != 1 || db_i64(&r, 0, CNT_N) == 0) {
		rc = 0;
		goto out;
	}
	/* Only a chain that holds is sealed again: first check it whole. */
	rc = audit_walk(db, a, log, &broken, NULL, NULL, &rows, old_head);
	if (rc != 0) {
		fprintf(log, "audit: the chain does not hold; its version 1 rows stay as they are"
		             " and cannot be emptied by a purge\n");
		err = rc < 0 ? KP_EINTERNAL : KP_OK;
		rc = rc < 0 ? -1 : 1;
		goto out;
	}
	arena_reset(a);
	if (audit_walk(db, a, log, &broken, audit_reseal_row, &rs, &rows, NULL) < 0) {
		/* The walk checks each row against the old chain before it is
		 * rewritten; the rows after it are still the old ones. */
		err = KP_EINTERNAL;
		goto out;
	}
	if ((err = db_exec(db, DB_AUDIT_HEAD_SET,
	                   DB_ARGS(DB_I64(rs.last_id), DB_BLOB(rs.prev, KP_SHA256_LEN)), NULL,
	                   NULL)) != KP_OK)
		goto out;
	for (i = 0; i < KP_SHA256_LEN; i++)
		snprintf(hex + 2 * i, 3, "%02x", old_head[i]);
	/* The old chain's last hash, kept in the new chain: a copy of it held
	 * elsewhere still proves what was sealed. */
	err = audit_write(db, a, &sys, 0, "audit_resealed", arena_printf(a, "v1 head %s", hex));
	if (err == KP_OK) {
		fprintf(log, "audit: %lld version 1 rows sealed again as version 2 (old head %s)\n",
		        rs.sealed, hex);
		rc = 0;
	}
out:
	if ((err = db_tx_end(db, err)) != KP_OK)
		rc = -1;
	arena_free(a);
	return rc;
}

enum kp_err audit_redact(struct db *db, long long citizen_id, unsigned long long *rows)
{
	return db_exec(db, DB_AUDIT_REDACT, DB_ARGS(DB_I64(citizen_id)), rows, NULL);
}
