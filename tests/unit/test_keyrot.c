/* test_keyrot.c: CPR key rotation without the database: key ids, the
 * current key and old ones, opening under a named key, look-up hashes
 * under each key, the sessions' sealed ID tokens; and the pruning of old
 * backups. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backup.h"
#include "crypto.h"

/* A directory of its own under /tmp, its name in dir (size 64). */
static void tmp_dir(char *dir)
{
	strcpy(dir, "/tmp/kaptajn-keyrot-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
}

/* A master key file dir/name with the byte fill 32 times, mode 0600; its
 * path into path (size 128). */
static void key_file(const char *dir, const char *name, int fill, char *path)
{
	char hex[66];
	int fd, i;

	for (i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", fill);
	hex[64] = '\n';
	snprintf(path, 128, "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, hex, 65), 65);
	close(fd);
}

static void rm_dir(const char *dir)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
}

/* Two master keys in a directory of their own: a (A alone), b (B alone)
 * and ba (B current, A old). */
struct two_keys {
	char dir[64], pa[128], pb[128];
	struct kp_keys a, b, ba;
};

static void two_keys(struct two_keys *t)
{
	char err[256];

	tmp_dir(t->dir);
	key_file(t->dir, "a.key", 0x11, t->pa);
	key_file(t->dir, "b.key", 0x22, t->pb);
	cr_assert_eq(kp_keys_load(&t->a, t->pa, NULL, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(kp_keys_load(&t->b, t->pb, NULL, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(kp_keys_load(&t->ba, t->pb, t->pa, err, sizeof(err)), 0, "%s", err);
}

Test(keyrot, a_key_id_is_eight_hex_digits_stable_and_differs_between_keys)
{
	uint8_t a[32], b[32];
	struct kp_key ka, ka2, kb;
	size_t i;

	memset(a, 0x11, sizeof(a));
	memset(b, 0x22, sizeof(b));
	cr_assert_eq(kp_key_derive(&ka, a), 0);
	cr_assert_eq(kp_key_derive(&ka2, a), 0);
	cr_assert_eq(kp_key_derive(&kb, b), 0);
	cr_assert_eq(strlen(ka.id), KP_KEY_ID_LEN);
	for (i = 0; i < KP_KEY_ID_LEN; i++)
		cr_assert(kp_hex_value(ka.id[i]) >= 0 && !(ka.id[i] >= 'A' && ka.id[i] <= 'F'));
	cr_assert_str_eq(ka.id, ka2.id);
	cr_assert_str_neq(ka.id, kb.id);
	/* The id is none of the keys' bytes. */
	cr_assert_neq(memcmp(ka.id, ka.cpr_enc, KP_KEY_ID_LEN), 0);
}

Test(keyrot, the_current_key_seals_and_an_old_key_opens_what_it_sealed)
{
	char cpr[KP_CPR_LEN + 1];
	uint8_t sealed[KP_CPR_SEALED_LEN];
	struct two_keys t;
	struct rng *r = rng_new("test");

	two_keys(&t);
	cr_assert_eq(t.ba.n, 2);
	cr_assert_str_eq(t.ba.key[1].id, t.a.key[0].id);
	cr_assert_eq(kp_cpr_seal(&t.a, r, "0703921234", "citizen:7", 9, sealed), 0);
	/* B current, A old: opens under A's id, and with no id (before 015). */
	cr_assert_eq(kp_cpr_open(&t.ba, t.a.key[0].id, sealed, sizeof(sealed), "citizen:7", 9, cpr),
	             KP_CPR_OPEN_OK);
	cr_assert_str_eq(cpr, "0703921234");
	cr_assert_eq(kp_cpr_open(&t.ba, NULL, sealed, sizeof(sealed), "citizen:7", 9, cpr),
	             KP_CPR_OPEN_OK);
	cr_assert_str_eq(cpr, "0703921234");
	/* Named as B's, it does not open: the id picks the key. */
	cr_assert_eq(kp_cpr_open(&t.ba, t.b.key[0].id, sealed, sizeof(sealed), "citizen:7", 9, cpr),
	             KP_CPR_OPEN_BAD);
	cr_assert_str_eq(cpr, "");
	rng_free(r);
	rm_dir(t.dir);
}

Test(keyrot, a_row_under_a_key_not_configured_is_nokey_not_garbage)
{
	char cpr[KP_CPR_LEN + 1] = "xxxxxxxxxx";
	uint8_t sealed[KP_CPR_SEALED_LEN];
	struct two_keys t;
	struct rng *r = rng_new("test");

	two_keys(&t);
	cr_assert_eq(kp_cpr_seal(&t.a, r, "0703921234", "citizen:7", 9, sealed), 0);
	cr_assert_eq(kp_cpr_open(&t.b, t.a.key[0].id, sealed, sizeof(sealed), "citizen:7", 9, cpr),
	             KP_CPR_OPEN_NOKEY);
	cr_assert_str_eq(cpr, "");
	cr_assert_eq(kp_cpr_open(&t.b, NULL, sealed, sizeof(sealed), "citizen:7", 9, cpr),
	             KP_CPR_OPEN_BAD);
	cr_assert_null(kp_keys_find(&t.b, t.a.key[0].id));
	rng_free(r);
	rm_dir(t.dir);
}

Test(keyrot, lookups_hold_each_keys_hash_and_repeat_the_current_one)
{
	uint8_t all[KP_KEYS_MAX][KP_SHA256_LEN], la[KP_SHA256_LEN], lb[KP_SHA256_LEN];
	struct two_keys t;

	two_keys(&t);
	kp_cpr_lookup(&t.a, "0703921234", la);
	kp_cpr_lookup(&t.ba, "0703921234", lb);
	cr_assert_neq(memcmp(la, lb, sizeof(la)), 0, "the look-up hash depends on the key");
	kp_cpr_lookups(&t.ba, "0703921234", all);
	cr_assert_eq(memcmp(all[0], lb, sizeof(lb)), 0);
	cr_assert_eq(memcmp(all[1], la, sizeof(la)), 0);
	cr_assert_eq(memcmp(all[2], lb, sizeof(lb)), 0);
	cr_assert_eq(memcmp(all[3], lb, sizeof(lb)), 0);
	rm_dir(t.dir);
}

Test(keyrot, a_session_token_sealed_under_the_old_key_opens_after_the_rotation)
{
	uint8_t sealed[5 + KP_SEAL_OVERHEAD], out[5];
	struct two_keys t;
	struct rng *r = rng_new("test");

	two_keys(&t);
	cr_assert_eq(kp_seal(t.a.key[0].session_enc, r, "token", 5, "h", 1, sealed), 0);
	cr_assert_eq(kp_session_open(&t.ba, sealed, sizeof(sealed), "h", 1, out), 0);
	cr_assert_eq(memcmp(out, "token", 5), 0);
	cr_assert_eq(kp_session_open(&t.b, sealed, sizeof(sealed), "h", 1, out), -1);
	rng_free(r);
	rm_dir(t.dir);
}

Test(keyrot, old_keys_that_repeat_a_key_or_are_too_many_are_refused_by_name)
{
	char dir[64], pa[128], pb[128], pc[128], pd[128], pe[128], err[256], list[700];
	struct kp_keys k;

	tmp_dir(dir);
	key_file(dir, "a.key", 0x11, pa);
	key_file(dir, "b.key", 0x22, pb);
	key_file(dir, "c.key", 0x33, pc);
	key_file(dir, "d.key", 0x44, pd);
	key_file(dir, "e.key", 0x55, pe);
	cr_assert_eq(kp_keys_load(&k, pb, pb, err, sizeof(err)), -1);
	cr_assert(strstr(err, "is the current key") != NULL, "%s", err);
	snprintf(list, sizeof(list), "%s, %s", pa, pa);
	cr_assert_eq(kp_keys_load(&k, pb, list, err, sizeof(err)), -1);
	cr_assert(strstr(err, "configured already") != NULL, "%s", err);
	snprintf(list, sizeof(list), "%s,%s,%s,%s", pa, pc, pd, pe);
	cr_assert_eq(kp_keys_load(&k, pb, list, err, sizeof(err)), -1);
	cr_assert(strstr(err, "at most 3 old keys") != NULL, "%s", err);
	snprintf(list, sizeof(list), "%s/none.key", dir);
	cr_assert_eq(kp_keys_load(&k, pb, list, err, sizeof(err)), -1);
	cr_assert(strstr(err, "none.key") != NULL, "%s", err);
	/* Spaces and an empty item are no key. */
	snprintf(list, sizeof(list), " %s ,, %s", pa, pc);
	cr_assert_eq(kp_keys_load(&k, pb, list, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(k.n, 3);
	rm_dir(dir);
}

/* Makes dir/name (empty). */
static void touch(const char *dir, const char *name)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	cr_assert_geq(fd, 0, "%s", path);
	close(fd);
}

static bool exists(const char *dir, const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return access(path, F_OK) == 0;
}

Test(backup_prune, keeps_the_newest_and_removes_older_backups_with_their_manifests)
{
	static const char *const stamps[] = {"20260101T010000Z", "20260301T010000Z",
	                                     "20260201T010000Z", "20260401T010000Z"};
	char dir[64], name[80];
	FILE *out = tmpfile(), *log = tmpfile();
	size_t i;

	tmp_dir(dir);
	for (i = 0; i < 4; i++) {
		snprintf(name, sizeof(name), "kaptajn-%s.sql.gz", stamps[i]);
		touch(dir, name);
		snprintf(name, sizeof(name), "kaptajn-%s.manifest.json", stamps[i]);
		touch(dir, name);
	}
	cr_assert_eq(backup_prune(dir, 2, out, log), 0);
	cr_assert_not(exists(dir, "kaptajn-20260101T010000Z.sql.gz"));
	cr_assert_not(exists(dir, "kaptajn-20260101T010000Z.manifest.json"));
	cr_assert_not(exists(dir, "kaptajn-20260201T010000Z.sql.gz"));
	cr_assert_not(exists(dir, "kaptajn-20260201T010000Z.manifest.json"));
	cr_assert(exists(dir, "kaptajn-20260301T010000Z.sql.gz"));
	cr_assert(exists(dir, "kaptajn-20260301T010000Z.manifest.json"));
	cr_assert(exists(dir, "kaptajn-20260401T010000Z.sql.gz"));
	/* Again: nothing more goes. */
	cr_assert_eq(backup_prune(dir, 2, out, log), 0);
	cr_assert(exists(dir, "kaptajn-20260301T010000Z.sql.gz"));
	fclose(out);
	fclose(log);
	rm_dir(dir);
}

Test(backup_prune, leaves_every_file_that_is_not_a_kaptajn_backup)
{
	static const char *const others[] = {
		"kaptajn-2026.sql.gz", "kaptajn-20250101T010000Z.sql", "other-20250101T010000Z.sql.gz",
		"kaptajn-20250101T010000Z.sql.gz.bak", ".kaptajn-20250101T010000Z.sql.gz.Ab12Cd",
		"kaptajn-2025010XT010000Z.sql.gz", "notes.txt"};
	char dir[64];
	FILE *out = tmpfile(), *log = tmpfile();
	size_t i;

	tmp_dir(dir);
	for (i = 0; i < sizeof(others) / sizeof(others[0]); i++)
		touch(dir, others[i]);
	touch(dir, "kaptajn-20240101T010000Z.sql.gz");
	touch(dir, "kaptajn-20240102T010000Z.sql.gz");
	cr_assert_eq(backup_prune(dir, 1, out, log), 0);
	for (i = 0; i < sizeof(others) / sizeof(others[0]); i++)
		cr_assert(exists(dir, others[i]), "%s was removed", others[i]);
	cr_assert_not(exists(dir, "kaptajn-20240101T010000Z.sql.gz"));
	cr_assert(exists(dir, "kaptajn-20240102T010000Z.sql.gz"));
	fclose(out);
	fclose(log);
	rm_dir(dir);
}

Test(backup_prune, a_directory_that_cannot_be_read_is_an_error)
{
	FILE *out = tmpfile(), *log = tmpfile();

	cr_assert_eq(backup_prune("/nonexistent/kaptajn-backups", 7, out, log), 1);
	fclose(out);
	fclose(log);
}
