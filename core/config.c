/* config.c: reads the "key = value" configuration file (see config.h). */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "crypto.h"
#include "oidc.h"

/* What a key's value is, and so how it is checked. */
enum kind {
	K_STR,    /* any text; empty: unset */
	K_INT,    /* a whole number in min..max */
	K_URL,    /* empty, or a URL oidc_url_ok() allows */
	K_BASE,   /* as K_URL, and no query nor trailing slash (public_url) */
	K_SECRET, /* empty, or a private regular file (secret_check) */
	K_SECRETS, /* comma-separated K_SECRET files; empty: none */
	K_GROUP,  /* empty, or a group of this host */
};

static const struct {
	const char *key;
	size_t off;
	enum kind kind;
	long min, max;
} keys[] = {
	{"db_socket", offsetof(struct kp_config, db_socket), K_STR, 0, 0},
	{"db_name", offsetof(struct kp_config, db_name), K_STR, 0, 0},
	{"db_user", offsetof(struct kp_config, db_user), K_STR, 0, 0},
	{"db_password", offsetof(struct kp_config, db_password), K_STR, 0, 0},
	{"db_password_file", offsetof(struct kp_config, db_password_file), K_SECRET, 0, 0},
	{"db_timeout", offsetof(struct kp_config, db_timeout), K_INT, 1, 60},
	{"keys_file", offsetof(struct kp_config, keys_file), K_SECRET, 0, 0},
	{"keys_old_files", offsetof(struct kp_config, keys_old_files), K_SECRETS, 0, 0},
	{"socket_group", offsetof(struct kp_config, socket_group), K_GROUP, 0, 0},
	{"purge_interval", offsetof(struct kp_config, purge_interval), K_INT, 0, 86400},
	{"retention_years", offsetof(struct kp_config, retention_years), K_INT, 1, 100},
	{"course_reopen_days", offsetof(struct kp_config, course_reopen_days), K_INT, 0, 3650},
	{"backup_dir", offsetof(struct kp_config, backup_dir), K_STR, 0, 0},
	{"backup_keep", offsetof(struct kp_config, backup_keep), K_INT, 1, 1000},
	{"citizen_issuer", offsetof(struct kp_config, citizen_issuer), K_STR, 0, 0},
	{"citizen_audience", offsetof(struct kp_config, citizen_audience), K_STR, 0, 0},
	{"citizen_jwks", offsetof(struct kp_config, citizen_jwks), K_STR, 0, 0},
	{"staff_issuer", offsetof(struct kp_config, staff_issuer), K_STR, 0, 0},
	{"staff_audience", offsetof(struct kp_config, staff_audience), K_STR, 0, 0},
	{"staff_jwks", offsetof(struct kp_config, staff_jwks), K_STR, 0, 0},
	{"dev_idp_dir", offsetof(struct kp_config, dev_idp_dir), K_STR, 0, 0},
	{"dev_idp_url", offsetof(struct kp_config, dev_idp_url), K_URL, 0, 0},
	{"public_url", offsetof(struct kp_config, public_url), K_BASE, 0, 0},
	{"oidc_cache_dir", offsetof(struct kp_config, oidc_cache_dir), K_STR, 0, 0},
	{"oidc_ca_file", offsetof(struct kp_config, oidc_ca_file), K_STR, 0, 0},
	{"oidc_timeout", offsetof(struct kp_config, oidc_timeout), K_INT, 1, 10},
	{"oidc_refresh", offsetof(struct kp_config, oidc_refresh), K_INT, 60, 86400},
	{"smtp_url", offsetof(struct kp_config, smtp_url), K_STR, 0, 0},
	{"smtp_from", offsetof(struct kp_config, smtp_from), K_STR, 0, 0},
	{"smtp_user", offsetof(struct kp_config, smtp_user), K_STR, 0, 0},
	{"smtp_password_file", offsetof(struct kp_config, smtp_password_file), K_SECRET, 0, 0},
	{"smtp_starttls", offsetof(struct kp_config, smtp_starttls), K_STR, 0, 0},
	{"sms_url", offsetof(struct kp_config, sms_url), K_URL, 0, 0},
	{"sms_token_file", offsetof(struct kp_config, sms_token_file), K_SECRET, 0, 0},
	{"outbox_poll", offsetof(struct kp_config, outbox_poll), K_INT, 1, 300},
	{"outbox_timeout", offsetof(struct kp_config, outbox_timeout), K_INT, 1, 60},
	{"outbox_retry_first", offsetof(struct kp_config, outbox_retry_first), K_INT, 1, 3600},
	{"outbox_retry_max", offsetof(struct kp_config, outbox_retry_max), K_INT, 1, 86400},
	{"outbox_give_up", offsetof(struct kp_config, outbox_give_up), K_INT, 60, 604800},
#define SIDE(s)                                                                                  \
	{#s "_discovery", offsetof(struct kp_config, s##_oidc.discovery), K_URL, 0, 0},            \
	{#s "_client_id", offsetof(struct kp_config, s##_oidc.client_id), K_STR, 0, 0},            \
	{#s "_client_auth", offsetof(struct kp_config, s##_oidc.client_auth), K_STR, 0, 0},        \
	{#s "_client_secret_file", offsetof(struct kp_config, s##_oidc.client_secret_file),        \
	 K_SECRET, 0, 0},                                                                           \
	{#s "_client_key_file", offsetof(struct kp_config, s##_oidc.client_key_file), K_SECRET, 0, \
	 0},                                                                                        \
	{#s "_client_key_alg", offsetof(struct kp_config, s##_oidc.client_key_alg), K_STR, 0, 0},  \
	{#s "_scopes", offsetof(struct kp_config, s##_oidc.scopes), K_STR, 0, 0},                  \
	{#s "_auth_params", offsetof(struct kp_config, s##_oidc.auth_params), K_STR, 0, 0},        \
	{#s "_cpr_claim", offsetof(struct kp_config, s##_oidc.cpr_claim), K_STR, 0, 0},            \
	{#s "_name_claim", offsetof(struct kp_config, s##_oidc.name_claim), K_STR, 0, 0},          \
	{#s "_loa_claim", offsetof(struct kp_config, s##_oidc.loa_claim), K_STR, 0, 0},            \
	{#s "_min_loa", offsetof(struct kp_config, s##_oidc.min_loa), K_STR, 0, 0},                \
	{#s "_role_claim", offsetof(struct kp_config, s##_oidc.role_claim), K_STR, 0, 0},          \
	{#s "_userinfo", offsetof(struct kp_config, s##_oidc.userinfo), K_STR, 0, 0}
	SIDE(citizen),
	SIDE(staff),
#undef SIDE
};

#define NKEYS (sizeof(keys) / sizeof(keys[0]))
_Static_assert(NKEYS <= KP_CONFIG_KEYS, "KP_CONFIG_KEYS is too small for the key table");

/* The longest line, and the longest secret db_password_file may hold. */
#define CONFIG_LINE_MAX 1024
#define CONFIG_PASSWORD_MAX 256

static void put(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void put(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

static int key_index(const char *key)
{
	size_t i;

	for (i = 0; i < NKEYS; i++)
		if (strcmp(key, keys[i].key) == 0)
			return (int)i;
	return -1;
}

const char *config_key(size_t i)
{
	return i < NKEYS ? keys[i].key : NULL;
}

int config_line(const struct kp_config *cfg, const char *key)
{
	int i = key_index(key);

	return i < 0 ? 0 : cfg->lines[i];
}

void config_locate(const struct kp_config *cfg, char *err, size_t errlen)
{
	char key[64], *copy;
	size_t n = strcspn(err, ":");
	int line;

	if (cfg->path == NULL || err[n] != ':' || n >= sizeof(key))
		return;
	memcpy(key, err, n);
	key[n] = '\0';
	if (key_index(key) < 0 || (copy = strdup(err)) == NULL)
		return;
	if ((line = config_line(cfg, key)) > 0)
		put(err, errlen, "%s:%d: %s", cfg->path, line, copy);
	else
		put(err, errlen, "%s: %s", cfg->path, copy);
	free(copy);
}

/* A secret file: opens path (fd in *fdp) and checks it is a regular file,
 * not empty, and open to its owner only. 0, or -1 with why set. */
static int secret_open(const char *path, int *fdp, char *why, size_t whylen)
{
	struct stat st;
	int fd;

	*fdp = -1;
	/* Not blocking: a FIFO is refused, not waited on. */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)) < 0) {
		put(why, whylen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
		put(why, whylen, "%s is not a regular file", path);
	else if (st.st_size == 0)
		put(why, whylen, "%s is empty", path);
	else if ((st.st_mode & 077) != 0)
		put(why, whylen, "%s is readable or writable by group or others (mode %04o); chmod 600 %s",
		    path, (unsigned)(st.st_mode & 07777), path);
	else {
		*fdp = fd;
		return 0;
	}
	close(fd);
	return -1;
}

/* db_password_file's first line (without its newline) into cfg->db_password.
 * 0, or -1 with why set. */
static int password_read(struct kp_config *cfg, char *why, size_t whylen)
{
	char buf[CONFIG_PASSWORD_MAX + 2];
	ssize_t n;
	size_t len;
	int fd, rc = -1;

	if (secret_open(cfg->db_password_file, &fd, why, whylen) != 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	len = n > 0 ? (size_t)n : 0;
	buf[len] = '\0';
	len = strcspn(buf, "\r\n");
	if (n < 0)
		put(why, whylen, "%s: %s", cfg->db_password_file, strerror(errno));
	else if (len == 0 || strlen(buf) != (size_t)n || len > CONFIG_PASSWORD_MAX)
		put(why, whylen, "%s must hold the password on its first line (at most %d bytes)",
		    cfg->db_password_file, CONFIG_PASSWORD_MAX);
	else if ((cfg->db_password = strndup(buf, len)) == NULL)
		put(why, whylen, "out of memory");
	else
		rc = 0;
	kp_wipe(buf, sizeof(buf));
	return rc;
}

/* Checks v as key i's value and stores it. 0, or -1 with why set (the
 * message after "key: "). */
static int value_set(struct kp_config *cfg, size_t i, const char *v, char *why, size_t whylen)
{
	char **slot = (char **)((char *)cfg + keys[i].off);
	const char *u;
	int fd;

	switch (keys[i].kind) {
	case K_INT: {
		char *end;
		long t;

		errno = 0;
		t = strtol(v, &end, 10);
		if (*v == '\0' || *end != '\0' || errno != 0 || t < keys[i].min || t > keys[i].max) {
			put(why, whylen, "must be a whole number %ld..%ld", keys[i].min, keys[i].max);
			return -1;
		}
		*(int *)((char *)cfg + keys[i].off) = (int)t;
		return 0;
	}
	case K_URL:
	case K_BASE:
		u = strchr(v, '?');
		if (*v != '\0' && (!oidc_url_ok(v) || (keys[i].kind == K_BASE &&
		                                       (u != NULL || v[strlen(v) - 1] == '/')))) {
			put(why, whylen, "must be an https URL%s (http only to loopback)",
			    keys[i].kind == K_BASE ? " without a query or a trailing slash" : "");
			return -1;
		}
		break;
	case K_SECRET:
		if (*v != '\0') {
			if (secret_open(v, &fd, why, whylen) != 0)
				return -1;
			close(fd);
		}
		break;
	case K_SECRETS:
		for (u = v; *u != '\0';) {
			size_t len = strcspn(u, ","), b = 0, e = len;
			char *one;
			int rc;

			while (b < e && (u[b] == ' ' || u[b] == '\t'))
				b++;
			while (e > b && (u[e - 1] == ' ' || u[e - 1] == '\t'))
				e--;
			if (e > b) {
				if ((one = strndup(u + b, e - b)) == NULL) {
					put(why, whylen, "out of memory");
					return -1;
				}
				rc = secret_open(one, &fd, why, whylen);
				free(one);
				if (rc != 0)
					return -1;
				close(fd);
			}
			u += len + (u[len] == ',');
		}
		break;
	case K_GROUP:
		if (*v != '\0' && getgrnam(v) == NULL) {
			put(why, whylen, "%s is not a group of this host", v);
			return -1;
		}
		break;
	case K_STR:
		break;
	}
	if ((*slot = strdup(v)) == NULL) {
		put(why, whylen, "out of memory");
		return -1;
	}
	return 0;
}

int config_load(struct kp_config *cfg, const char *path, char *err, size_t errlen)
{
	static const char *const required[] = {"db_socket", "db_name", "db_user"};
	char line[CONFIG_LINE_MAX], why[512];
	FILE *f;
	int lineno = 0, rc = -1, ki;
	size_t i;

	memset(cfg, 0, sizeof(*cfg));
	cfg->db_timeout = 5;
	cfg->purge_interval = 600;
	cfg->retention_years = 5;
	cfg->course_reopen_days = 90;
	cfg->backup_keep = 7;
	cfg->oidc_timeout = 4;
	cfg->oidc_refresh = 3600;
	cfg->outbox_poll = 2;
	cfg->outbox_timeout = 10;
	cfg->outbox_retry_first = 30;
	cfg->outbox_retry_max = 3600;
	cfg->outbox_give_up = 86400;
	if ((f = fopen(path, "re")) == NULL) {
		put(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if ((cfg->path = strdup(path)) == NULL) {
		put(err, errlen, "%s: out of memory", path);
		goto out;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		char *k, *v, *eq;

		lineno++;
		if (strchr(line, '\n') == NULL && !feof(f)) {
			put(err, errlen, "%s:%d: the line is over %d bytes", path, lineno,
			    CONFIG_LINE_MAX - 2);
			goto out;
		}
		k = trim(line);
		if (*k == '\0' || *k == '#')
			continue;
		if ((eq = strchr(k, '=')) == NULL) {
			put(err, errlen, "%s:%d: not a key = value line", path, lineno);
			goto out;
		}
		*eq = '\0';
		k = trim(k);
		v = trim(eq + 1);
		if ((ki = key_index(k)) < 0) {
			put(err, errlen, "%s:%d: %s: unknown key", path, lineno, k);
			goto out;
		}
		if (cfg->lines[ki] != 0) {
			put(err, errlen, "%s:%d: %s: set twice (first on line %d)", path, lineno, k,
			    cfg->lines[ki]);
			goto out;
		}
		cfg->lines[ki] = lineno;
		if (value_set(cfg, (size_t)ki, v, why, sizeof(why)) != 0) {
			put(err, errlen, "%s:%d: %s: %s", path, lineno, k, why);
			goto out;
		}
	}
	if (ferror(f)) {
		put(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	for (i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
		char **slot = (char **)((char *)cfg + keys[key_index(required[i])].off);

		if (*slot == NULL || **slot == '\0') {
			put(err, errlen, "%s: %s: is required", path, required[i]);
			goto out;
		}
	}
	if (cfg->db_password_file != NULL && *cfg->db_password_file != '\0') {
		int line_pw = config_line(cfg, "db_password");

		if (cfg->db_password != NULL && *cfg->db_password != '\0') {
			put(err, errlen, "%s:%d: db_password: set only one of db_password and "
			    "db_password_file (line %d)", path, line_pw, config_line(cfg, "db_password_file"));
			goto out;
		}
		free(cfg->db_password);
		cfg->db_password = NULL;
		if (password_read(cfg, why, sizeof(why)) != 0) {
			put(err, errlen, "%s:%d: db_password_file: %s", path,
			    config_line(cfg, "db_password_file"), why);
			goto out;
		}
	}
	if (cfg->backup_dir == NULL || *cfg->backup_dir == '\0') {
		free(cfg->backup_dir);
		if ((cfg->backup_dir = strdup(CONFIG_BACKUP_DIR)) == NULL) {
			put(err, errlen, "%s: out of memory", path);
			goto out;
		}
	}
	rc = 0;
out:
	kp_wipe(line, sizeof(line));
	fclose(f);
	if (rc != 0)
		config_free(cfg);
	return rc;
}

void config_free(struct kp_config *cfg)
{
	size_t i;

	if (cfg == NULL)
		return;
	if (cfg->db_password != NULL)
		kp_wipe(cfg->db_password, strlen(cfg->db_password));
	for (i = 0; i < NKEYS; i++) {
		char **slot = (char **)((char *)cfg + keys[i].off);

		if (keys[i].kind == K_INT)
			continue;
		free(*slot);
		*slot = NULL;
	}
	free(cfg->path);
	cfg->path = NULL;
}
