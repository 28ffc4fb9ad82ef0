/* backup.h: kaptajn backup and kaptajn restore. A backup is a logical dump
 * of the database by mariadb-dump in one consistent snapshot, gzip'd, and
 * a manifest beside it (JSON) that says what the dump holds: the program's
 * version, the highest migration, the rows of the main tables, the audit
 * chain's head and the ids of the keys its CPR numbers are sealed under,
 * all read from the dump itself, so they are the
 * snapshot's, and the dump's SHA-256. The master key file is not in it:
 * it is kept apart (see the README). */
#ifndef KP_BACKUP_H
#define KP_BACKUP_H

#include <stdio.h>

#include "config.h"
#include "db.h"

/* The manifest of DUMP is named DUMP without ".sql.gz" and with
 * ".manifest.json". */
#define BACKUP_DUMP_SUFFIX ".sql.gz"
#define BACKUP_MANIFEST_SUFFIX ".manifest.json"

/*
 * Dumps cfg's database into a new file kaptajn-YYYYMMDDTHHMMSSZ.sql.gz in
 * outdir (mode 0600), with its manifest beside it. Both are written under
 * temporary names, fsync'd and renamed only when complete; the password
 * reaches mariadb-dump in a temporary defaults file of mode 0600, never on
 * its command line. What was made is said to out. Returns 0; 1 when
 * refused or failed (the reason said to log; nothing is left in outdir).
 */
int backup_run(const struct kp_config *cfg, const char *outdir, FILE *out, FILE *log);

/*
 * Keeps the newest keep backups in dir and removes the older ones: only
 * files named as backup_run names them (kaptajn-YYYYMMDDTHHMMSSZ.sql.gz,
 * newest by that name) and each one's manifest; any other file is left
 * alone. What went is said to out. Returns 0; 1 when dir cannot be read or
 * a file not removed (said to log).
 */
int backup_prune(const char *dir, int keep, FILE *out, FILE *log);

/*
 * Loads the dump at path (with its manifest) into db's database, which
 * must be empty, after checking the dump's SHA-256 against the manifest;
 * then checks the migration, the rows of the main tables the manifest
 * lists and the audit head against the manifest, verifies the audit
 * chain, and applies the migrations of the directory migrations that the
 * backup predates, as migrate_run() does (db made with multi_statements),
 * saying from which migration to which. A backup from an earlier version
 * thus restores and is brought forward; one from a newer version (a
 * migration not in migrations, a table this program does not know) is
 * refused before anything is loaded. Returns 0; 1 when refused (a bad
 * file, a wrong hash, a database that is not empty: nothing changed) or
 * when a check after the load or the migration fails (said to log; the
 * database then holds what was loaded). The manifest names the key ids
 * the dump's CPR numbers are sealed under: when one is not configured
 * (keys_file, keys_old_files) the restore is refused, the key id named.
 */
int backup_restore(const struct kp_config *cfg, struct db *db, const char *path,
                   const char *migrations, FILE *out, FILE *log);

#endif
