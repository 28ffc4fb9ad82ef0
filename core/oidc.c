/* oidc.c: Kaptajn as an OpenID Connect relying party: the checked
 * configuration of a side's broker, its discovery document and keys cached
 * in files, a login attempt's secrets, the URLs the browser is sent to, and
 * the server-to-server calls (token exchange, userinfo) with libcurl.
 * Nothing here logs: errors go to the caller's err, and no token, code,
 * secret or CPR is ever put in one. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>
#include <jwt.h>

#include "oidc.h"

#define OIDC_SECRET_MAX 4096
#define OIDC_KEY_MAX 16000
#define OIDC_ERRCODE_MAX 64

static const char *const side_names[] = {[OIDC_CITIZEN] = "citizen", [OIDC_STAFF] = "staff"};

static void seterr(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* ---- a growing buffer, wiped when freed (it may hold a secret) ---- */

struct buf {
	char *p;
	size_t len, cap;
	bool oom;
};

static void buf_add(struct buf *b, const char *s, size_t n)
{
	char *np;
	size_t ncap;

	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		ncap = b->cap ? b->cap : 256;
		while (ncap < b->len + n + 1)
			ncap *= 2;
		if ((np = malloc(ncap)) == NULL) {
			b->oom = true;
			return;
		}
		if (b->p != NULL) {
			memcpy(np, b->p, b->len);
			kp_wipe(b->p, b->cap);
			free(b->p);
		}
		b->p = np;
		b->cap = ncap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void buf_str(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

static bool unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '.' || c == '_' || c == '~';
}

/* Percent-encodes every byte but RFC 3986's unreserved ones: right for a
 * query value and for application/x-www-form-urlencoded alike. */
static void buf_enc(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	char e[3];

	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (unreserved(c)) {
			buf_add(b, s, 1);
			continue;
		}
		e[0] = '%';
		e[1] = hex[c >> 4];
		e[2] = hex[c & 15];
		buf_add(b, e, 3);
	}
}

/* Appends "&name=ENC(value)" (or "?"/"" first, as sep says). */
static void buf_param(struct buf *b, const char *sep, const char *name, const char *value)
{
	buf_str(b, sep);
	buf_str(b, name);
	buf_add(b, "=", 1);
	buf_enc(b, value);
}

static void buf_free(struct buf *b)
{
	if (b->p != NULL) {
		kp_wipe(b->p, b->cap);
		free(b->p);
	}
	memset(b, 0, sizeof(*b));
}

/* Wipes and frees a malloc'd string; NULL is a no-op. */
static void str_free(char *s)
{
	if (s == NULL)
		return;
	kp_wipe(s, strlen(s));
	free(s);
}

/* ---- files ---- */

/* Reads a small file whole (NUL-terminated, malloc'd). With private set,
 * the file must be a regular file readable by its owner only. Returns the
 * bytes, or NULL with err set (naming key). */
static char *read_file(const char *key, const char *path, size_t max, bool private,
                       size_t *lenp, char *err, size_t errlen)
{
	struct stat st;
	char *data = NULL;
	size_t got = 0;
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0) {
		seterr(err, errlen, "%s: %s: %s", key, path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		seterr(err, errlen, "%s: %s is not a regular file", key, path);
		goto out;
	}
	if (private && (st.st_mode & 077) != 0) {
		seterr(err, errlen, "%s: %s is readable by others (mode %04o); chmod 600", key, path,
		       (unsigned)(st.st_mode & 07777));
		goto out;
	}
	if (st.st_size <= 0) {
		seterr(err, errlen, "%s: %s is empty", key, path);
		goto out;
	}
	if ((size_t)st.st_size > max) {
		seterr(err, errlen, "%s: %s is over %zu bytes", key, path, max);
		goto out;
	}
	if ((data = malloc((size_t)st.st_size + 1)) == NULL) {
		seterr(err, errlen, "%s: out of memory", key);
		goto out;
	}
	while (got < (size_t)st.st_size && (n = read(fd, data + got, (size_t)st.st_size - got)) > 0)
		got += (size_t)n;
	if (got != (size_t)st.st_size) {
		seterr(err, errlen, "%s: %s: short read", key, path);
		kp_wipe(data, (size_t)st.st_size + 1);
		free(data);
		data = NULL;
		goto out;
	}
	data[got] = '\0';
	*lenp = got;
out:
	close(fd);
	return data;
}

/* Writes data to a new file next to path (mode 0600, fsync'd) and puts its
 * name in tmp. Returns 0, or -1 with err set and nothing left behind. */
static int tmp_write(const char *path, const char *data, size_t len, char *tmp, size_t tmpcap,
                     char *err, size_t errlen)
{
	size_t done = 0;
	ssize_t n;
	int fd;

	if ((size_t)snprintf(tmp, tmpcap, "%s.XXXXXX", path) >= tmpcap) {
		seterr(err, errlen, "%s: path too long", path);
		return -1;
	}
	if ((fd = mkstemp(tmp)) < 0) {
		seterr(err, errlen, "%s: %s", tmp, strerror(errno));
		return -1;
	}
	while (done < len && (n = write(fd, data + done, len - done)) > 0)
		done += (size_t)n;
	if (done != len || fchmod(fd, 0600) != 0 || fsync(fd) != 0) {
		seterr(err, errlen, "%s: cannot write: %s", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		return -1;
	}
	close(fd);
	return 0;
}

/* Moves what tmp_write() wrote into place. Returns 0, or -1 with err set
 * and tmp removed. */
static int tmp_commit(const char *tmp, const char *path, char *err, size_t errlen)
{
	if (rename(tmp, path) == 0)
		return 0;
	seterr(err, errlen, "%s: %s", path, strerror(errno));
	unlink(tmp);
	return -1;
}

static int dir_sync(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	fsync(fd);
	close(fd);
	return 0;
}

/* The cache directory, made (0700) when missing. */
static int cache_dir_make(const char *dir, char *err, size_t errlen)
{
	struct stat st;

	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		seterr(err, errlen, "oidc_cache_dir: %s: %s", dir, strerror(errno));
		return -1;
	}
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		seterr(err, errlen, "oidc_cache_dir: %s is not a directory", dir);
		return -1;
	}
	return 0;
}

/* ---- configuration ---- */

bool oidc_url_ok(const char *url)
{
	static const char *const loopback[] = {"127.0.0.1", "localhost", "[::1]"};
	const char *auth, *end, *port;
	size_t i, hostlen;
	bool http;

	if (url == NULL || strlen(url) >= OIDC_URL_MAX)
		return false;
	for (i = 0; url[i] != '\0'; i++) {
		unsigned char c = (unsigned char)url[i];

		if (c <= 0x20 || c >= 0x7f || c == '#' || c == '\\')
			return false;
	}
	if (strncmp(url, "https://", 8) == 0) {
		auth = url + 8;
		http = false;
	} else if (strncmp(url, "http://", 7) == 0) {
		auth = url + 7;
		http = true;
	} else {
		return false;
	}
	end = auth + strcspn(auth, "/?");
	if (end == auth || memchr(auth, '@', (size_t)(end - auth)) != NULL)
		return false;
	/* The port, if any, is digits after the host (after "]" for IPv6). */
	port = NULL;
	for (i = (size_t)(end - auth); i > 0; i--) {
		if (auth[i - 1] == ']')
			break;
		if (auth[i - 1] == ':') {
			port = auth + i - 1;
			break;
		}
	}
	hostlen = port != NULL ? (size_t)(port - auth) : (size_t)(end - auth);
	if (hostlen == 0)
		return false;
	if (port != NULL) {
		const char *p;

		if (end - port < 2 || end - port > 6)
			return false;
		for (p = port + 1; p < end; p++)
			if (*p < '0' || *p > '9')
				return false;
	}
	if (!http)
		return true;
	for (i = 0; i < sizeof(loopback) / sizeof(loopback[0]); i++)
		if (strlen(loopback[i]) == hostlen && memcmp(auth, loopback[i], hostlen) == 0)
			return true;
	return false;
}

/* A configured string, or def when the key is absent or empty. */
static const char *or_default(const char *v, const char *def)
{
	return v != NULL && v[0] != '\0' ? v : def;
}

/* Looks word up in words (n of them); its index, or -1. */
static int word_index(const char *word, const char *const *words, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (strcmp(word, words[i]) == 0)
			return i;
	return -1;
}

static bool has_word(const char *list, const char *word)
{
	size_t wl = strlen(word);
	const char *p = list;

	while (*p != '\0') {
		size_t n = strcspn(p, " ");

		if (n == wl && memcmp(p, word, wl) == 0)
			return true;
		p += n;
		p += strspn(p, " ");
	}
	return false;
}

static bool printable(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			return false;
	return true;
}

/* The parameters Kaptajn sets itself: auth_params may not set them again. */
static const char *const own_params[] = {
	"response_type", "client_id", "redirect_uri", "scope", "state", "nonce",
	"code_challenge", "code_challenge_method", "login_hint", "request", "request_uri",
	"response_mode"};

/* auth_params: name=value pairs joined by '&', already form-encoded
 * (unreserved characters, '+' and %XX only), names not Kaptajn's own. */
static bool auth_params_ok(const char *s, char *why, size_t whylen)
{
	const char *p = s;

	while (*p != '\0') {
		size_t n = strcspn(p, "&"), eq = strcspn(p, "=");
		char name[64];
		size_t i;

		if (eq == 0 || eq >= n) {
			seterr(why, whylen, "each pair must be name=value");
			return false;
		}
		for (i = 0; i < n; i++) {
			unsigned char c = (unsigned char)p[i];

			if (c == '%' && i + 2 < n && kp_hex_value(p[i + 1]) >= 0 &&
			    kp_hex_value(p[i + 2]) >= 0) {
				i += 2;
				continue;
			}
			if (!unreserved(c) && c != '+' && !(c == '=' && i == eq)) {
				seterr(why, whylen, "'%c' must be percent-encoded", c > 0x20 && c < 0x7f ? c : '?');
				return false;
			}
		}
		if (eq >= sizeof(name)) {
			seterr(why, whylen, "a name is too long");
			return false;
		}
		memcpy(name, p, eq);
		name[eq] = '\0';
		if (word_index(name, own_params, (int)(sizeof(own_params) / sizeof(own_params[0]))) >=
		    0) {
			seterr(why, whylen, "%s is set by Kaptajn", name);
			return false;
		}
		p += n;
		if (*p == '&' && *++p == '\0') {
			seterr(why, whylen, "a trailing '&'");
			return false;
		}
	}
	return true;
}

/* The secret or key file of rp. */
static int rp_read_credentials(struct oidc_rp *rp, const struct kp_config_oidc *o,
                               const char *pfx, char *err, size_t errlen)
{
	static const char *const algs[] = {[TOKEN_ALG_ES256] = "ES256", [TOKEN_ALG_RS256] = "RS256"};
	char key[64];
	size_t len = 0;
	int alg;

	if (rp->auth == OIDC_AUTH_PRIVATE_KEY_JWT) {
		snprintf(key, sizeof(key), "%sclient_key_alg", pfx);
		if ((alg = word_index(or_default(o->client_key_alg, "ES256"), algs, TOKEN_ALG__MAX)) <
		    0) {
			seterr(err, errlen, "%s: must be ES256 or RS256", key);
			return -1;
		}
		rp->client_key_alg = (enum token_alg)alg;
		snprintf(key, sizeof(key), "%sclient_key_file", pfx);
		if (o->client_key_file == NULL || o->client_key_file[0] == '\0') {
			seterr(err, errlen, "%s: is required for private_key_jwt", key);
			return -1;
		}
		rp->client_key_pem = read_file(key, o->client_key_file, OIDC_KEY_MAX, true,
		                               &rp->client_key_len, err, errlen);
		return rp->client_key_pem != NULL ? 0 : -1;
	}
	snprintf(key, sizeof(key), "%sclient_secret_file", pfx);
	if (o->client_secret_file == NULL || o->client_secret_file[0] == '\0') {
		seterr(err, errlen, "%s: is required for client_secret_basic and client_secret_post",
		       key);
		return -1;
	}
	if ((rp->client_secret = read_file(key, o->client_secret_file, OIDC_SECRET_MAX, true, &len,
	                                   err, errlen)) == NULL)
		return -1;
	/* One line: a trailing newline is not part of the secret. */
	while (len > 0 && (rp->client_secret[len - 1] == '\n' || rp->client_secret[len - 1] == '\r'))
		rp->client_secret[--len] = '\0';
	if (len == 0 || strlen(rp->client_secret) != len || !printable(rp->client_secret)) {
		seterr(err, errlen, "%s: %s must hold the secret on one line", key,
		       o->client_secret_file);
		return -1;
	}
	return 0;
}

/* oidc_rp_init's checks; each message starts with the key it is about. */
static int rp_init(struct oidc_rp *rp, const struct kp_config *cfg, enum oidc_side side, char *err,
                   size_t errlen)
{
	static const char *const auths[] = {[OIDC_AUTH_BASIC] = "client_secret_basic",
	                                    [OIDC_AUTH_POST] = "client_secret_post",
	                                    [OIDC_AUTH_PRIVATE_KEY_JWT] = "private_key_jwt"};
	static const char *const userinfos[] = {[OIDC_USERINFO_AUTO] = "auto",
	                                        [OIDC_USERINFO_ALWAYS] = "always",
	                                        [OIDC_USERINFO_NEVER] = "never"};
	static const char *const loas[] = {[TOKEN_LOA_NONE] = "none", [TOKEN_LOA_LOW] = "low",
	                                   [TOKEN_LOA_SUBSTANTIAL] = "substantial",
	                                   [TOKEN_LOA_HIGH] = "high"};
	bool citizen = side == OIDC_CITIZEN;
	const struct kp_config_oidc *o = citizen ? &cfg->citizen_oidc : &cfg->staff_oidc;
	const char *pfx = citizen ? "citizen_" : "staff_", *name = side_names[citizen ? 0 : 1];
	const char *jwks = citizen ? cfg->citizen_jwks : cfg->staff_jwks, *v;
	char why[128];
	int i;

	memset(rp, 0, sizeof(*rp));
	rp->side = citizen ? OIDC_CITIZEN : OIDC_STAFF;
	if (o->discovery == NULL || o->discovery[0] == '\0')
		return 0;
	rp->enabled = true;
	rp->issuer = citizen ? cfg->citizen_issuer : cfg->staff_issuer;
	if (!oidc_url_ok(rp->issuer)) {
		seterr(err, errlen, "%sissuer: must be an https URL (http only to loopback)", pfx);
		return -1;
	}
	rp->discovery_url = o->discovery;
	if (!oidc_url_ok(rp->discovery_url)) {
		seterr(err, errlen, "%sdiscovery: must be an https URL (http only to loopback)", pfx);
		return -1;
	}
	if (jwks != NULL && jwks[0] != '\0') {
		seterr(err, errlen, "%sjwks: must be empty when %sdiscovery is set (the keys come from "
		       "the broker)", pfx, pfx);
		return -1;
	}
	if (!oidc_url_ok(cfg->public_url) || strchr(cfg->public_url + 8, '?') != NULL ||
	    cfg->public_url[strlen(cfg->public_url) - 1] == '/') {
		seterr(err, errlen, "public_url: must be an https URL without a trailing slash (http "
		       "only to loopback)");
		return -1;
	}
	rp->secure_cookies = strncmp(cfg->public_url, "https://", 8) == 0;
	snprintf(rp->redirect_uri, sizeof(rp->redirect_uri), "%s%s", cfg->public_url,
	         citizen ? "/api/v1/login/callback" : "/admin/api/v1/login/callback");
	snprintf(rp->post_logout_uri, sizeof(rp->post_logout_uri), "%s%s", cfg->public_url,
	         citizen ? "/" : "/admin/");
	rp->client_id = or_default(o->client_id, citizen ? cfg->citizen_audience : cfg->staff_audience);
	if (rp->client_id == NULL || rp->client_id[0] == '\0' || !printable(rp->client_id)) {
		seterr(err, errlen, "%sclient_id: is required (or %saudience)", pfx, pfx);
		return -1;
	}
	if ((i = word_index(or_default(o->client_auth, "client_secret_basic"), auths, 3)) < 0) {
		seterr(err, errlen, "%sclient_auth: must be client_secret_basic, client_secret_post or "
		       "private_key_jwt", pfx);
		return -1;
	}
	rp->auth = (enum oidc_auth)i;
	if (rp_read_credentials(rp, o, pfx, err, errlen) != 0)
		return -1;
	rp->scopes = or_default(o->scopes, "openid");
	if (!has_word(rp->scopes, "openid") || !printable(rp->scopes)) {
		seterr(err, errlen, "%sscopes: must hold openid", pfx);
		return -1;
	}
	rp->auth_params = or_default(o->auth_params, "");
	if (!auth_params_ok(rp->auth_params, why, sizeof(why))) {
		seterr(err, errlen, "%sauth_params: %s", pfx, why);
		return -1;
	}
	rp->cpr_claim = or_default(o->cpr_claim, "dk.cpr");
	rp->name_claim = or_default(o->name_claim, "name");
	rp->loa_claim = or_default(o->loa_claim, "loa");
	rp->role_claim = or_default(o->role_claim, "");
	v = or_default(o->min_loa, citizen ? "substantial" : "none");
	if ((i = word_index(v, loas, TOKEN_LOA__MAX)) < 0 || (citizen && i == TOKEN_LOA_NONE)) {
		seterr(err, errlen, "%smin_loa: must be %s", pfx,
		       citizen ? "low, substantial or high" : "none, low, substantial or high");
		return -1;
	}
	rp->min_loa = (enum token_loa)i;
	if ((i = word_index(or_default(o->userinfo, "auto"), userinfos, 3)) < 0) {
		seterr(err, errlen, "%suserinfo: must be auto, always or never", pfx);
		return -1;
	}
	rp->userinfo = (enum oidc_userinfo)i;
	rp->ca_file = or_default(cfg->oidc_ca_file, NULL);
	if (rp->ca_file != NULL && access(rp->ca_file, R_OK) != 0) {
		seterr(err, errlen, "oidc_ca_file: %s: %s", rp->ca_file, strerror(errno));
		return -1;
	}
	rp->timeout = cfg->oidc_timeout > 0 ? cfg->oidc_timeout : 4;
	if (cfg->oidc_cache_dir == NULL || cfg->oidc_cache_dir[0] == '\0') {
		seterr(err, errlen, "oidc_cache_dir: is required when %sdiscovery is set", pfx);
		return -1;
	}
	if ((size_t)snprintf(rp->discovery_path, OIDC_PATH_MAX, "%s/%s.discovery.json",
	                     cfg->oidc_cache_dir, name) >= OIDC_PATH_MAX ||
	    (size_t)snprintf(rp->jwks_path, OIDC_PATH_MAX, "%s/%s.jwks.json", cfg->oidc_cache_dir,
	                     name) >= OIDC_PATH_MAX ||
	    (size_t)snprintf(rp->stamp_path, OIDC_PATH_MAX, "%s/%s.early-refresh",
	                     cfg->oidc_cache_dir, name) >= OIDC_PATH_MAX) {
		seterr(err, errlen, "oidc_cache_dir: too long");
		return -1;
	}
	return 0;
}

int oidc_rp_init(struct oidc_rp *rp, const struct kp_config *cfg, enum oidc_side side, char *err,
                 size_t errlen)
{
	if (rp_init(rp, cfg, side, err, errlen) == 0)
		return 0;
	/* "kaptajn.conf:31: citizen_min_loa: must be ..." */
	config_locate(cfg, err, errlen);
	return -1;
}

void oidc_rp_free(struct oidc_rp *rp)
{
	if (rp == NULL)
		return;
	str_free(rp->client_secret);
	if (rp->client_key_pem != NULL) {
		kp_wipe(rp->client_key_pem, rp->client_key_len);
		free(rp->client_key_pem);
	}
	memset(rp, 0, sizeof(*rp));
}

/* ---- the discovery document ---- */

/* Copies an optional endpoint of doc into dst; -1 with err set when it is
 * there but not a string, too long, or not a URL oidc_url_ok() allows. */
static int meta_url(json_t *doc, const char *name, char *dst, bool required, char *err,
                    size_t errlen)
{
	json_t *v = json_object_get(doc, name);
	const char *s;

	dst[0] = '\0';
	if (v == NULL && !required)
		return 0;
	if (v == NULL) {
		seterr(err, errlen, "discovery: no %s", name);
		return -1;
	}
	s = json_string_value(v);
	if (s == NULL || json_string_length(v) != strlen(s) || !oidc_url_ok(s)) {
		seterr(err, errlen, "discovery: %s is not an https URL", name);
		return -1;
	}
	memcpy(dst, s, strlen(s) + 1);
	return 0;
}

int oidc_meta_parse(struct oidc_meta *m, const char *json, size_t len, const char *want_issuer,
                    char *err, size_t errlen)
{
	json_t *doc, *v;
	const char *s;
	size_t i;
	int rc = -1;
	bool s256 = false;

	memset(m, 0, sizeof(*m));
	if ((doc = json_loadb(json, len, JSON_REJECT_DUPLICATES, NULL)) == NULL ||
	    !json_is_object(doc)) {
		seterr(err, errlen, "discovery: not a JSON object");
		goto out;
	}
	v = json_object_get(doc, "issuer");
	s = json_string_value(v);
	if (s == NULL || want_issuer == NULL || json_string_length(v) != strlen(want_issuer) ||
	    strcmp(s, want_issuer) != 0) {
		seterr(err, errlen, "discovery: issuer is not %s", want_issuer ? want_issuer : "set");
		goto out;
	}
	if (strlen(s) >= OIDC_URL_MAX) {
		seterr(err, errlen, "discovery: issuer too long");
		goto out;
	}
	memcpy(m->issuer, s, strlen(s) + 1);
	if (meta_url(doc, "authorization_endpoint", m->authorization_endpoint, true, err, errlen) ||
	    meta_url(doc, "token_endpoint", m->token_endpoint, true, err, errlen) ||
	    meta_url(doc, "jwks_uri", m->jwks_uri, true, err, errlen) ||
	    meta_url(doc, "userinfo_endpoint", m->userinfo_endpoint, false, err, errlen) ||
	    meta_url(doc, "end_session_endpoint", m->end_session_endpoint, false, err, errlen))
		goto out;
	if ((v = json_object_get(doc, "code_challenge_methods_supported")) != NULL) {
		for (i = 0; json_is_array(v) && i < json_array_size(v); i++)
			if ((s = json_string_value(json_array_get(v, i))) != NULL && strcmp(s, "S256") == 0)
				s256 = true;
		if (!s256) {
			seterr(err, errlen, "discovery: code_challenge_methods_supported lacks S256");
			goto out;
		}
	}
	rc = 0;
out:
	json_decref(doc);
	if (rc != 0)
		memset(m, 0, sizeof(*m));
	return rc;
}

int oidc_meta_load(struct oidc_meta *m, const struct oidc_rp *rp, char *err, size_t errlen)
{
	size_t len = 0;
	char *doc;
	int rc;

	memset(m, 0, sizeof(*m));
	if ((doc = read_file("discovery", rp->discovery_path, OIDC_BODY_MAX, false, &len, err,
	                     errlen)) == NULL)
		return -1;
	rc = oidc_meta_parse(m, doc, len, rp->issuer, err, errlen);
	free(doc);
	return rc;
}

/* ---- HTTP with libcurl ---- */

struct answer {
	char *body;
	size_t len;
	bool over;
	long status;
};

static size_t answer_write(char *data, size_t size, size_t nmemb, void *user)
{
	struct answer *a = user;
	size_t n = size * nmemb;
	char *nb;

	if (a->len + n > OIDC_BODY_MAX) {
		a->over = true;
		return 0; /* libcurl stops with CURLE_WRITE_ERROR */
	}
	if ((nb = realloc(a->body, a->len + n + 1)) == NULL)
		return 0;
	a->body = nb;
	memcpy(a->body + a->len, data, n);
	a->len += n;
	a->body[a->len] = '\0';
	return n;
}

static void answer_free(struct answer *a)
{
	if (a->body != NULL) {
		kp_wipe(a->body, a->len);
		free(a->body);
	}
	memset(a, 0, sizeof(*a));
}

/* How one request went, with its parts. form is the body of a POST (NULL:
 * GET); user and pass, when set, go as HTTP Basic; bearer, when set, as
 * Authorization: Bearer. */
struct call {
	const char *what; /* for err: "token endpoint", ... */
	const char *url;
	const char *form;
	const char *user, *pass;
	const char *bearer;
	long timeout_ms;
};

static enum oidc_result http_call(const struct oidc_rp *rp, const struct call *c, struct answer *a,
                                  char *err, size_t errlen)
{
	struct curl_slist *hdrs = NULL, *h;
	struct buf auth = {0};
	enum oidc_result res = OIDC_UNAVAILABLE;
	CURLcode cc;
	CURL *curl;

	memset(a, 0, sizeof(*a));
	if (!oidc_url_ok(c->url)) {
		seterr(err, errlen, "%s: not an https URL", c->what);
		return OIDC_BAD_ANSWER;
	}
	if ((curl = curl_easy_init()) == NULL) {
		seterr(err, errlen, "%s: libcurl failed to start", c->what);
		return OIDC_UNAVAILABLE;
	}
	if ((h = curl_slist_append(hdrs, "Accept: application/json")) != NULL)
		hdrs = h;
	if (c->bearer != NULL) {
		buf_str(&auth, "Authorization: Bearer ");
		buf_str(&auth, c->bearer);
		if (auth.oom || (h = curl_slist_append(hdrs, auth.p)) == NULL) {
			seterr(err, errlen, "%s: out of memory", c->what);
			goto out;
		}
		hdrs = h;
	}
	curl_easy_setopt(curl, CURLOPT_URL, c->url);
	/* oidc_url_ok() allowed http only to loopback. */
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR,
	                 strncmp(c->url, "https://", 8) == 0 ? "https" : "http");
	curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
	if (rp->ca_file != NULL)
		curl_easy_setopt(curl, CURLOPT_CAINFO, rp->ca_file);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, c->timeout_ms);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, c->timeout_ms);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)OIDC_BODY_MAX);
	curl_easy_setopt(curl, CURLOPT_USERAGENT, "Kaptajn");
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, answer_write);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, a);
	if (c->form != NULL) {
		curl_easy_setopt(curl, CURLOPT_POSTFIELDS, c->form);
		curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)strlen(c->form));
	}
	if (c->user != NULL) {
		curl_easy_setopt(curl, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(curl, CURLOPT_USERNAME, c->user);
		curl_easy_setopt(curl, CURLOPT_PASSWORD, c->pass);
	}
	cc = curl_easy_perform(curl);
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &a->status);
	if (cc == CURLE_OK) {
		res = OIDC_OK;
	} else if (a->over || cc == CURLE_FILESIZE_EXCEEDED) {
		res = OIDC_BAD_ANSWER;
		seterr(err, errlen, "%s: answer over %d bytes", c->what, OIDC_BODY_MAX);
	} else {
		/* Time-outs, refused connections, TLS and certificate failures. */
		seterr(err, errlen, "%s: %s", c->what, curl_easy_strerror(cc));
	}
out:
	curl_easy_cleanup(curl);
	curl_slist_free_all(hdrs);
	buf_free(&auth);
	return res;
}

/* The broker's OAuth error code, printable and short, for the log. */
static void error_code(json_t *doc, char *code, size_t cap)
{
	const char *s = json_string_value(json_object_get(doc, "error"));
	size_t i;

	snprintf(code, cap, "%.*s", OIDC_ERRCODE_MAX, s != NULL ? s : "");
	for (i = 0; code[i] != '\0'; i++)
		if ((unsigned char)code[i] < 0x20 || (unsigned char)code[i] >= 0x7f)
			code[i] = '?';
}

/* Maps an answer to a result: a 2xx JSON object is OIDC_OK (*out holds it),
 * a 4xx with an OAuth "error" OIDC_REFUSED, a 5xx OIDC_UNAVAILABLE, any
 * other OIDC_BAD_ANSWER. */
static enum oidc_result answer_json(const char *what, const struct answer *a, json_t **out,
                                    char *err, size_t errlen)
{
	char code[OIDC_ERRCODE_MAX + 1];
	json_t *doc;

	*out = NULL;
	if (a->status >= 500 && a->status <= 599) {
		seterr(err, errlen, "%s: HTTP %ld", what, a->status);
		return OIDC_UNAVAILABLE;
	}
	doc = a->body != NULL ? json_loadb(a->body, a->len, JSON_REJECT_DUPLICATES, NULL) : NULL;
	if (a->status >= 200 && a->status <= 299 && json_is_object(doc)) {
		*out = doc;
		return OIDC_OK;
	}
	if (a->status >= 400 && a->status <= 499 && json_is_object(doc) &&
	    json_is_string(json_object_get(doc, "error"))) {
		error_code(doc, code, sizeof(code));
		seterr(err, errlen, "%s: refused: %s", what, code);
		json_decref(doc);
		return OIDC_REFUSED;
	}
	seterr(err, errlen, "%s: HTTP %ld, %s", what, a->status,
	       doc == NULL ? "not JSON" : "not the JSON expected");
	json_decref(doc);
	return OIDC_BAD_ANSWER;
}

static long call_timeout(const struct oidc_rp *rp, long timeout_ms)
{
	long ms = (long)(rp->timeout > 0 ? rp->timeout : 4) * 1000;

	return timeout_ms > 0 && timeout_ms < ms ? timeout_ms : ms;
}

/* ---- the refresh job ---- */

/* GETs url into a (a 2xx JSON object; the raw bytes kept for the file). */
static int fetch_doc(const struct oidc_rp *rp, const char *what, const char *url,
                     struct answer *a, char *err, size_t errlen)
{
	struct call c = {.what = what, .url = url, .timeout_ms = call_timeout(rp, 0)};
	json_t *doc = NULL;

	if (http_call(rp, &c, a, err, errlen) != OIDC_OK ||
	    answer_json(what, a, &doc, err, errlen) != OIDC_OK)
		return -1;
	json_decref(doc);
	return 0;
}

/* Fetches the JWKS at jwks_uri, checks that token_keyset_load() accepts it
 * and moves it into rp->jwks_path. */
static int jwks_replace(const struct oidc_rp *rp, const char *jwks_uri, char *err, size_t errlen)
{
	struct token_keyset ks;
	struct answer a;
	char tmp[OIDC_PATH_MAX + 16], why[256];
	int rc = -1;

	memset(&ks, 0, sizeof(ks));
	if (fetch_doc(rp, "jwks_uri", jwks_uri, &a, err, errlen) != 0 ||
	    tmp_write(rp->jwks_path, a.body, a.len, tmp, sizeof(tmp), err, errlen) != 0)
		goto out;
	if (token_keyset_load(&ks, tmp, why, sizeof(why)) != 0) {
		seterr(err, errlen, "jwks_uri: %s", why);
		unlink(tmp);
		goto out;
	}
	if (tmp_commit(tmp, rp->jwks_path, err, errlen) != 0)
		goto out;
	rc = 0;
out:
	token_keyset_free(&ks);
	answer_free(&a);
	return rc;
}

static void dir_of(const char *path, char *dir, size_t cap)
{
	const char *slash = strrchr(path, '/');
	size_t n = slash != NULL ? (size_t)(slash - path) : 0;

	if (slash == NULL)
		snprintf(dir, cap, ".");
	else
		snprintf(dir, cap, "%.*s", (int)(n > 0 ? n : 1), path);
}

int oidc_refresh(const struct oidc_rp *rp, char *err, size_t errlen)
{
	struct oidc_meta m;
	struct answer a;
	char dir[OIDC_PATH_MAX], tmp[OIDC_PATH_MAX + 16];
	int rc = -1;

	memset(&a, 0, sizeof(a));
	if (!rp->enabled) {
		seterr(err, errlen, "the code flow is off for this side");
		return -1;
	}
	dir_of(rp->discovery_path, dir, sizeof(dir));
	if (cache_dir_make(dir, err, errlen) != 0 ||
	    fetch_doc(rp, "discovery", rp->discovery_url, &a, err, errlen) != 0 ||
	    oidc_meta_parse(&m, a.body, a.len, rp->issuer, err, errlen) != 0)
		goto out;
	/* The discovery is written only once its keys are in place. */
	if (tmp_write(rp->discovery_path, a.body, a.len, tmp, sizeof(tmp), err, errlen) != 0)
		goto out;
	if (jwks_replace(rp, m.jwks_uri, err, errlen) != 0) {
		unlink(tmp);
		goto out;
	}
	if (tmp_commit(tmp, rp->discovery_path, err, errlen) != 0)
		goto out;
	dir_sync(dir);
	rc = 0;
out:
	answer_free(&a);
	return rc;
}

int oidc_refresh_early(const struct oidc_rp *rp, time_t now, char *err, size_t errlen)
{
	struct oidc_meta m;
	char stamp[32];
	long long last = 0;
	ssize_t n;
	int fd, rc = -1;

	if ((fd = open(rp->stamp_path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600)) < 0) {
		seterr(err, errlen, "%s: %s", rp->stamp_path, strerror(errno));
		return -1;
	}
	/* Workers that come here together wait for the one fetching, then
	 * find its stamp and use the keys it got. */
	if (flock(fd, LOCK_EX) != 0) {
		seterr(err, errlen, "%s: lock: %s", rp->stamp_path, strerror(errno));
		goto out;
	}
	if ((n = pread(fd, stamp, sizeof(stamp) - 1, 0)) > 0) {
		stamp[n] = '\0';
		last = strtoll(stamp, NULL, 10);
	}
	if (last <= (long long)now && (long long)now - last < OIDC_EARLY_REFRESH_EVERY) {
		rc = 0;
		goto out;
	}
	/* Stamped before fetching: a failing broker is not asked again at
	 * once, however many unknown kids come. */
	n = snprintf(stamp, sizeof(stamp), "%lld\n", (long long)now);
	if (ftruncate(fd, 0) != 0 || pwrite(fd, stamp, (size_t)n, 0) != n) {
		seterr(err, errlen, "%s: %s", rp->stamp_path, strerror(errno));
		goto out;
	}
	if (oidc_meta_load(&m, rp, err, errlen) != 0 || jwks_replace(rp, m.jwks_uri, err, errlen) != 0)
		goto out;
	rc = 1;
out:
	close(fd); /* releases the lock */
	return rc;
}

/* ---- a worker's keys ---- */

int oidc_keys_current(struct oidc_keys *k, const char *path, char *err, size_t errlen)
{
	struct token_keyset ks;
	struct stat st;

	if (path == NULL || stat(path, &st) != 0) {
		seterr(err, errlen, "%s: %s", path ? path : "keys", path ? strerror(errno) : "no path");
		return -1;
	}
	if (k->loaded && k->dev == st.st_dev && k->ino == st.st_ino &&
	    k->mtime.tv_sec == st.st_mtim.tv_sec && k->mtime.tv_nsec == st.st_mtim.tv_nsec &&
	    k->size == st.st_size)
		return 0;
	memset(&ks, 0, sizeof(ks));
	if (token_keyset_load(&ks, path, err, errlen) != 0) {
		token_keyset_free(&ks);
		return -1;
	}
	token_keyset_free(&k->ks);
	k->ks = ks;
	k->loaded = true;
	k->dev = st.st_dev;
	k->ino = st.st_ino;
	k->mtime = st.st_mtim;
	k->size = st.st_size;
	return 0;
}

void oidc_keys_free(struct oidc_keys *k)
{
	if (k == NULL)
		return;
	token_keyset_free(&k->ks);
	memset(k, 0, sizeof(*k));
}

/* ---- a login attempt ---- */

static int rand_b64(struct rng *rng, char out[OIDC_RAND_LEN + 1])
{
	uint8_t raw[32];
	int rc = rng_bytes(rng, raw, sizeof(raw));

	if (rc == 0)
		kp_b64url_encode(raw, sizeof(raw), out, OIDC_RAND_LEN + 1);
	kp_wipe(raw, sizeof(raw));
	return rc;
}

int oidc_attempt_new(struct oidc_attempt *at, struct rng *rng)
{
	memset(at, 0, sizeof(*at));
	if (rng == NULL || rand_b64(rng, at->state) != 0 || rand_b64(rng, at->nonce) != 0 ||
	    rand_b64(rng, at->verifier) != 0 || rand_b64(rng, at->binder) != 0) {
		kp_wipe(at, sizeof(*at));
		return -1;
	}
	oidc_pkce_challenge(at->verifier, at->challenge);
	oidc_state_tag(at->state, at->tag);
	return 0;
}

void oidc_state_tag(const char *state, char tag[OIDC_TAG_LEN + 1])
{
	uint8_t h[KP_SHA256_LEN];
	char b[OIDC_RAND_LEN + 1];

	kp_sha256(state, strlen(state), h);
	kp_b64url_encode(h, sizeof(h), b, sizeof(b));
	memcpy(tag, b, OIDC_TAG_LEN);
	tag[OIDC_TAG_LEN] = '\0';
}

void oidc_pkce_challenge(const char *verifier, char out[OIDC_RAND_LEN + 1])
{
	uint8_t h[KP_SHA256_LEN];

	kp_sha256(verifier, strlen(verifier), h);
	kp_b64url_encode(h, sizeof(h), out, OIDC_RAND_LEN + 1);
}

bool oidc_at_hash_ok(const char *at_hash, const char *access_token)
{
	uint8_t h[KP_SHA256_LEN];
	char want[KP_B64URL_LEN(KP_SHA256_LEN / 2) + 1];

	if (at_hash == NULL || access_token == NULL || strlen(at_hash) != sizeof(want) - 1)
		return false;
	kp_sha256(access_token, strlen(access_token), h);
	kp_b64url_encode(h, KP_SHA256_LEN / 2, want, sizeof(want));
	return kp_ct_equal(want, at_hash, sizeof(want) - 1);
}

/* ---- the URLs the browser goes to ---- */

static char *buf_to_arena(struct arena *a, struct buf *b)
{
	char *s = b->oom || b->p == NULL ? NULL : arena_strndup(a, b->p, b->len);

	buf_free(b);
	return s;
}

char *oidc_authorize_url(struct arena *a, const struct oidc_rp *rp, const struct oidc_meta *m,
                         const struct oidc_attempt *at, const char *login_hint)
{
	struct buf b = {0};

	if (m->authorization_endpoint[0] == '\0')
		return NULL;
	buf_str(&b, m->authorization_endpoint);
	buf_param(&b, strchr(m->authorization_endpoint, '?') ? "&" : "?", "response_type", "code");
	buf_param(&b, "&", "client_id", rp->client_id);
	buf_param(&b, "&", "redirect_uri", rp->redirect_uri);
	buf_param(&b, "&", "scope", rp->scopes);
	buf_param(&b, "&", "state", at->state);
	buf_param(&b, "&", "nonce", at->nonce);
	buf_param(&b, "&", "code_challenge", at->challenge);
	buf_param(&b, "&", "code_challenge_method", "S256");
	if (rp->auth_params != NULL && rp->auth_params[0] != '\0') {
		buf_str(&b, "&");
		buf_str(&b, rp->auth_params);
	}
	if (login_hint != NULL)
		buf_param(&b, "&", "login_hint", login_hint);
	return buf_to_arena(a, &b);
}

char *oidc_end_session_url(struct arena *a, const struct oidc_rp *rp, const struct oidc_meta *m,
                           const char *id_token_hint, const char *state)
{
	struct buf b = {0};
	const char *sep = strchr(m->end_session_endpoint, '?') ? "&" : "?";

	if (m->end_session_endpoint[0] == '\0')
		return NULL;
	buf_str(&b, m->end_session_endpoint);
	if (id_token_hint != NULL) {
		buf_param(&b, sep, "id_token_hint", id_token_hint);
		sep = "&";
	}
	buf_param(&b, sep, "client_id", rp->client_id);
	buf_param(&b, "&", "post_logout_redirect_uri", rp->post_logout_uri);
	if (state != NULL)
		buf_param(&b, "&", "state", state);
	return buf_to_arena(a, &b);
}

/* ---- the calls to the broker ---- */

void oidc_tokens_free(struct oidc_tokens *t)
{
	if (t == NULL)
		return;
	str_free(t->id_token);
	str_free(t->access_token);
	memset(t, 0, sizeof(*t));
}

/* private_key_jwt (RFC 7523): a short-lived assertion signed with the
 * client key. Returns a malloc'd JWT, or NULL with err set. */
static char *client_assertion(const struct oidc_rp *rp, const char *aud, char *err,
                              size_t errlen)
{
	char jti[OIDC_RAND_LEN + 1], *s = NULL, *out = NULL;
	struct rng *rng = rng_new("kaptajn client assertion");
	time_t now = time(NULL);
	jwt_t *jwt = NULL;

	if (rng == NULL || rand_b64(rng, jti) != 0 || jwt_new(&jwt) != 0 ||
	    jwt_add_grant(jwt, "iss", rp->client_id) != 0 ||
	    jwt_add_grant(jwt, "sub", rp->client_id) != 0 || jwt_add_grant(jwt, "aud", aud) != 0 ||
	    jwt_add_grant(jwt, "jti", jti) != 0 || jwt_add_grant_int(jwt, "iat", (long)now) != 0 ||
	    jwt_add_grant_int(jwt, "exp", (long)now + 60) != 0 ||
	    jwt_set_alg(jwt, rp->client_key_alg == TOKEN_ALG_RS256 ? JWT_ALG_RS256 : JWT_ALG_ES256,
	                (const unsigned char *)rp->client_key_pem, (int)rp->client_key_len) != 0) {
		seterr(err, errlen, "token endpoint: cannot make the client assertion");
		goto out;
	}
	if ((s = jwt_encode_str(jwt)) == NULL || (out = strdup(s)) == NULL)
		seterr(err, errlen, "token endpoint: cannot sign the client assertion");
out:
	free(s);
	jwt_free(jwt);
	rng_free(rng);
	return out;
}

/* A string field of doc, copied (malloc'd); NULL when absent. */
static int dup_field(json_t *doc, const char *name, char **out)
{
	json_t *v = json_object_get(doc, name);
	const char *s = json_string_value(v);

	*out = NULL;
	if (v == NULL)
		return 0;
	if (s == NULL || json_string_length(v) != strlen(s) || strlen(s) == 0 ||
	    strlen(s) > TOKEN_MAX_LEN || (*out = strdup(s)) == NULL)
		return -1;
	return 0;
}

enum oidc_result oidc_exchange(const struct oidc_rp *rp, const struct oidc_meta *m,
                               const char *code, const char *verifier, long timeout_ms,
                               struct oidc_tokens *out, char *err, size_t errlen)
{
	struct call c = {.what = "token endpoint", .url = m->token_endpoint};
	struct buf form = {0}, user = {0}, pass = {0};
	enum oidc_result res = OIDC_BAD_ANSWER;
	struct answer a = {0};
	char *assertion = NULL;
	json_t *doc = NULL;

	memset(out, 0, sizeof(*out));
	buf_param(&form, "", "grant_type", "authorization_code");
	buf_param(&form, "&", "code", code);
	buf_param(&form, "&", "redirect_uri", rp->redirect_uri);
	buf_param(&form, "&", "code_verifier", verifier);
	switch (rp->auth) {
	case OIDC_AUTH_BASIC:
		/* RFC 6749 2.3.1: both form-encoded before Basic's base64. */
		buf_enc(&user, rp->client_id);
		buf_enc(&pass, rp->client_secret != NULL ? rp->client_secret : "");
		c.user = user.p;
		c.pass = pass.p != NULL ? pass.p : "";
		break;
	case OIDC_AUTH_POST:
		buf_param(&form, "&", "client_id", rp->client_id);
		buf_param(&form, "&", "client_secret", rp->client_secret != NULL ? rp->client_secret : "");
		break;
	case OIDC_AUTH_PRIVATE_KEY_JWT:
		if ((assertion = client_assertion(rp, m->token_endpoint, err, errlen)) == NULL)
			goto out;
		buf_param(&form, "&", "client_id", rp->client_id);
		buf_param(&form, "&", "client_assertion_type",
		          "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
		buf_param(&form, "&", "client_assertion", assertion);
		break;
	}
	if (form.oom || user.oom || pass.oom || (rp->auth == OIDC_AUTH_BASIC && user.p == NULL)) {
		seterr(err, errlen, "token endpoint: out of memory");
		goto out;
	}
	c.form = form.p;
	c.timeout_ms = call_timeout(rp, timeout_ms);
	if ((res = http_call(rp, &c, &a, err, errlen)) != OIDC_OK ||
	    (res = answer_json(c.what, &a, &doc, err, errlen)) != OIDC_OK)
		goto out;
	res = OIDC_BAD_ANSWER;
	if (dup_field(doc, "id_token", &out->id_token) != 0 || out->id_token == NULL) {
		seterr(err, errlen, "token endpoint: no usable id_token");
		goto out;
	}
	if (dup_field(doc, "access_token", &out->access_token) != 0) {
		seterr(err, errlen, "token endpoint: access_token is not a usable string");
		goto out;
	}
	res = OIDC_OK;
out:
	if (res != OIDC_OK)
		oidc_tokens_free(out);
	str_free(assertion);
	json_decref(doc);
	answer_free(&a);
	buf_free(&form);
	buf_free(&user);
	buf_free(&pass);
	return res;
}

enum oidc_result oidc_userinfo(const struct oidc_rp *rp, const struct oidc_meta *m,
                               const char *access_token, long timeout_ms, json_t **out, char *err,
                               size_t errlen)
{
	struct call c = {.what = "userinfo endpoint", .url = m->userinfo_endpoint,
	                 .bearer = access_token, .timeout_ms = call_timeout(rp, timeout_ms)};
	enum oidc_result res;
	struct answer a;

	*out = NULL;
	if (m->userinfo_endpoint[0] == '\0') {
		seterr(err, errlen, "userinfo endpoint: the broker has none");
		return OIDC_BAD_ANSWER;
	}
	if (access_token == NULL || access_token[0] == '\0' || !printable(access_token)) {
		seterr(err, errlen, "userinfo endpoint: no usable access token");
		return OIDC_BAD_ANSWER;
	}
	if ((res = http_call(rp, &c, &a, err, errlen)) == OIDC_OK)
		res = answer_json(c.what, &a, out, err, errlen);
	answer_free(&a);
	return res;
}

int oidc_global_init(void)
{
	return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -1;
}
