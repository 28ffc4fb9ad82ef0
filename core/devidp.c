/* devidp.c: claims for the dev identity provider's tokens (see devidp.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mbedtls/base64.h>

#include "cpr.h"
#include "devidp.h"
#include "seed.h"
#include "validate.h"

/* The demo person named sub, or NULL. A new reference. */
static json_t *devidp_user(const struct kp_config *cfg, const char *sub)
{
	json_t *file, *u, *found = NULL;
	char path[4096];
	size_t i;

	if (strncmp(sub, "bench-", 6) == 0) {
		char *end, cpr[KP_CPR_LEN + 1], name[64];
		long n = strtol(sub + 6, &end, 10);

		if (*end != '\0' || n < 1 || n > 999999)
			return NULL;
		seed_bench_cpr(n, cpr);
		snprintf(name, sizeof(name), "Bench Borger %ld", n);
		return json_pack("{s:s, s:s, s:s}", "name", name, "kind", "citizen", "cpr", cpr);
	}
	snprintf(path, sizeof(path), "%s/users.json", cfg->dev_idp_dir);
	file = json_load_file(path, 0, NULL);
	json_array_foreach(json_object_get(file, "users"), i, u) {
		const char *s = json_string_value(json_object_get(u, "sub"));

		if (s != NULL && strcmp(s, sub) == 0) {
			found = json_incref(u);
			break;
		}
	}
	json_decref(file);
	return found;
}

/* The claims for user (a person as users.json lists them: name, kind,
 * cpr or role) under sub. */
static json_t *devidp_claims_for(const struct kp_config *cfg, struct rng *rng, json_t *user,
                                 const char *sub, const char *aud, enum token_loa loa,
                                 long long ttl, time_t now, const char **why)
{
	json_t *claims, *extra;
	uint8_t raw[16];
	char jti[32];
	long long exp = (long long)now + ttl;
	/* An expired token still had a lifetime: it ended -ttl seconds ago. */
	long long iat = ttl > 0 ? (long long)now : exp - 300;
	bool citizen;

	if (rng_bytes(rng, raw, sizeof(raw)) != 0) {
		*why = "no random bytes";
		return NULL;
	}
	kp_b64url_encode(raw, sizeof(raw), jti, sizeof(jti));
	citizen = strcmp(json_string_value(json_object_get(user, "kind")), "citizen") == 0;
	claims = json_pack("{s:s, s:s, s:s, s:O, s:s, s:I, s:I, s:I, s:s}",
	                   "iss", citizen ? cfg->citizen_issuer : cfg->staff_issuer, "aud", aud,
	                   "sub", sub, "name", json_object_get(user, "name"),
	                   "loa", token_loa_uri(loa), "iat", (json_int_t)iat, "nbf", (json_int_t)iat,
	                   "exp", (json_int_t)exp, "jti", jti);
	/* A person without the member gets a token without it. */
	extra = json_object_get(user, citizen ? "cpr" : "role");
	if (claims != NULL && extra != NULL &&
	    json_object_set(claims, citizen ? "dk.cpr" : "role", extra) != 0) {
		json_decref(claims);
		claims = NULL;
	}
	if (claims == NULL)
		*why = "cannot build the claims";
	return claims;
}

json_t *devidp_claims(const struct kp_config *cfg, struct rng *rng, const char *sub,
                      const char *aud, enum token_loa loa, long long ttl, time_t now,
                      const char **why)
{
	json_t *user, *claims;

	if ((user = devidp_user(cfg, sub)) == NULL) {
		*why = "no demo person has that sub";
		return NULL;
	}
	claims = devidp_claims_for(cfg, rng, user, sub, aud, loa, ttl, now, why);
	json_decref(user);
	return claims;
}

json_t *devidp_claims_cpr(const struct kp_config *cfg, struct rng *rng, const char *cpr,
                          const char *name, const char *aud, enum token_loa loa, long long ttl,
                          time_t now, const char **why)
{
	char sub[32];
	json_t *user, *claims;

	if (strcmp(aud, "kaptajn-citizen") != 0) {
		*why = "cpr and name: only for aud kaptajn-citizen";
		return NULL;
	}
	/* The subject is no function of the number: a token's sub may be
	 * logged, its number never. */
	if ((user = devidp_person_cpr(rng, cpr, name, sub, sizeof(sub), why)) == NULL)
		return NULL;
	claims = devidp_claims_for(cfg, rng, user, sub, aud, loa, ttl, now, why);
	json_decref(user);
	return claims;
}

/* The OpenID provider: clients, redirect URIs, PKCE and codes. */

static const char *const client_ids[] = {
	[DEVIDP_CLIENT_CITIZEN] = "kaptajn-citizen",
	[DEVIDP_CLIENT_STAFF] = "kaptajn-admin",
};

enum devidp_client devidp_client_of(const char *client_id)
{
	if (client_id == NULL)
		return DEVIDP_CLIENT_NONE;
	if (strcmp(client_id, client_ids[DEVIDP_CLIENT_CITIZEN]) == 0)
		return DEVIDP_CLIENT_CITIZEN;
	if (strcmp(client_id, client_ids[DEVIDP_CLIENT_STAFF]) == 0)
		return DEVIDP_CLIENT_STAFF;
	return DEVIDP_CLIENT_NONE;
}

/* The length of base's origin ("http://127.0.0.1:8080" of
 * "http://127.0.0.1:8080/dev-idp"), or 0 when it has none. */
static size_t origin_len(const char *base)
{
	const char *host;

	if (base == NULL)
		return 0;
	if (strncmp(base, "http://", 7) == 0)
		host = base + 7;
	else if (strncmp(base, "https://", 8) == 0)
		host = base + 8;
	else
		return 0;
	if (*host == '\0' || *host == '/')
		return 0;
	return (size_t)(host - base) + strcspn(host, "/?#");
}

int devidp_redirect_uri(const char *base, enum devidp_client client, char *out, size_t cap)
{
	size_t n = origin_len(base);
	int w;

	if (n == 0 || client == DEVIDP_CLIENT_NONE)
		return -1;
	w = snprintf(out, cap, "%.*s%s", (int)n, base,
	             client == DEVIDP_CLIENT_STAFF ? "/admin/api/v1/login/callback"
	                                           : "/api/v1/login/callback");
	return w < 0 || (size_t)w >= cap ? -1 : 0;
}

bool devidp_post_logout_ok(const char *base, const char *uri)
{
	size_t n = origin_len(base);

	if (n == 0 || uri == NULL || strncmp(uri, base, n) != 0)
		return false;
	return strcmp(uri + n, "/") == 0 || strcmp(uri + n, "/admin/") == 0;
}

bool devidp_param_ok(const char *s, size_t max)
{
	size_t n;

	if (s == NULL || *s == '\0')
		return false;
	for (n = 0; s[n] != '\0'; n++)
		if (n >= max || (unsigned char)s[n] < 0x21 || (unsigned char)s[n] > 0x7e)
			return false;
	return true;
}

bool devidp_pkce_ok(const char *verifier, const char *challenge)
{
	uint8_t digest[KP_SHA256_LEN];
	char want[KP_B64URL_LEN(KP_SHA256_LEN) + 1];
	size_t n, i;

	if (verifier == NULL || challenge == NULL)
		return false;
	n = strlen(verifier);
	if (n < 43 || n > 128 || strlen(challenge) != DEVIDP_CODE_LEN)
		return false;
	for (i = 0; i < n; i++)
		if (strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~",
		           verifier[i]) == NULL)
			return false;
	kp_sha256(verifier, n, digest);
	kp_b64url_encode(digest, sizeof(digest), want, sizeof(want));
	return kp_ct_equal(want, challenge, DEVIDP_CODE_LEN);
}

void devidp_grant_free(struct devidp_grant *g)
{
	if (g == NULL)
		return;
	json_decref(g->user);
	kp_wipe(g, sizeof(*g));
}

const char *devidp_grant_check(const struct devidp_grant *g, const char *client_id,
                               const char *redirect_uri, const char *verifier, time_t now)
{
	if ((long long)now >= g->exp)
		return "the code has expired";
	if (g->client == DEVIDP_CLIENT_NONE || devidp_client_of(client_id) != g->client)
		return "the code was issued to another client";
	if (redirect_uri == NULL || strcmp(redirect_uri, g->redirect_uri) != 0)
		return "redirect_uri differs from the authorization request's";
	if (!devidp_pkce_ok(verifier, g->challenge))
		return "code_verifier does not match the code_challenge";
	return NULL;
}

json_t *devidp_person(const struct kp_config *cfg, const char *sub, enum devidp_client client)
{
	json_t *u = sub != NULL ? devidp_user(cfg, sub) : NULL;
	const char *kind = json_string_value(json_object_get(u, "kind"));
	const char *want = client == DEVIDP_CLIENT_STAFF ? "staff" : "citizen";

	if (u != NULL && (kind == NULL || strcmp(kind, want) != 0 ||
	                  json_string_value(json_object_get(u, "name")) == NULL)) {
		json_decref(u);
		u = NULL;
	}
	return u;
}

json_t *devidp_people(const struct kp_config *cfg, enum devidp_client client)
{
	char path[4096];
	json_t *file, *list = json_array(), *u;
	const char *want = client == DEVIDP_CLIENT_STAFF ? "staff" : "citizen";
	size_t i;

	snprintf(path, sizeof(path), "%s/users.json", cfg->dev_idp_dir);
	file = json_load_file(path, 0, NULL);
	json_array_foreach(json_object_get(file, "users"), i, u) {
		const char *kind = json_string_value(json_object_get(u, "kind"));

		if (list != NULL && kind != NULL && strcmp(kind, want) == 0 &&
		    json_string_value(json_object_get(u, "sub")) != NULL &&
		    json_string_value(json_object_get(u, "name")) != NULL)
			json_array_append(list, u);
	}
	json_decref(file);
	return list;
}

json_t *devidp_person_cpr(struct rng *rng, const char *cpr, const char *name, char *sub,
                          size_t sublen, const char **why)
{
	char digits[KP_CPR_LEN + 1];
	uint8_t raw[12];
	size_t nlen = name != NULL ? strlen(name) : 0;
	json_t *user;

	if (cpr == NULL || cpr_parse(cpr, strlen(cpr), digits) != CPR_PARSE_OK) {
		*why = "cpr: ten digits (or DDMMYY-SSSS) whose first six are a date";
		return NULL;
	}
	if (nlen == 0 || text_blank(name, nlen) || !text_chars_ok(name, nlen) ||
	    utf8_count(name, nlen) > 200) {
		kp_wipe(digits, sizeof(digits));
		*why = "name: 1 to 200 characters, no control characters";
		return NULL;
	}
	if (sublen < 4 + KP_B64URL_LEN(sizeof(raw)) + 1 || rng_bytes(rng, raw, sizeof(raw)) != 0) {
		kp_wipe(digits, sizeof(digits));
		*why = "no random bytes";
		return NULL;
	}
	memcpy(sub, "dev-", 4);
	kp_b64url_encode(raw, sizeof(raw), sub + 4, sublen - 4);
	user = json_pack("{s:s, s:s, s:s}", "name", name, "kind", "citizen", "cpr", digits);
	kp_wipe(digits, sizeof(digits));
	if (user == NULL)
		*why = "cannot build the person";
	return user;
}

/* dev_idp_dir/codes/<hex SHA-256 of code>; -1 when it does not fit. */
static int code_path(const struct kp_config *cfg, const char *code, char *out, size_t cap)
{
	uint8_t h[KP_SHA256_LEN];
	char hex[2 * KP_SHA256_LEN + 1];
	int n;

	kp_sha256(code, strlen(code), h);
	kp_hex_encode(h, sizeof(h), hex);
	n = snprintf(out, cap, "%s/codes/%s", cfg->dev_idp_dir, hex);
	return n < 0 || (size_t)n >= cap ? -1 : 0;
}

/* Removes the codes that ended more than a minute ago (never used). */
static void code_sweep(const char *dir, time_t now)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	struct stat st;

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (fstatat(dirfd(d), e->d_name, &st, 0) == 0 &&
		    st.st_mtime + 2 * DEVIDP_CODE_TTL < now)
			unlinkat(dirfd(d), e->d_name, 0);
	}
	closedir(d);
}

int devidp_code_issue(const struct kp_config *cfg, struct rng *rng, struct devidp_grant *g,
                      time_t now, char code[DEVIDP_CODE_LEN + 1], const char **why)
{
	char dir[4096], path[4096];
	uint8_t raw[32];
	json_t *doc;
	char *text = NULL;
	int fd = -1, rc = -1;
	size_t len;

	snprintf(dir, sizeof(dir), "%s/codes", cfg->dev_idp_dir);
	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		*why = "cannot make the code directory";
		return -1;
	}
	code_sweep(dir, now);
	if (rng_bytes(rng, raw, sizeof(raw)) != 0) {
		*why = "no random bytes";
		return -1;
	}
	kp_b64url_encode(raw, sizeof(raw), code, DEVIDP_CODE_LEN + 1);
	kp_wipe(raw, sizeof(raw));
	g->exp = (long long)now + DEVIDP_CODE_TTL;
	doc = json_pack("{s:i, s:s, s:s, s:s, s:I, s:s, s:O}", "client", (int)g->client,
	                "redirect_uri", g->redirect_uri, "nonce", g->nonce, "challenge",
	                g->challenge, "exp", (json_int_t)g->exp, "sub", g->sub, "user", g->user);
	if (doc == NULL || (text = json_dumps(doc, JSON_COMPACT)) == NULL ||
	    code_path(cfg, code, path, sizeof(path)) != 0) {
		*why = "cannot keep the code";
		goto out;
	}
	len = strlen(text);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0 ||
	    write(fd, text, len) != (ssize_t)len) {
		*why = "cannot write the code";
		if (fd >= 0)
			unlink(path);
		goto out;
	}
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	if (text != NULL) {
		kp_wipe(text, strlen(text));
		free(text);
	}
	json_decref(doc);
	return rc;
}

/* Copies string member key of o into out (cap bytes); -1 when absent or too long. */
static int copy_member(const json_t *o, const char *key, char *out, size_t cap)
{
	const char *s = json_string_value(json_object_get(o, key));

	if (s == NULL || strlen(s) >= cap)
		return -1;
	memcpy(out, s, strlen(s) + 1);
	return 0;
}

int devidp_code_take(const struct kp_config *cfg, const char *code, struct devidp_grant *g)
{
	char path[4096];
	json_t *doc;
	size_t i;
	int rc = -1;

	memset(g, 0, sizeof(*g));
	g->client = DEVIDP_CLIENT_NONE;
	if (code == NULL || strlen(code) != DEVIDP_CODE_LEN)
		return -1;
	for (i = 0; i < DEVIDP_CODE_LEN; i++)
		if (strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
		           code[i]) == NULL)
			return -1;
	if (code_path(cfg, code, path, sizeof(path)) != 0 ||
	    (doc = json_load_file(path, 0, NULL)) == NULL)
		return -1;
	/* Only the one whose unlink succeeds has the code: a second use, even
	 * one at the same moment, finds it gone. */
	if (unlink(path) != 0)
		goto out;
	g->client = (enum devidp_client)json_integer_value(json_object_get(doc, "client"));
	g->exp = json_integer_value(json_object_get(doc, "exp"));
	if ((g->client != DEVIDP_CLIENT_CITIZEN && g->client != DEVIDP_CLIENT_STAFF) ||
	    copy_member(doc, "redirect_uri", g->redirect_uri, sizeof(g->redirect_uri)) != 0 ||
	    copy_member(doc, "nonce", g->nonce, sizeof(g->nonce)) != 0 ||
	    copy_member(doc, "challenge", g->challenge, sizeof(g->challenge)) != 0 ||
	    copy_member(doc, "sub", g->sub, sizeof(g->sub)) != 0 ||
	    !json_is_object(json_object_get(doc, "user")))
		goto out;
	g->user = json_incref(json_object_get(doc, "user"));
	rc = 0;
out:
	json_decref(doc);
	if (rc != 0)
		devidp_grant_free(g);
	return rc;
}

bool devidp_client_secret_ok(const struct kp_config *cfg, const char *secret, size_t len)
{
	char path[4096], buf[256];
	size_t n = 0;
	ssize_t got;
	bool ok;
	int fd;

	snprintf(path, sizeof(path), "%s/client-secret", cfg->dev_idp_dir);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return false;
	while (n < sizeof(buf) && (got = read(fd, buf + n, sizeof(buf) - n)) > 0)
		n += (size_t)got;
	close(fd);
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == ' '))
		n--;
	ok = n >= 16 && n < sizeof(buf) && len == n && kp_ct_equal(buf, secret, n);
	kp_wipe(buf, sizeof(buf));
	return ok;
}

json_t *devidp_code_claims(const struct kp_config *cfg, struct rng *rng,
                           const struct devidp_grant *g, const char *access_token, time_t now,
                           const char **why)
{
	uint8_t h[KP_SHA256_LEN];
	char at_hash[KP_B64URL_LEN(KP_SHA256_LEN / 2) + 1];
	const char *client_id = client_ids[g->client];
	json_t *claims;

	claims = devidp_claims_for(cfg, rng, g->user, g->sub, client_id, TOKEN_LOA_SUBSTANTIAL,
	                           DEVIDP_ID_TOKEN_TTL, now, why);
	if (claims == NULL)
		return NULL;
	/* at_hash: the left half of the access token's SHA-256 (ES256, RS256). */
	kp_sha256(access_token, strlen(access_token), h);
	kp_b64url_encode(h, KP_SHA256_LEN / 2, at_hash, sizeof(at_hash));
	if (json_object_set_new(claims, "azp", json_string(client_id)) != 0 ||
	    json_object_set_new(claims, "nonce", json_string(g->nonce)) != 0 ||
	    json_object_set_new(claims, "at_hash", json_string(at_hash)) != 0) {
		json_decref(claims);
		*why = "cannot build the claims";
		return NULL;
	}
	return claims;
}

int devidp_basic_auth(const char *header, char *id, size_t idcap, char *secret, size_t secretcap)
{
	unsigned char buf[512];
	size_t n = 0, idlen;
	const char *colon;
	int rc = -1;

	if (header == NULL || strncasecmp(header, "Basic ", 6) != 0)
		return -1;
	header += 6;
	while (*header == ' ')
		header++;
	if (*header == '\0' || mbedtls_base64_decode(buf, sizeof(buf) - 1, &n,
	                                             (const unsigned char *)header,
	                                             strlen(header)) != 0)
		goto out;
	buf[n] = '\0';
	if (strlen((char *)buf) != n || (colon = strchr((char *)buf, ':')) == NULL)
		goto out;
	idlen = (size_t)(colon - (char *)buf);
	if (idlen == 0 || idlen >= idcap || n - idlen - 1 >= secretcap)
		goto out;
	memcpy(id, buf, idlen);
	id[idlen] = '\0';
	memcpy(secret, colon + 1, n - idlen);
	rc = 0;
out:
	kp_wipe(buf, sizeof(buf));
	return rc;
}
