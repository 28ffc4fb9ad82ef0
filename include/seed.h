/* seed.h: migrations, demo data and benchmark data. */
#ifndef KP_SEED_H
#define KP_SEED_H

#include <stdio.h>

#include "crypto.h"
#include "db.h"

/* The statements that write seeded rows (core/seed_sql.c); the unit tests
 * build their fixtures with them too. */
enum seed_stmt {
	SEED_STAFF,
	SEED_HOUSEHOLD,
	SEED_PLAN,
	SEED_CITIZEN,
	SEED_CITIZEN_CPR,
	SEED_CITIZEN_LOGIN,
	SEED_COURSE_END,
	SEED_DREAM,
	SEED_GOAL,
	SEED_CONSENT,
	SEED_CITIZEN_CONSENT,
	SEED_PLAN_FROZEN,
	SEED_PROPOSAL,
	SEED_COMMENT,
	SEED_HISTORY,
	SEED_HISTORY_AT,
	SEED_PLAN_VERSION,
	SEED_ACCEPTANCE,
	SEED_CHILD,
	SEED_GOAL_CHILD,
	SEED_STMT__MAX
};

/* Runs seed statement st as db_exec() runs one of the table (args as
 * DB_ARGS() makes them; *affected and *insert_id may be NULL): KP_OK, or
 * db_exec()'s errors; KP_EINTERNAL for no such statement. */
enum kp_err seed_exec(struct db *db, enum seed_stmt st, const struct db_arg *args, size_t nargs,
                      unsigned long long *affected, unsigned long long *insert_id);

/*
 * Applies the *.sql files of dir not yet recorded in schema_migrations, in
 * name order, recording each with its SHA-256; with to (a file's name,
 * NULL: all) only those up to and including it: a to that is not a file
 * of dir, or that the database is already past, is refused before
 * anything is applied. A recorded file whose
 * content changed is an error (an applied migration is never edited).
 * Then gives staff rows without an issuer (those from before
 * 004_staff_identity.sql) staff_issuer, the configured one: the only
 * issuer they could log in with. All of it under the server's named lock
 * "kaptajn.migrate", so that runs from two hosts at once apply each file
 * once: a run that finds the lock held waits for it, at most
 * MIGRATE_LOCK_WAIT seconds. Progress goes to log. Returns 0 or -1.
 */
#define MIGRATE_LOCK_WAIT 900
int migrate_run(struct db *db, const char *dir, const char *to, const char *staff_issuer,
                FILE *log);

/*
 * Whether name is one of the migrations (*.sql) of dir: 1 it is, 0 it is
 * not; either way the newest of them is copied into newest (newestlen
 * bytes). -1 when dir cannot be read or holds none (said to log).
 */
int migrate_has(const char *dir, const char *name, char *newest, size_t newestlen, FILE *log);

/*
 * Seeds the demo people and plans unless they exist, and writes the dev
 * identity provider's users file (users_path, may be NULL). The demo staff
 * are issuer's (the configured staff issuer, the one the dev identity
 * provider signs with). Returns 0 or -1.
 */
int seed_demo(struct db *db, const struct kp_keys *keys, struct rng *rng, const char *issuer,
              const char *users_path, FILE *log);

/* Seeds count benchmark citizens ("bench-1".."bench-N"), each with a small
 * plan, the odd ones in Mette's caseload and the even ones in Peter's (the
 * demo staff of issuer). Returns 0 or -1. */
int seed_bench(struct db *db, const struct kp_keys *keys, struct rng *rng, const char *issuer,
               long count, FILE *log);

/* The fake CPR number of benchmark citizen n (1..999999): a real date and a
 * serial, so it passes the CPR check. */
void seed_bench_cpr(long n, char out[KP_CPR_LEN + 1]);

#endif
