/* test_config.c: the configuration file (core/config.c) and its commented
 * sample for production (packaging/kaptajn.conf): every error names the
 * file, the line and the key; the sample names every key and loads. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "oidc.h"

#define SAMPLE KP_TEST_SOURCE_DIR "/packaging/kaptajn.conf"

static char dir[64];

static void dir_make(void)
{
	strcpy(dir, "/tmp/kp-config-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
}

/* The directory holds files only. */
static void dir_remove(void)
{
	struct dirent *e;
	char path[sizeof(dir) + 256 + 2];
	DIR *d = opendir(dir);

	while (d != NULL && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (unlink(path) != 0)
			rmdir(path);
	}
	if (d != NULL)
		closedir(d);
	rmdir(dir);
}

TestSuite(config, .init = dir_make, .fini = dir_remove);

/* dir/name with text and mode; its path in out (256 bytes). */
static const char *file(char *out, const char *name, const char *text, mode_t mode)
{
	int fd;

	snprintf(out, 256, "%s/%s", dir, name);
	unlink(out);
	fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	cr_assert_geq(fd, 0, "%s: %s", out, strerror(errno));
	cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	cr_assert_eq(fchmod(fd, mode), 0);
	close(fd);
	return out;
}

#define BASE "db_socket = /run/mysqld/mysqld.sock\ndb_name = k\ndb_user = k\n"

/* Loading text (as dir/kaptajn.conf) fails with exactly want, where "@"
 * stands for the file's path. */
static void refused(const char *text, const char *want)
{
	struct kp_config cfg;
	char conf[256], err[1024], expect[1024];
	const char *at = strchr(want, '@');

	file(conf, "kaptajn.conf", text, 0600);
	cr_assert_not_null(at);
	snprintf(expect, sizeof(expect), "%.*s%s%s", (int)(at - want), want, conf, at + 1);
	cr_assert_eq(config_load(&cfg, conf, err, sizeof(err)), -1, "accepted:\n%s", text);
	cr_assert_str_eq(err, expect);
	cr_assert_null(cfg.db_socket, "a refused file left values behind");
}

static void loads(struct kp_config *cfg, const char *text)
{
	char conf[256], err[1024];

	file(conf, "kaptajn.conf", text, 0600);
	cr_assert_eq(config_load(cfg, conf, err, sizeof(err)), 0, "%s", err);
}

Test(config, an_unknown_key_names_the_file_the_line_and_the_key)
{
	refused(BASE "# a comment\n\ndb_timout = 5\n", "@:6: db_timout: unknown key");
}

Test(config, a_whole_number_out_of_its_range_or_not_one_names_the_range)
{
	refused(BASE "db_timeout = 61\n", "@:4: db_timeout: must be a whole number 1..60");
	refused(BASE "db_timeout = ten\n", "@:4: db_timeout: must be a whole number 1..60");
	refused(BASE "oidc_refresh =\n", "@:4: oidc_refresh: must be a whole number 60..86400");
	refused(BASE "purge_interval = 1.5\n",
	        "@:4: purge_interval: must be a whole number 0..86400");
	refused(BASE "retention_years = 0\n", "@:4: retention_years: must be a whole number 1..100");
}

Test(config, a_key_set_twice_names_both_lines)
{
	refused(BASE "oidc_timeout = 3\n# again\noidc_timeout = 4\n",
	        "@:6: oidc_timeout: set twice (first on line 4)");
	refused(BASE "db_name = other\n", "@:4: db_name: set twice (first on line 2)");
}

Test(config, a_missing_or_empty_required_key_is_named_without_a_line)
{
	refused("db_socket = /s\ndb_user = k\n", "@: db_name: is required");
	refused("db_socket = /s\ndb_name = k\ndb_user =\n", "@: db_user: is required");
}

Test(config, a_line_that_is_not_key_equals_value_names_its_line)
{
	refused(BASE "db_timeout 5\n", "@:4: not a key = value line");
}

Test(config, an_overlong_line_is_refused_not_split_into_two)
{
	char text[2200];

	snprintf(text, sizeof(text), BASE "citizen_scopes = openid %01500d\n", 0);
	refused(text, "@:4: the line is over 1022 bytes");
}

Test(config, a_url_that_is_not_https_or_loopback_http_is_refused_at_load)
{
	refused(BASE "citizen_discovery = http://broker.example/x\n",
	        "@:4: citizen_discovery: must be an https URL (http only to loopback)");
	refused(BASE "public_url = https://kaptajn.kommune.dk/\n",
	        "@:4: public_url: must be an https URL without a query or a trailing slash (http "
	        "only to loopback)");
	refused(BASE "dev_idp_url = ftp://127.0.0.1/dev-idp\n",
	        "@:4: dev_idp_url: must be an https URL (http only to loopback)");
}

Test(config, a_socket_group_that_does_not_exist_is_refused)
{
	refused(BASE "socket_group = no-such-group-kp\n",
	        "@:4: socket_group: no-such-group-kp is not a group of this host");
}

Test(config, a_secret_file_open_to_group_or_others_is_refused_with_its_mode_and_chmod)
{
	static const mode_t modes[] = {0640, 0604, 0620, 0602, 0644};
	static const char *const keys[] = {"keys_file", "db_password_file",
	                                   "citizen_client_secret_file", "staff_client_key_file"};
	char secret[256], text[1024], want[1024];
	size_t i, k;

	for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
		for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
			file(secret, "secret", "s3cret\n", modes[i]);
			snprintf(text, sizeof(text), BASE "%s = %s\n", keys[k], secret);
			snprintf(want, sizeof(want), "@:4: %s: %s is readable or writable by group or "
			         "others (mode %04o); chmod 600 %s", keys[k], secret, (unsigned)modes[i],
			         secret);
			refused(text, want);
		}
}

Test(config, a_secret_file_that_is_empty_missing_or_not_a_file_is_refused)
{
	char secret[256], text[1024], want[1024];

	file(secret, "empty", "", 0600);
	snprintf(text, sizeof(text), BASE "keys_file = %s\n", secret);
	snprintf(want, sizeof(want), "@:4: keys_file: %s is empty", secret);
	refused(text, want);
	snprintf(secret, sizeof(secret), "%s/absent", dir);
	snprintf(text, sizeof(text), BASE "keys_file = %s\n", secret);
	snprintf(want, sizeof(want), "@:4: keys_file: %s: No such file or directory", secret);
	refused(text, want);
	snprintf(secret, sizeof(secret), "%s/sub", dir);
	cr_assert_eq(mkdir(secret, 0700), 0);
	snprintf(text, sizeof(text), BASE "staff_client_secret_file = %s\n", secret);
	snprintf(want, sizeof(want), "@:4: staff_client_secret_file: %s is not a regular file",
	         secret);
	refused(text, want);
}

Test(config, db_password_file_gives_the_password_of_its_first_line)
{
	struct kp_config cfg;
	char secret[256], text[1024];

	file(secret, "db-password", "pa ss=word\nignored\n", 0400);
	snprintf(text, sizeof(text), BASE "db_password_file = %s\n", secret);
	loads(&cfg, text);
	cr_assert_str_eq(cfg.db_password, "pa ss=word");
	config_free(&cfg);
}

Test(config, db_password_and_db_password_file_together_are_refused)
{
	char secret[256], text[1024];

	file(secret, "db-password", "x\n", 0600);
	snprintf(text, sizeof(text), BASE "db_password = y\ndb_password_file = %s\n", secret);
	refused(text, "@:4: db_password: set only one of db_password and db_password_file (line 5)");
	file(secret, "db-password", "\nsecond line\n", 0600);
	snprintf(text, sizeof(text), BASE "db_password_file = %s\n", secret);
	{
		char want[1024];

		snprintf(want, sizeof(want), "@:4: db_password_file: %s must hold the password on its "
		         "first line (at most 256 bytes)", secret);
		refused(text, want);
	}
}

Test(config, defaults_hold_when_a_key_is_left_out_and_lines_are_kept)
{
	struct kp_config cfg;

	loads(&cfg, BASE "\n# x\ndb_password = dev\noidc_timeout = 7\n");
	cr_assert_eq(cfg.db_timeout, 5);
	cr_assert_eq(cfg.oidc_timeout, 7);
	cr_assert_eq(cfg.oidc_refresh, 3600);
	cr_assert_eq(cfg.purge_interval, 600);
	cr_assert_str_eq(cfg.db_password, "dev");
	cr_assert_eq(config_line(&cfg, "oidc_timeout"), 7);
	cr_assert_eq(config_line(&cfg, "db_socket"), 1);
	cr_assert_eq(config_line(&cfg, "oidc_refresh"), 0);
	cr_assert_eq(config_line(&cfg, "no_such_key"), 0);
	config_free(&cfg);
}

Test(config, a_later_checks_message_gets_the_file_and_line_of_its_key)
{
	struct kp_config cfg;
	struct oidc_rp rp;
	char err[1024], want[1024];

	loads(&cfg, BASE "public_url = https://kaptajn.test\ncitizen_issuer = https://b.test\n"
	      "citizen_discovery = https://b.test/.well-known/openid-configuration\n"
	      "citizen_audience = a\ncitizen_client_auth = magic\n");
	cr_assert_eq(oidc_rp_init(&rp, &cfg, OIDC_CITIZEN, err, sizeof(err)), -1);
	oidc_rp_free(&rp);
	snprintf(want, sizeof(want), "%s:8: citizen_client_auth: must be client_secret_basic, "
	         "client_secret_post or private_key_jwt", cfg.path);
	cr_assert_str_eq(err, want);
	/* A key left out has no line: the file alone. */
	snprintf(err, sizeof(err), "oidc_cache_dir: is required");
	config_locate(&cfg, err, sizeof(err));
	snprintf(want, sizeof(want), "%s: oidc_cache_dir: is required", cfg.path);
	cr_assert_str_eq(err, want);
	/* A message that names no key is left alone. */
	snprintf(err, sizeof(err), "libcurl: failed");
	config_locate(&cfg, err, sizeof(err));
	cr_assert_str_eq(err, "libcurl: failed");
	config_free(&cfg);
}

/* ---- the sample (packaging/kaptajn.conf) ---- */

/* The key a sample line sets or shows ("key = ..." or "# key = ..."),
 * copied into key (64 bytes); false for any other line. *active: not a
 * comment. */
static bool sample_key(const char *line, char *key, bool *active)
{
	size_t n;

	*active = line[0] != '#';
	if (!*active)
		line += strncmp(line, "# ", 2) == 0 ? 2 : 1;
	n = strspn(line, "abcdefghijklmnopqrstuvwxyz0123456789_");
	if (n == 0 || n >= 64 || strncmp(line + n, " =", 2) != 0 ||
	    (line[n + 2] != ' ' && line[n + 2] != '\n' && line[n + 2] != '\0'))
		return false;
	memcpy(key, line, n);
	key[n] = '\0';
	return true;
}

static bool known(const char *key)
{
	size_t i;

	for (i = 0; config_key(i) != NULL; i++)
		if (strcmp(config_key(i), key) == 0)
			return true;
	return false;
}

Test(config, the_sample_names_every_key_config_knows_and_no_other)
{
	char line[1024], key[64], seen[KP_CONFIG_KEYS] = {0};
	size_t i, nkeys = 0;
	bool active;
	FILE *f = fopen(SAMPLE, "r");

	cr_assert_not_null(f, "%s: %s", SAMPLE, strerror(errno));
	while (fgets(line, sizeof(line), f) != NULL) {
		if (!sample_key(line, key, &active))
			continue;
		cr_expect(known(key), "the sample names %s, which config.c does not know", key);
		for (i = 0; config_key(i) != NULL; i++)
			if (strcmp(config_key(i), key) == 0)
				seen[i] = 1;
	}
	fclose(f);
	for (i = 0; config_key(i) != NULL; i++, nkeys++)
		cr_expect(seen[i], "the sample does not show %s", config_key(i));
	cr_assert_gt(nkeys, 40, "config_key() lists too few keys");
}

Test(config, the_sample_loads_with_its_secret_files_present_and_both_sides_check)
{
	char line[1024], key[64], conf[256], secret[256], err[1024];
	struct kp_config cfg;
	struct oidc_rp rp;
	bool active;
	FILE *in = fopen(SAMPLE, "r"), *out;

	cr_assert_not_null(in, "%s: %s", SAMPLE, strerror(errno));
	snprintf(conf, sizeof(conf), "%s/kaptajn.conf", dir);
	cr_assert_not_null(out = fopen(conf, "w"));
	/* Each secret file the sample sets becomes a temporary one. */
	while (fgets(line, sizeof(line), in) != NULL) {
		size_t n;

		if (sample_key(line, key, &active) && active && (n = strlen(key)) > 5 &&
		    strcmp(key + n - 5, "_file") == 0) {
			file(secret, key, "s3cret\n", 0600);
			fprintf(out, "%s = %s\n", key, secret);
			continue;
		}
		fputs(line, out);
	}
	fclose(in);
	cr_assert_eq(fclose(out), 0);
	cr_assert_eq(config_load(&cfg, conf, err, sizeof(err)), 0, "%s", err);
	cr_assert_str_eq(cfg.db_password, "s3cret");
	cr_assert_str_eq(cfg.oidc_cache_dir, "/var/lib/kaptajn/oidc");
	cr_assert_str_eq(cfg.socket_group, "www-data");
	cr_assert_eq(cfg.db_timeout, 5);
	cr_assert_eq(oidc_rp_init(&rp, &cfg, OIDC_CITIZEN, err, sizeof(err)), 0, "%s", err);
	cr_assert(rp.enabled);
	cr_assert_eq(rp.min_loa, TOKEN_LOA_SUBSTANTIAL);
	oidc_rp_free(&rp);
	cr_assert_eq(oidc_rp_init(&rp, &cfg, OIDC_STAFF, err, sizeof(err)), 0, "%s", err);
	cr_assert(rp.enabled);
	oidc_rp_free(&rp);
	config_free(&cfg);
}

Test(config, the_dev_stacks_file_from_scripts_lib_loads)
{
	const char *path = getenv("KAPTAJN_TEST_CONFIG");
	struct kp_config cfg;
	char err[1024];

	if (path == NULL || *path == '\0')
		cr_skip_test("KAPTAJN_TEST_CONFIG is not set");
	cr_assert_eq(config_load(&cfg, path, err, sizeof(err)), 0, "%s", err);
	cr_assert_not_null(cfg.db_password, "kp_config_write's db_password was lost");
	cr_assert_neq(config_line(&cfg, "db_socket"), 0);
	config_free(&cfg);
}
