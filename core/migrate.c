/* migrate.c: applies migrations/NNN_name.sql in order, once each. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "seed.h"

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "re");
	char *buf = NULL;
	long n;

	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
	    (buf = malloc((size_t)n + 1)) != NULL) {
		*len = fread(buf, 1, (size_t)n, f);
		buf[*len] = '\0';
	}
	fclose(f);
	return buf;
}

/* The *.sql names in dir, sorted, in *names (malloc'd, the caller frees
 * it; the names are a's) and their number in *n. 0, or -1 said to log. */
static int migrate_names(struct arena *a, const char *dir, char ***names, size_t *n, FILE *log)
{
	struct dirent *e;
	size_t cap = 0;
	DIR *d;

	*names = NULL;
	*n = 0;
	if ((d = opendir(dir)) == NULL) {
		fprintf(log, "migrate: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);

		if (len < 5 || strcmp(e->d_name + len - 4, ".sql") != 0)
			continue;
		if (*n == cap) {
			char **grown = realloc(*names, sizeof(**names) * (cap = cap ? cap * 2 : 16));

			if (grown == NULL) {
				fprintf(log, "migrate: out of memory\n");
				closedir(d);
				return -1;
			}
			*names = grown;
		}
		if (((*names)[(*n)++] = arena_strdup(a, e->d_name)) == NULL) {
			fprintf(log, "migrate: out of memory\n");
			closedir(d);
			return -1;
		}
	}
	closedir(d);
	qsort(*names, *n, sizeof(**names), by_name);
	return 0;
}

int migrate_has(const char *dir, const char *name, char *newest, size_t newestlen, FILE *log)
{
	struct arena *a = arena_new();
	char **names = NULL;
	size_t n = 0, i;
	int rc = -1;

	if (a == NULL || migrate_names(a, dir, &names, &n, log) != 0)
		goto out;
	if (n == 0) {
		fprintf(log, "migrate: %s holds no migration (*.sql)\n", dir);
		goto out;
	}
	snprintf(newest, newestlen, "%s", names[n - 1]);
	rc = 0;
	for (i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			rc = 1;
out:
	free(names);
	arena_free(a);
	return rc;
}

/* migrate_run's work, under the lock. */
static int migrate_locked(struct db *db, struct arena *a, const char *dir, const char *to,
                          const char *staff_issuer, FILE *log)
{
	static const char create[] =
		"CREATE TABLE IF NOT EXISTS schema_migrations ("
		" name VARCHAR(255) NOT NULL PRIMARY KEY,"
		" checksum CHAR(64) NOT NULL,"
		" applied_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)"
		") ENGINE=InnoDB";
	struct db_res done;
	char **names = NULL, err[512];
	size_t n = 0, end, i, j;
	int rc = -1;

	if (migrate_names(a, dir, &names, &n, log) != 0)
		goto out;
	/* --to: a file of dir, and none after it applied yet; checked before
	 * anything is written. The files up to end are applied. */
	for (end = 0; to != NULL && end < n && strcmp(names[end], to) != 0; end++)
		;
	if (to != NULL && end == n) {
		fprintf(log, "migrate: --to %s: no such migration in %s; nothing applied\n", to, dir);
		goto out;
	}
	if (to == NULL)
		end = n - 1;
	if (db_run_script(db, create, sizeof(create) - 1, err, sizeof(err)) != KP_OK) {
		fprintf(log, "migrate: %s\n", err);
		goto out;
	}
	if (db_query(db, a, DB_MIGRATION_LIST, DB_NOARGS, &done) != KP_OK) {
		fprintf(log, "migrate: cannot read schema_migrations\n");
		goto out;
	}
	if (to != NULL && done.nrows > 0 && strcmp(db_cell(&done, done.nrows - 1, MG_NAME), to) > 0) {
		fprintf(log, "migrate: --to %s: the database is at %s, past it (a migration is "
		        "never undone); nothing applied\n", to, db_cell(&done, done.nrows - 1, MG_NAME));
		goto out;
	}
	for (i = 0; i <= end && i < n; i++) {
		uint8_t sum[KP_SHA256_LEN];
		char hex[2 * KP_SHA256_LEN + 1], *path, *text;
		size_t len = 0;
		enum kp_err dberr;

		path = arena_printf(a, "%s/%s", dir, names[i]);
		if ((text = slurp(path, &len)) == NULL) {
			fprintf(log, "migrate: %s: %s\n", path, strerror(errno));
			goto out;
		}
		kp_sha256(text, len, sum);
		kp_hex_encode(sum, sizeof(sum), hex);
		for (j = 0; j < done.nrows; j++)
			if (strcmp(db_cell(&done, j, MG_NAME), names[i]) == 0)
				break;
		if (j < done.nrows) {
			free(text);
			if (strcmp(db_cell(&done, j, MG_CHECKSUM), hex) != 0) {
				fprintf(log, "migrate: %s was changed after it was applied\n", names[i]);
				goto out;
			}
			continue;
		}
		fprintf(log, "migrate: applying %s\n", names[i]);
		dberr = db_run_script(db, text, len, err, sizeof(err));
		free(text);
		if (dberr != KP_OK) {
			fprintf(log, "migrate: %s: %s\n", names[i], err);
			goto out;
		}
		if (db_exec(db, DB_MIGRATION_RECORD, DB_ARGS(DB_STR(names[i]), DB_STR(hex)), NULL,
		            NULL) != KP_OK) {
			fprintf(log, "migrate: cannot record %s\n", names[i]);
			goto out;
		}
	}
	if (staff_issuer != NULL && *staff_issuer != '\0') {
		unsigned long long adopted = 0;

		if (db_exec(db, DB_MIGRATION_STAFF_ISSUER, DB_ARGS(DB_STR(staff_issuer)), &adopted,
		            NULL) != KP_OK) {
			fprintf(log, "migrate: cannot give staff rows their issuer\n");
			goto out;
		}
		if (adopted > 0)
			fprintf(log, "migrate: %llu staff rows are the configured staff issuer's\n",
			        adopted);
	}
	/* Rows written before hash version 2 are sealed again once, so that
	 * a purge can empty them later; a chain that does not hold is left as
	 * it is (kaptajn verify-audit names the row). */
	if (audit_reseal(db, log) < 0) {
		fprintf(log, "migrate: cannot seal the audit log's old rows again\n");
		goto out;
	}
	if (to != NULL)
		fprintf(log, "migrate: at %s, as --to asks (%zu files, %zu after it not applied)\n",
		        to, n, n - end - 1);
	else
		fprintf(log, "migrate: up to date (%zu files)\n", n);
	rc = 0;
out:
	free(names);
	return rc;
}

/* Takes (lock) or lets go of the named lock; a held one is tried again
 * each second, at most MIGRATE_LOCK_WAIT times. 0, or -1 said in log. */
static int migrate_lock(struct db *db, struct arena *a, bool lock, FILE *log)
{
	struct db_res r;
	int tries = 0;

	for (;;) {
		const char *got;

		if (db_query(db, a, lock ? DB_MIGRATION_LOCK : DB_MIGRATION_UNLOCK, DB_NOARGS, &r) !=
		        KP_OK ||
		    r.nrows != 1) {
			fprintf(log, "migrate: cannot %s the migration lock\n", lock ? "take" : "release");
			return -1;
		}
		got = db_cell(&r, 0, MGL_GOT);
		if (got != NULL && strcmp(got, "1") == 0)
			return 0;
		if (!lock) {
			fprintf(log, "migrate: the migration lock was not held\n");
			return -1;
		}
		if (tries == 0)
			fprintf(log, "migrate: another kaptajn migrate runs; waiting for it (at most %d s)\n",
			        MIGRATE_LOCK_WAIT);
		if (++tries > MIGRATE_LOCK_WAIT) {
			fprintf(log, "migrate: the other run still holds the lock after %d s; nothing "
			        "applied\n", MIGRATE_LOCK_WAIT);
			return -1;
		}
		sleep(1);
	}
}

int migrate_run(struct db *db, const char *dir, const char *to, const char *staff_issuer,
                FILE *log)
{
	struct arena *a = arena_new();
	int rc;

	if (a == NULL)
		return -1;
	if (migrate_lock(db, a, true, log) != 0) {
		arena_free(a);
		return -1;
	}
	rc = migrate_locked(db, a, dir, to, staff_issuer, log);
	/* Closing the connection would let go of it too. */
	if (migrate_lock(db, a, false, log) != 0)
		rc = -1;
	arena_free(a);
	return rc;
}
