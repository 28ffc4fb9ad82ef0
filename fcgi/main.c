/* main.c: the kaptajn program and its subcommands. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mysql.h>

#include "internal.h"
#include "audit.h"
#include "backup.h"
#include "devidp.h"
#include "purge.h"
#include "reseal.h"
#include "seed.h"

static void usage(void)
{
	fputs("usage:\n"
	      "  kaptajn --version\n"
	      "  kaptajn serve --config FILE --pool citizen|admin|devidp --socket PATH\n"
	      "                [--workers N] [--pidfile FILE]\n"
	      "  kaptajn migrate --config FILE --migrations DIR [--to NNN_name.sql]\n"
	      "  kaptajn seed --config FILE\n"
	      "  kaptajn seed-bench --config FILE --count N\n"
	      "  kaptajn verify-audit --config FILE\n"
	      "  kaptajn backup --config FILE [--out DIR] [--prune]\n"
	      "  kaptajn restore --config FILE --in FILE.sql.gz --migrations DIR\n"
	      "  kaptajn purge --config FILE [--dry-run] [--as-of YYYY-MM-DD] [--citizen ID]\n"
	      "  kaptajn reseal --config FILE [--check]\n"
	      "  kaptajn keygen --out FILE\n"
	      "  kaptajn devidp-keygen --dir DIR\n"
	      "  kaptajn dev-token --config FILE --sub S --aud A [--loa L] [--ttl S] [--alg A]\n",
	      stderr);
}

/* "--name value" options; every value is a string. */
struct opts {
	const char *config, *pool, *socket, *pidfile, *migrations, *out, *dir, *sub, *aud, *loa,
		*ttl, *alg, *count, *workers, *as_of, *citizen, *in, *to;
	bool dry_run, check, prune;
};

static int opts_parse(struct opts *o, int argc, char **argv)
{
	static const struct {
		const char *name;
		size_t off;
	} names[] = {
		{"--config", offsetof(struct opts, config)},
		{"--pool", offsetof(struct opts, pool)},
		{"--socket", offsetof(struct opts, socket)},
		{"--pidfile", offsetof(struct opts, pidfile)},
		{"--migrations", offsetof(struct opts, migrations)},
		{"--out", offsetof(struct opts, out)},
		{"--dir", offsetof(struct opts, dir)},
		{"--sub", offsetof(struct opts, sub)},
		{"--aud", offsetof(struct opts, aud)},
		{"--loa", offsetof(struct opts, loa)},
		{"--ttl", offsetof(struct opts, ttl)},
		{"--alg", offsetof(struct opts, alg)},
		{"--count", offsetof(struct opts, count)},
		{"--workers", offsetof(struct opts, workers)},
		{"--as-of", offsetof(struct opts, as_of)},
		{"--citizen", offsetof(struct opts, citizen)},
		{"--in", offsetof(struct opts, in)},
		{"--to", offsetof(struct opts, to)},
	};
	int i;
	size_t k;

	memset(o, 0, sizeof(*o));
	for (i = 2; i < argc; i += 2) {
		/* The options without a value. */
		bool *flag = strcmp(argv[i], "--dry-run") == 0 ? &o->dry_run
		             : strcmp(argv[i], "--check") == 0 ? &o->check
		             : strcmp(argv[i], "--prune") == 0 ? &o->prune : NULL;

		if (flag != NULL) {
			*flag = true;
			i--;
			continue;
		}
		for (k = 0; k < sizeof(names) / sizeof(names[0]); k++)
			if (strcmp(argv[i], names[k].name) == 0)
				break;
		if (k == sizeof(names) / sizeof(names[0]) || i + 1 >= argc) {
			fprintf(stderr, "kaptajn: unknown or incomplete option %s\n", argv[i]);
			return -1;
		}
		*(const char **)((char *)o + names[k].off) = argv[i + 1];
	}
	return 0;
}

static int need(const char *v, const char *name)
{
	if (v == NULL) {
		fprintf(stderr, "kaptajn: %s is required\n", name);
		return -1;
	}
	return 0;
}

static bool dev_mode(const struct kp_config *cfg)
{
	return cfg->dev_idp_dir != NULL && *cfg->dev_idp_dir != '\0';
}

static int cmd_serve(const struct opts *o, const struct kp_config *cfg)
{
	enum pool_kind p;
	int workers = o->workers ? atoi(o->workers) : 4;
	char err[1024];

	if (need(o->pool, "--pool") || need(o->socket, "--socket"))
		return 2;
	for (p = 0; p < POOL__MAX; p++)
		if (strcmp(o->pool, pool_name(p)) == 0)
			break;
	if (p == POOL__MAX) {
		fprintf(stderr, "kaptajn: --pool citizen, admin or devidp\n");
		return 2;
	}
	/* Checked once before any worker is forked, so that a pool without
	 * what it needs stops at start with the key named instead of
	 * respawning workers that cannot verify a token. */
	if (pool_config_check(cfg, p, err, sizeof(err)) != 0) {
		fprintf(stderr, "kaptajn: %s\n", err);
		return 2;
	}
	return pool_run(cfg, p, o->socket, workers, o->pidfile);
}

/* purge's options: --as-of (a day, UTC) only for a dry run, since data is
 * never let go before its time; --citizen a positive id. 0, or -1 with the
 * reason on stderr. */
static int purge_opts_from(struct purge_opts *po, const struct opts *o,
                           const struct kp_config *cfg)
{
	char *end;

	memset(po, 0, sizeof(*po));
	po->as_of = time(NULL);
	po->years = cfg->retention_years;
	po->dry_run = o->dry_run;
	if (o->as_of != NULL) {
		struct tm tm, back;
		int y, m, d, n = 0;

		memset(&tm, 0, sizeof(tm));
		if (sscanf(o->as_of, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || n != 10 ||
		    o->as_of[n] != '\0' || y < 2000) {
			fprintf(stderr, "kaptajn: --as-of must be a day as YYYY-MM-DD\n");
			return -1;
		}
		tm.tm_year = y - 1900;
		tm.tm_mon = m - 1;
		tm.tm_mday = d;
		/* A day that does not exist (2027-02-30) comes back as another. */
		back = tm;
		if (timegm(&back) == (time_t)-1 || back.tm_mday != d || back.tm_mon != m - 1) {
			fprintf(stderr, "kaptajn: --as-of: %s is not a day\n", o->as_of);
			return -1;
		}
		if (!o->dry_run) {
			fprintf(stderr, "kaptajn: --as-of is for a dry run only: data goes when its"
			        " time has come, not before\n");
			return -1;
		}
		tm.tm_hour = 23;
		tm.tm_min = 59;
		tm.tm_sec = 59;
		po->as_of = timegm(&tm);
	}
	if (o->citizen != NULL) {
		po->citizen = strtoll(o->citizen, &end, 10);
		if (*o->citizen == '\0' || *end != '\0' || po->citizen < 1) {
			fprintf(stderr, "kaptajn: --citizen must be a citizen's id\n");
			return -1;
		}
	}
	return 0;
}

/* reseal: 0 every row is under the current key (--check) or was sealed
 * again; 1 rows remain under another key (--check) or did not open
 * (named on stderr); 2 the database failed. */
static int cmd_reseal(const struct opts *o, struct db *db, const struct kp_keys *keys,
                      struct rng *rng)
{
	struct reseal_counts c;
	long long left;
	int rc;

	if (o->check) {
		left = reseal_check(db, keys, stdout, stderr);
		return left < 0 ? 2 : left > 0 ? 1 : 0;
	}
	rc = reseal_run(db, keys, rng, &c, stderr);
	if (rc < 0)
		return 2;
	printf("reseal: %lld sealed again under key %s, %lld done by another run, %lld did not "
	       "open\n", c.resealed, keys->key[0].id, c.skipped, c.failed);
	return rc;
}

/* Commands that need the database, the keys and a random generator. */
static int cmd_data(const char *cmd, const struct opts *o, const struct kp_config *cfg)
{
	struct kp_keys keys;
	struct rng *rng = NULL;
	struct db *db = NULL;
	char err[256];
	int rc = 1;

	/* The demo and benchmark people log in only through the dev identity
	 * provider: without dev mode nobody is seeded. */
	if ((strcmp(cmd, "seed") == 0 || strcmp(cmd, "seed-bench") == 0) && !dev_mode(cfg)) {
		fprintf(stderr, "kaptajn: %s refused: it makes demo people, and dev mode is off "
		        "(dev_idp_dir is empty)\n", cmd);
		return 2;
	}
	if ((db = db_new(cfg, strcmp(cmd, "migrate") == 0)) == NULL)
		return 1;
	if (db_connect(db) != KP_OK) {
		fprintf(stderr, "kaptajn: cannot connect to the database\n");
		goto out;
	}
	if (strcmp(cmd, "migrate") == 0) {
		/* --to: up to that migration only (an older schema, for tests). */
		if (need(o->migrations, "--migrations") == 0)
			rc = migrate_run(db, o->migrations, o->to, cfg->staff_issuer, stderr) ? 1 : 0;
		goto out;
	}
	if (strcmp(cmd, "verify-audit") == 0) {
		long long broken;

		/* 0: intact; 1: broken (the first broken row is named); 2: unreadable. */
		rc = audit_verify(db, stdout, &broken);
		rc = rc < 0 ? 2 : rc;
		goto out;
	}
	if (strcmp(cmd, "purge") == 0) {
		struct purge_opts po;

		/* 0: done; 1: refused, nothing changed; 2: bad options or the
		 * database failed. */
		rc = purge_opts_from(&po, o, cfg);
		if (rc == 0)
			rc = purge_run(db, &po, stdout, stderr);
		rc = rc < 0 ? 2 : rc;
		goto out;
	}
	if (kp_keys_load(&keys, cfg->keys_file, cfg->keys_old_files, err, sizeof(err)) != 0) {
		fprintf(stderr, "kaptajn: %s\n", err);
		rc = 2;
		goto out;
	}
	if ((rng = rng_new("kaptajn seed")) != NULL) {
		if (strcmp(cmd, "reseal") == 0) {
			rc = cmd_reseal(o, db, &keys, rng);
		} else if (strcmp(cmd, "seed") == 0) {
			char users[4096] = "";

			snprintf(users, sizeof(users), "%s/users.json", cfg->dev_idp_dir);
			rc = seed_demo(db, &keys, rng, cfg->staff_issuer, users, stderr) == 0 ? 0 : 1;
		} else if (need(o->count, "--count") == 0) {
			rc = seed_bench(db, &keys, rng, cfg->staff_issuer, atol(o->count), stderr) == 0 ? 0 : 1;
		}
	}
	kp_keys_wipe(&keys);
out:
	rng_free(rng);
	db_free(db);
	return rc;
}

/* backup and restore: 0 done; 1 refused or failed (said on stderr); 2 an
 * option missing. backup writes into --out or backup_dir and with --prune
 * then keeps the newest backup_keep backups there. restore goes into the
 * configured database, which must be empty, and needs the keys the dump's
 * CPR numbers are sealed under (when keys_file is set) and the program's
 * migrations (--migrations), which it then applies as migrate does. */
static int cmd_backup(const char *cmd, const struct opts *o, const struct kp_config *cfg)
{
	struct db *db = NULL;
	int rc;

	if (strcmp(cmd, "backup") == 0) {
		const char *dir = o->out != NULL ? o->out : cfg->backup_dir;

		rc = backup_run(cfg, dir, stdout, stderr);
		if (rc == 0 && o->prune)
			rc = backup_prune(dir, cfg->backup_keep, stdout, stderr);
		return rc;
	}
	if (need(o->in, "--in") || need(o->migrations, "--migrations"))
		return 2;
	if ((db = db_new(cfg, true)) == NULL)
		return 1;
	rc = backup_restore(cfg, db, o->in, o->migrations, stdout, stderr);
	db_free(db);
	return rc;
}

/* Prints a dev token, as the dev identity provider would sign it. */
static int cmd_dev_token(const struct opts *o, const struct kp_config *cfg)
{
	enum token_loa loa = TOKEN_LOA_SUBSTANTIAL;
	const char *why = "";
	char err[256], *s = NULL, *token = NULL;
	struct rng *rng = NULL;
	json_t *claims = NULL;
	int rc = 1;

	if (need(o->sub, "--sub") || need(o->aud, "--aud"))
		return 2;
	if (!dev_mode(cfg)) {
		fprintf(stderr, "kaptajn: dev-token refused: dev mode is off (dev_idp_dir is empty)\n");
		return 2;
	}
	if (o->loa != NULL) {
		loa = strcmp(o->loa, "low") == 0 ? TOKEN_LOA_LOW
		      : strcmp(o->loa, "high") == 0 ? TOKEN_LOA_HIGH : TOKEN_LOA_SUBSTANTIAL;
	}
	if ((rng = rng_new("kaptajn dev-token")) == NULL)
		goto out;
	claims = devidp_claims(cfg, rng, o->sub, o->aud, loa, o->ttl ? atoll(o->ttl) : 300,
	                       time(NULL), &why);
	if (claims == NULL) {
		fprintf(stderr, "kaptajn: %s\n", why);
		goto out;
	}
	if ((s = json_dumps(claims, JSON_COMPACT)) == NULL)
		goto out;
	token = token_dev_sign(cfg->dev_idp_dir,
	                       o->alg && strcmp(o->alg, "RS256") == 0 ? TOKEN_ALG_RS256 : TOKEN_ALG_ES256,
	                       s, err, sizeof(err));
	if (token == NULL) {
		fprintf(stderr, "kaptajn: %s\n", err);
		goto out;
	}
	puts(token);
	rc = 0;
out:
	free(token);
	free(s);
	json_decref(claims);
	rng_free(rng);
	return rc;
}

int main(int argc, char **argv)
{
	struct kp_config cfg;
	struct opts o;
	char err[512];
	const char *cmd;
	int rc;

	if (argc < 2) {
		usage();
		return 2;
	}
	cmd = argv[1];
	if (strcmp(cmd, "--version") == 0 && argc == 2) {
		printf("kaptajn %s\n", KP_VERSION);
		return 0;
	}
	if (opts_parse(&o, argc, argv) != 0) {
		usage();
		return 2;
	}
	if (strcmp(cmd, "keygen") == 0) {
		if (need(o.out, "--out"))
			return 2;
		if (kp_keys_generate(o.out, err, sizeof(err)) != 0) {
			fprintf(stderr, "kaptajn: %s\n", err);
			return 1;
		}
		return 0;
	}
	if (strcmp(cmd, "devidp-keygen") == 0) {
		if (need(o.dir, "--dir"))
			return 2;
		if (token_dev_keygen(o.dir, err, sizeof(err)) != 0) {
			fprintf(stderr, "kaptajn: %s\n", err);
			return 1;
		}
		return 0;
	}
	if (need(o.config, "--config"))
		return 2;
	if (config_load(&cfg, o.config, err, sizeof(err)) != 0) {
		fprintf(stderr, "kaptajn: %s\n", err);
		return 2;
	}
	/* The client library is set up once, before any fork. */
	mysql_library_init(0, NULL, NULL);
	if (strcmp(cmd, "serve") == 0)
		rc = cmd_serve(&o, &cfg);
	else if (strcmp(cmd, "migrate") == 0 || strcmp(cmd, "seed") == 0 ||
	         strcmp(cmd, "seed-bench") == 0 || strcmp(cmd, "verify-audit") == 0 ||
	         strcmp(cmd, "purge") == 0 || strcmp(cmd, "reseal") == 0)
		rc = cmd_data(cmd, &o, &cfg);
	else if (strcmp(cmd, "backup") == 0 || strcmp(cmd, "restore") == 0)
		rc = cmd_backup(cmd, &o, &cfg);
	else if (strcmp(cmd, "dev-token") == 0)
		rc = cmd_dev_token(&o, &cfg);
	else {
		usage();
		rc = 2;
	}
	config_free(&cfg);
	mysql_library_end();
	return rc;
}
