/* config.h: the configuration file, read at start-up (and again by a pool's
 * supervisor on SIGHUP) and const after. packaging/kaptajn.conf documents
 * every key. */
#ifndef KP_CONFIG_H
#define KP_CONFIG_H

#include <stddef.h>

/*
 * The file is "key = value" lines; '#' starts a comment. Unknown keys are an
 * error, so a typo does not silently fall back to a default; so is a key set
 * twice. Every error names the file, the line and the key:
 * "kaptajn.conf:12: db_timeout: must be a whole number 1..60".
 */

/* backup_dir's default. */
#define CONFIG_BACKUP_DIR "/var/lib/kaptajn/backups"

/* At most this many keys (config.c checks its table against it). */
#define KP_CONFIG_KEYS 96
/* One side's OpenID Connect broker (citizen_* or staff_* keys); every
 * string may be NULL (key absent). Checked by oidc_rp_init (oidc.h), which
 * names the key that is wrong. The code flow is on for a side when its
 * discovery is set. */
struct kp_config_oidc {
	char *discovery;          /* URL of the broker's discovery document */
	char *client_id;          /* default: the side's audience */
	char *client_auth;        /* client_secret_basic (default), client_secret_post,
	                           * private_key_jwt */
	char *client_secret_file; /* the client secret, a file of mode 0600 or 0400 */
	char *client_key_file;    /* private_key_jwt: PEM private key, same modes */
	char *client_key_alg;     /* private_key_jwt: ES256 (default) or RS256 */
	char *scopes;             /* space-separated, must hold "openid" (default "openid") */
	char *auth_params;        /* extra authorization parameters, form-encoded
	                           * (acr_values=...&idp_values=mitid) */
	char *cpr_claim;          /* citizen: default "dk.cpr" */
	char *name_claim;         /* default "name" */
	char *loa_claim;          /* default "loa" */
	char *min_loa;            /* low, substantial, high or none; citizen default
	                           * substantial (none is refused), staff default none */
	char *role_claim;         /* staff: when set, this claim must equal the
	                           * directory's role; default: not checked */
	char *userinfo;           /* auto (default: read when a wanted claim is missing
	                           * from the ID token), always, never */
};

struct kp_config {
	char *path;             /* the file it was read from */
	char *db_socket;        /* unix socket of MariaDB */
	char *db_name;
	char *db_user;
	char *db_password;      /* or read from db_password_file */
	char *db_password_file; /* the password on one line, a file of mode 0600 or 0400 */
	int db_timeout;         /* connect/read/write timeout, seconds (default 5) */
	char *keys_file;        /* master key for CPR encryption and look-up */
	char *keys_old_files;   /* earlier master keys, comma-separated, only to open
	                         * and find what was sealed under them until kaptajn
	                         * reseal has sealed it again; NULL: none */
	char *socket_group;     /* group given the FastCGI sockets (mode 0660), e.g.
	                         * www-data for nginx; absent: the process's group */
	char *citizen_issuer;   /* exact "iss" of citizen ID tokens */
	char *citizen_audience; /* "aud" the citizen pool accepts */
	char *citizen_jwks;     /* JWKS file with the broker's keys */
	char *staff_issuer;
	char *staff_audience;
	char *staff_jwks;
	char *dev_idp_dir;      /* dev identity provider keys and users; empty: off */
	char *dev_idp_url;      /* dev mode: the dev IdP's base URL as browsers and
	                         * pools reach it (http://127.0.0.1:PORT/dev-idp) */
	struct kp_config_oidc citizen_oidc;
	struct kp_config_oidc staff_oidc;
	char *public_url;       /* where people reach Kaptajn (https://kaptajn.kommune.dk,
	                         * no trailing slash); the redirect and post-logout
	                         * URIs are made from it; https gives the cookies
	                         * their __Host-/__Secure- prefixes */
	char *oidc_cache_dir;   /* where the pools keep the brokers' discovery
	                         * documents and keys (written by the refresh job) */
	char *oidc_ca_file;     /* extra CA certificates (PEM) for the brokers'
	                         * TLS; empty: the system's. Verification is
	                         * always on. */
	int oidc_timeout;       /* seconds for each call to a broker (default 4, 1..10) */
	int oidc_refresh;       /* seconds between refreshes of discovery and keys
	                         * (default 3600, 60..86400) */
	/* Notifications (outbox.h): a channel is on when its URL is set. */
	char *smtp_url;         /* smtp://host:port or smtps://host:port */
	char *smtp_from;        /* the From address */
	char *smtp_user;        /* SMTP AUTH user; empty: no AUTH */
	char *smtp_password_file; /* its password on one line, mode 0600 or 0400 */
	char *smtp_starttls;    /* smtp://: "on" (default: STARTTLS required) or "off" */
	char *sms_url;          /* the SMS gateway's URL (https, http only to loopback) */
	char *sms_token_file;   /* its bearer token on one line, mode 0600 or 0400 */
	int outbox_poll;        /* seconds between the sender's looks (default 2) */
	int outbox_timeout;     /* seconds for one delivery (default 10) */
	int outbox_retry_first; /* seconds before the first retry (default 30) ... */
	int outbox_retry_max;   /* ... doubling up to this (default 3600) ... */
	int outbox_give_up;     /* ... until a row is this old: failed (default 86400) */
	int purge_interval;     /* seconds between purges of spent token ids and old
	                         * sessions by the citizen pool (default 600; 0: none) */
	int retention_years;    /* kaptajn purge deletes a course's data this long
	                         * after it ended (default 5) */
	int course_reopen_days; /* an ended course can be reopened this long after
	                         * its end (default 90) */
	char *backup_dir;       /* where kaptajn backup writes (and --prune prunes)
	                         * without --out (default CONFIG_BACKUP_DIR) */
	int backup_keep;        /* backups kaptajn backup --prune keeps (default 7) */
	int lines[KP_CONFIG_KEYS]; /* the line each key was set on, by its place in
	                            * config.c's table; 0: not set (its default) */
};

/* Reads path into cfg (zeroed first). Checks every value it can alone:
 * whole numbers against their range, URLs (public_url, the discovery URLs,
 * dev_idp_url) with oidc_url_ok(), socket_group against the groups, and
 * each secret file (keys_file, each of keys_old_files, db_password_file,
 * *_client_secret_file, *_client_key_file) that is set: a regular file, not empty, neither
 * readable nor writable by group or others. db_password_file's first line
 * becomes db_password. Returns 0, or -1 with "path:line: key: what is
 * wrong" in err ("path: key: is required" for a missing key). Free with
 * config_free(), which a failure has done already. */
int config_load(struct kp_config *cfg, const char *path, char *err, size_t errlen);

/* The i-th key config_load() knows, or NULL past the last. */
const char *config_key(size_t i);

/* The line key was set on, 0 when it was not (or is not a key). */
int config_line(const struct kp_config *cfg, const char *key);

/* A later check's message that starts with a key ("public_url: must be
 * ..."): puts where the key was set before it ("kaptajn.conf:7: " or,
 * for a key left at its default, "kaptajn.conf: "). Left as it is when it
 * names no key, or cfg was not read from a file. */
void config_locate(const struct kp_config *cfg, char *err, size_t errlen);
/* Frees the strings of cfg and wipes the password; NULL is a no-op. */
void config_free(struct kp_config *cfg);

#endif
