/* config.h: the configuration file, read once at start-up and const after. */
#ifndef KP_CONFIG_H
#define KP_CONFIG_H

#include <stddef.h>

/*
 * The file is "key = value" lines; '#' starts a comment. Unknown keys are an
 * error, so a typo does not silently fall back to a default.
 */
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
	char *db_socket;        /* unix socket of MariaDB */
	char *db_name;
	char *db_user;
	char *db_password;
	int db_timeout;         /* connect/read/write timeout, seconds (default 5) */
	char *keys_file;        /* master key for CPR encryption and look-up */
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
