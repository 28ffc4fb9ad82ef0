/* config.h: the configuration file, read once at start-up and const after. */
#ifndef KP_CONFIG_H
#define KP_CONFIG_H

#include <stddef.h>

/*
 * The file is "key = value" lines; '#' starts a comment. Unknown keys are an
 * error, so a typo does not silently fall back to a default.
 */
struct kp_config {
	char *db_socket;        /* unix socket of MariaDB */
	char *db_name;
	char *db_user;
	char *db_password;
	int db_timeout;         /* connect/read/write timeout, seconds (default 5) */
	char *keys_file;        /* master key for CPR encryption and look-up */
	char *citizen_issuer;   /* exact "iss" of citizen ID tokens */
	char *citizen_audience; /* "aud" the citizen pool accepts */
	char *citizen_jwks;     /* JWKS file with the broker's keys */
	char *staff_issuer;
	char *staff_audience;
	char *staff_jwks;
	char *dev_idp_dir;      /* dev identity provider keys and users; empty: off */
	int purge_interval;     /* seconds between purges of spent token ids and old
	                         * sessions by the citizen pool (default 600; 0: none) */
	int retention_years;    /* kaptajn purge deletes a course's data this long
	                         * after it ended (default 5) */
	int course_reopen_days; /* an ended course can be reopened this long after
	                         * its end (default 90) */
};

/* Reads path into cfg (zeroed first). Returns 0, or -1 with a message in err.
 * Free with config_free(). */
int config_load(struct kp_config *cfg, const char *path, char *err, size_t errlen);
/* Frees the strings of cfg and wipes the password; NULL is a no-op. */
void config_free(struct kp_config *cfg);

#endif
