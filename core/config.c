/* config.c: reads the "key = value" configuration file (see config.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "crypto.h"

static const struct {
	const char *key;
	size_t off;
} keys[] = {
	{"db_socket", offsetof(struct kp_config, db_socket)},
	{"db_name", offsetof(struct kp_config, db_name)},
	{"db_user", offsetof(struct kp_config, db_user)},
	{"db_password", offsetof(struct kp_config, db_password)},
	{"keys_file", offsetof(struct kp_config, keys_file)},
	{"socket_group", offsetof(struct kp_config, socket_group)},
	{"citizen_issuer", offsetof(struct kp_config, citizen_issuer)},
	{"citizen_audience", offsetof(struct kp_config, citizen_audience)},
	{"citizen_jwks", offsetof(struct kp_config, citizen_jwks)},
	{"staff_issuer", offsetof(struct kp_config, staff_issuer)},
	{"staff_audience", offsetof(struct kp_config, staff_audience)},
	{"staff_jwks", offsetof(struct kp_config, staff_jwks)},
	{"dev_idp_dir", offsetof(struct kp_config, dev_idp_dir)},
	{"dev_idp_url", offsetof(struct kp_config, dev_idp_url)},
	{"public_url", offsetof(struct kp_config, public_url)},
	{"oidc_cache_dir", offsetof(struct kp_config, oidc_cache_dir)},
	{"oidc_ca_file", offsetof(struct kp_config, oidc_ca_file)},
	{"citizen_discovery", offsetof(struct kp_config, citizen_oidc.discovery)},
	{"citizen_client_id", offsetof(struct kp_config, citizen_oidc.client_id)},
	{"citizen_client_auth", offsetof(struct kp_config, citizen_oidc.client_auth)},
	{"citizen_client_secret_file", offsetof(struct kp_config, citizen_oidc.client_secret_file)},
	{"citizen_client_key_file", offsetof(struct kp_config, citizen_oidc.client_key_file)},
	{"citizen_client_key_alg", offsetof(struct kp_config, citizen_oidc.client_key_alg)},
	{"citizen_scopes", offsetof(struct kp_config, citizen_oidc.scopes)},
	{"citizen_auth_params", offsetof(struct kp_config, citizen_oidc.auth_params)},
	{"citizen_cpr_claim", offsetof(struct kp_config, citizen_oidc.cpr_claim)},
	{"citizen_name_claim", offsetof(struct kp_config, citizen_oidc.name_claim)},
	{"citizen_loa_claim", offsetof(struct kp_config, citizen_oidc.loa_claim)},
	{"citizen_min_loa", offsetof(struct kp_config, citizen_oidc.min_loa)},
	{"citizen_role_claim", offsetof(struct kp_config, citizen_oidc.role_claim)},
	{"citizen_userinfo", offsetof(struct kp_config, citizen_oidc.userinfo)},
	{"staff_discovery", offsetof(struct kp_config, staff_oidc.discovery)},
	{"staff_client_id", offsetof(struct kp_config, staff_oidc.client_id)},
	{"staff_client_auth", offsetof(struct kp_config, staff_oidc.client_auth)},
	{"staff_client_secret_file", offsetof(struct kp_config, staff_oidc.client_secret_file)},
	{"staff_client_key_file", offsetof(struct kp_config, staff_oidc.client_key_file)},
	{"staff_client_key_alg", offsetof(struct kp_config, staff_oidc.client_key_alg)},
	{"staff_scopes", offsetof(struct kp_config, staff_oidc.scopes)},
	{"staff_auth_params", offsetof(struct kp_config, staff_oidc.auth_params)},
	{"staff_cpr_claim", offsetof(struct kp_config, staff_oidc.cpr_claim)},
	{"staff_name_claim", offsetof(struct kp_config, staff_oidc.name_claim)},
	{"staff_loa_claim", offsetof(struct kp_config, staff_oidc.loa_claim)},
	{"staff_min_loa", offsetof(struct kp_config, staff_oidc.min_loa)},
	{"staff_role_claim", offsetof(struct kp_config, staff_oidc.role_claim)},
	{"staff_userinfo", offsetof(struct kp_config, staff_oidc.userinfo)},
};

/* Keys whose value is a whole number, each with its range. */
static const struct {
	const char *key;
	size_t off;
	long min, max;
} int_keys[] = {
	{"db_timeout", offsetof(struct kp_config, db_timeout), 1, 60},
	{"purge_interval", offsetof(struct kp_config, purge_interval), 0, 86400},
	{"retention_years", offsetof(struct kp_config, retention_years), 1, 100},
	{"course_reopen_days", offsetof(struct kp_config, course_reopen_days), 0, 3650},
	{"oidc_timeout", offsetof(struct kp_config, oidc_timeout), 1, 10},
	{"oidc_refresh", offsetof(struct kp_config, oidc_refresh), 60, 86400},
};

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

int config_load(struct kp_config *cfg, const char *path, char *err, size_t errlen)
{
	char line[1024];
	FILE *f;
	int lineno = 0, rc = -1;

	memset(cfg, 0, sizeof(*cfg));
	cfg->db_timeout = 5;
	cfg->purge_interval = 600;
	cfg->retention_years = 5;
	cfg->course_reopen_days = 90;
	cfg->oidc_timeout = 4;
	cfg->oidc_refresh = 3600;
	if ((f = fopen(path, "re")) == NULL) {
		snprintf(err, errlen, "config: %s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		char *k, *v, *eq;
		size_t i;

		lineno++;
		k = trim(line);
		if (*k == '\0' || *k == '#')
			continue;
		if ((eq = strchr(k, '=')) == NULL) {
			snprintf(err, errlen, "config: %s:%d: no '='", path, lineno);
			goto out;
		}
		*eq = '\0';
		k = trim(k);
		v = trim(eq + 1);
		for (i = 0; i < sizeof(int_keys) / sizeof(int_keys[0]); i++)
			if (strcmp(k, int_keys[i].key) == 0)
				break;
		if (i < sizeof(int_keys) / sizeof(int_keys[0])) {
			char *end;
			long t;

			errno = 0;
			t = strtol(v, &end, 10);
			if (*v == '\0' || *end != '\0' || errno != 0 || t < int_keys[i].min ||
			    t > int_keys[i].max) {
				snprintf(err, errlen, "config: %s:%d: %s %ld..%ld", path, lineno, k,
				         int_keys[i].min, int_keys[i].max);
				goto out;
			}
			*(int *)((char *)cfg + int_keys[i].off) = (int)t;
			continue;
		}
		for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			if (strcmp(k, keys[i].key) == 0)
				break;
		if (i == sizeof(keys) / sizeof(keys[0])) {
			snprintf(err, errlen, "config: %s:%d: unknown key '%s'", path, lineno, k);
			goto out;
		}
		{
			char **slot = (char **)((char *)cfg + keys[i].off);

			free(*slot);
			if ((*slot = strdup(v)) == NULL) {
				snprintf(err, errlen, "config: out of memory");
				goto out;
			}
		}
	}
	if (cfg->db_name == NULL || cfg->db_user == NULL || cfg->db_socket == NULL) {
		snprintf(err, errlen, "config: %s: db_socket, db_name and db_user are required", path);
		goto out;
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
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		char **slot = (char **)((char *)cfg + keys[i].off);

		free(*slot);
		*slot = NULL;
	}
}
