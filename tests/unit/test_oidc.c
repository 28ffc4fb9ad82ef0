/* test_oidc.c: the relying party library (core/oidc.c). The pure parts are
 * tested directly; the calls to a broker against a real HTTPS server on
 * loopback (tests/unit/oidc_broker.py, python3), with a certificate made by
 * openssl for the run. */
#define _XOPEN_SOURCE 700 /* nftw */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <jwt.h>

#include "crypto.h"
#include "oidc.h"
#include "token.h"

#define ISS "https://broker.test/citizen"
#define DIR_ENV "KP_TEST_OIDC_DIR"
#define BROKER_PY KP_TEST_SOURCE_DIR "/tests/unit/oidc_broker.py"

/* ---- files and directories ---- */

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

static void rm_tree(const char *dir)
{
	if (dir[0] != '\0')
		nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void put_file(const char *path, const char *data, mode_t mode)
{
	FILE *f = fopen(path, "w");

	cr_assert_not_null(f, "%s: %s", path, strerror(errno));
	fputs(data, f);
	cr_assert_eq(fclose(f), 0);
	cr_assert_eq(chmod(path, mode), 0);
}

static char *slurp(const char *path)
{
	struct stat st;
	char *s;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return NULL;
	cr_assert_eq(fstat(fd, &st), 0);
	s = calloc(1, (size_t)st.st_size + 1);
	cr_assert_eq(read(fd, s, (size_t)st.st_size), st.st_size);
	close(fd);
	return s;
}

/* ---- what the run shares: dev keys (a JWKS), a TLS certificate, a client
 * key; made once by the runner, named to the test processes by DIR_ENV ---- */

static char made_dir[64];

static void __attribute__((constructor)) fixture_make(void)
{
	char cmd[1024], keys[128], err[256];

	if (getenv(DIR_ENV) != NULL)
		return;
	strcpy(made_dir, "/tmp/kp-oidc-test-XXXXXX");
	if (mkdtemp(made_dir) == NULL)
		goto fail;
	snprintf(keys, sizeof(keys), "%s/keys", made_dir);
	if (token_dev_keygen(keys, err, sizeof(err)) != 0)
		goto fail;
	snprintf(cmd, sizeof(cmd),
	         "cd %s && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
	         "-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1,DNS:localhost -days 2 "
	         "-keyout tls.key -out tls.pem >/dev/null 2>&1 && "
	         "openssl ecparam -name prime256v1 -genkey -noout -out client.pem 2>/dev/null && "
	         "chmod 600 client.pem && openssl ec -in client.pem -pubout -out client.pub "
	         ">/dev/null 2>&1",
	         made_dir);
	if (system(cmd) != 0)
		goto fail;
	setenv(DIR_ENV, made_dir, 1);
	return;
fail:
	fprintf(stderr, "test_oidc: fixture: %s\n", made_dir);
	rm_tree(made_dir);
	made_dir[0] = '\0';
}

static void __attribute__((destructor)) fixture_remove(void)
{
	rm_tree(made_dir);
}

static const char *fixture(void)
{
	const char *d = getenv(DIR_ENV);

	cr_assert_not_null(d, "no fixture directory (openssl or the dev keys failed)");
	return d;
}

/* ---- one test's configuration, in a directory of its own ---- */

static char run_dir[64];
static char s_secret[128], s_cache[128], s_ca[128], s_key[128], s_discovery[128];
static struct kp_config cfg;
static struct oidc_rp rp;

static void run_make(void)
{
	strcpy(run_dir, "/tmp/kp-oidc-run-XXXXXX");
	cr_assert_not_null(mkdtemp(run_dir));
	snprintf(s_secret, sizeof(s_secret), "%s/secret", run_dir);
	snprintf(s_cache, sizeof(s_cache), "%s/cache", run_dir);
	snprintf(s_ca, sizeof(s_ca), "%s/tls.pem", fixture());
	snprintf(s_key, sizeof(s_key), "%s/client.pem", fixture());
	snprintf(s_discovery, sizeof(s_discovery), "https://127.0.0.1:1/.well-known/openid-configuration");
	/* ':' '+' '/' '&' must be form-encoded before HTTP Basic (RFC 6749 2.3.1). */
	put_file(s_secret, "s3cr:et+/&\n", 0600);
	memset(&cfg, 0, sizeof(cfg));
	cfg.citizen_issuer = ISS;
	cfg.citizen_audience = "kaptajn-citizen";
	cfg.staff_issuer = "https://broker.test/staff";
	cfg.staff_audience = "kaptajn-admin";
	cfg.citizen_oidc.discovery = s_discovery;
	cfg.citizen_oidc.client_secret_file = s_secret;
	cfg.public_url = "https://kaptajn.test";
	cfg.oidc_cache_dir = s_cache;
	cfg.oidc_ca_file = s_ca;
	cfg.oidc_timeout = 1;
	cfg.oidc_refresh = 3600;
	memset(&rp, 0, sizeof(rp));
}

static void run_remove(void)
{
	oidc_rp_free(&rp);
	rm_tree(run_dir);
}

static void rp_init_ok(void)
{
	char err[256] = "";

	cr_assert_eq(oidc_rp_init(&rp, &cfg, OIDC_CITIZEN, err, sizeof(err)), 0, "%s", err);
}

/* oidc_rp_init fails, with err naming key and holding also (when set). */
static void rp_init_refused(enum oidc_side side, const char *key, const char *also)
{
	char err[256] = "";

	cr_assert_eq(oidc_rp_init(&rp, &cfg, side, err, sizeof(err)), -1, "accepted; want %s", key);
	cr_assert_not_null(strstr(err, key), "err \"%s\" does not name %s", err, key);
	if (also != NULL)
		cr_assert_not_null(strstr(err, also), "err \"%s\" lacks \"%s\"", err, also);
	oidc_rp_free(&rp);
}

/* ======================================================================
 * oidc_url_ok
 * ==================================================================== */

TestSuite(oidc_url);

/* Each url of the NULL-ended list gets want from oidc_url_ok(). */
static void urls_are(const char *const *urls, bool want)
{
	for (; *urls != NULL; urls++)
		cr_assert_eq(oidc_url_ok(*urls), want, "%s: want %s", *urls,
		             want ? "allowed" : "refused");
}

Test(oidc_url, test_https_urls_are_allowed)
{
	static const char *const ok[] = {"https://broker.test/.well-known/openid-configuration",
	                                 "https://broker.test:8443/t?a=b", "https://broker.test",
	                                 NULL};

	urls_are(ok, true);
}

Test(oidc_url, test_http_only_to_loopback)
{
	static const char *const ok[] = {
		"http://127.0.0.1:8080/dev-idp/.well-known/openid-configuration",
		"http://localhost/x", "http://[::1]:9000/x", NULL};
	static const char *const refused[] = {
		"http://broker.test/x", "http://127.0.0.2/x", "http://127.0.0.1.evil.test/x",
		"http://localhost.evil.test/x", "http://[::2]/x", NULL};

	urls_are(ok, true);
	urls_are(refused, false);
}

Test(oidc_url, test_userinfo_fragments_spaces_and_odd_schemes_are_refused)
{
	static const char *const refused[] = {
		"https://user@broker.test/x", "http://evil.test@127.0.0.1/x",
		"https://broker.test/x#frag", "https://broker.test/a b", "https://broker.test/a\tb",
		"https://broker.test/a\\b", "ftp://broker.test/x", "HTTPS://broker.test/x",
		"//broker.test/x", "https:///x", "https://broker.test:80a/x", "", NULL};

	urls_are(refused, false);
	cr_assert_not(oidc_url_ok(NULL));
}

/* ======================================================================
 * oidc_meta_parse
 * ==================================================================== */

TestSuite(oidc_meta);

#define DOC_AUTHZ "\"authorization_endpoint\":\"https://b.test/a\","
#define DOC_TOKEN "\"token_endpoint\":\"https://b.test/t\","
#define DOC_KEYS "\"jwks_uri\":\"https://b.test/k\""
#define DOC_GOOD "{\"issuer\":\"" ISS "\"," DOC_AUTHZ DOC_TOKEN DOC_KEYS

/* The document is refused, with err holding why (NULL: anything), and
 * leaves no endpoint behind. */
static void meta_refused(const char *json, const char *why)
{
	struct oidc_meta m;
	char err[256] = "";

	cr_assert_eq(oidc_meta_parse(&m, json, strlen(json), ISS, err, sizeof(err)), -1,
	             "accepted: %s", json);
	if (why != NULL)
		cr_assert_not_null(strstr(err, why), "err \"%s\" lacks %s", err, why);
	cr_assert_str_eq(m.token_endpoint, "", "a refused document leaves nothing behind");
}

Test(oidc_meta, test_a_good_document_gives_its_endpoints)
{
	static const char doc[] = DOC_GOOD ",\"userinfo_endpoint\":\"https://b.test/u\","
	                          "\"code_challenge_methods_supported\":[\"plain\",\"S256\"]}";
	struct oidc_meta m;
	char err[256] = "";

	cr_assert_eq(oidc_meta_parse(&m, doc, strlen(doc), ISS, err, sizeof(err)), 0, "%s", err);
	cr_assert_str_eq(m.issuer, ISS);
	cr_assert_str_eq(m.authorization_endpoint, "https://b.test/a");
	cr_assert_str_eq(m.token_endpoint, "https://b.test/t");
	cr_assert_str_eq(m.jwks_uri, "https://b.test/k");
	cr_assert_str_eq(m.userinfo_endpoint, "https://b.test/u");
	cr_assert_str_eq(m.end_session_endpoint, "");
}

Test(oidc_meta, test_issuer_differing_by_one_byte_is_refused)
{
	meta_refused("{\"issuer\":\"https://broker.test/citizeN\"," DOC_AUTHZ DOC_TOKEN DOC_KEYS "}",
	             "issuer");
	meta_refused("{\"issuer\":\"" ISS "/\"," DOC_AUTHZ DOC_TOKEN DOC_KEYS "}", "issuer");
	meta_refused("{" DOC_AUTHZ DOC_TOKEN DOC_KEYS "}", "issuer");
}

Test(oidc_meta, test_missing_token_endpoint_is_refused)
{
	meta_refused("{\"issuer\":\"" ISS "\"," DOC_AUTHZ DOC_KEYS "}", "token_endpoint");
}

Test(oidc_meta, test_http_endpoint_off_loopback_is_refused)
{
	meta_refused("{\"issuer\":\"" ISS "\"," DOC_AUTHZ "\"token_endpoint\":\"http://b.test/t\","
	             DOC_KEYS "}", "token_endpoint");
	meta_refused(DOC_GOOD ",\"end_session_endpoint\":\"http://b.test/logout\"}",
	             "end_session_endpoint");
}

Test(oidc_meta, test_challenge_methods_without_s256_are_refused)
{
	meta_refused(DOC_GOOD ",\"code_challenge_methods_supported\":[\"plain\"]}", "S256");
	meta_refused(DOC_GOOD ",\"code_challenge_methods_supported\":\"S256\"}", "S256");
}

Test(oidc_meta, test_not_json_and_duplicate_keys_are_refused)
{
	meta_refused("<html>", NULL);
	meta_refused("[]", NULL);
	meta_refused(DOC_GOOD ",\"token_endpoint\":\"https://evil.test/t\"}", NULL);
}

/* ======================================================================
 * the attempt: PKCE, at_hash, state tag
 * ==================================================================== */

TestSuite(oidc_attempt);

Test(oidc_attempt, test_pkce_challenge_matches_rfc7636_appendix_b)
{
	char out[OIDC_RAND_LEN + 1];

	oidc_pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk", out);
	cr_assert_str_eq(out, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
}

/* The vector was computed apart from Kaptajn, with python3:
 * base64.urlsafe_b64encode(hashlib.sha256(b"ya29.kaptajn-test-access-token")
 *                          .digest()[:16]).rstrip(b"=") */
Test(oidc_attempt, test_at_hash_is_left_half_of_sha256_base64url)
{
	cr_assert(oidc_at_hash_ok("rmFSCGH7WMLDVniARmY7mQ", "ya29.kaptajn-test-access-token"));
}

Test(oidc_attempt, test_at_hash_mismatch_truncation_and_null_are_refused)
{
	cr_assert_not(oidc_at_hash_ok("rmFSCGH7WMLDVniARmY7mR", "ya29.kaptajn-test-access-token"));
	cr_assert_not(oidc_at_hash_ok("rmFSCGH7WMLDVniARmY7mQ", "ya29.kaptajn-test-access-tokeN"));
	cr_assert_not(oidc_at_hash_ok("rmFSCGH7WMLDVniARmY7m", "ya29.kaptajn-test-access-token"));
	cr_assert_not(oidc_at_hash_ok("rmFSCGH7WMLDVniARmY7mQA", "ya29.kaptajn-test-access-token"));
	cr_assert_not(oidc_at_hash_ok("", "ya29.kaptajn-test-access-token"));
	cr_assert_not(oidc_at_hash_ok(NULL, "x"));
	cr_assert_not(oidc_at_hash_ok("rmFSCGH7WMLDVniARmY7mQ", NULL));
}

Test(oidc_attempt, test_attempt_values_are_fresh_and_tied_together)
{
	struct rng *r = rng_new("test oidc");
	struct oidc_attempt a, b;
	char want[OIDC_RAND_LEN + 1], tag[OIDC_TAG_LEN + 1];

	cr_assert_not_null(r);
	cr_assert_eq(oidc_attempt_new(&a, r), 0);
	cr_assert_eq(oidc_attempt_new(&b, r), 0);
	rng_free(r);
	cr_assert_eq(strlen(a.state), OIDC_RAND_LEN);
	cr_assert_eq(strlen(a.nonce), OIDC_RAND_LEN);
	cr_assert_eq(strlen(a.verifier), OIDC_RAND_LEN);
	cr_assert_eq(strlen(a.binder), OIDC_RAND_LEN);
	cr_assert_eq(strlen(a.tag), OIDC_TAG_LEN);
	cr_assert_str_neq(a.state, a.nonce);
	cr_assert_str_neq(a.verifier, a.binder);
	cr_assert_str_neq(a.state, b.state);
	oidc_pkce_challenge(a.verifier, want);
	cr_assert_str_eq(a.challenge, want);
	oidc_state_tag(a.state, tag);
	cr_assert_str_eq(a.tag, tag);
	cr_assert_eq(strspn(a.tag, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
	             OIDC_TAG_LEN, "a tag fits a cookie name");
}

/* ======================================================================
 * the authorize and logout URLs
 * ==================================================================== */

static struct arena *url_arena;

static void url_setup(void)
{
	url_arena = arena_new();
	cr_assert_not_null(url_arena);
}

static void url_teardown(void)
{
	arena_free(url_arena);
}

TestSuite(oidc_urls, .init = url_setup, .fini = url_teardown);

/* Percent-decodes the value of name in the query of url into out; false
 * when the parameter is absent or occurs twice. */
static bool query_value(const char *url, const char *name, char *out, size_t cap)
{
	const char *q = strchr(url, '?'), *p;
	size_t nl = strlen(name), o = 0;
	bool found = false;

	if (q == NULL)
		return false;
	for (p = q + 1; *p != '\0'; p += strcspn(p, "&"), p += *p == '&') {
		const char *v;

		if (strncmp(p, name, nl) != 0 || p[nl] != '=')
			continue;
		if (found)
			return false;
		found = true;
		for (v = p + nl + 1, o = 0; *v != '\0' && *v != '&' && o + 1 < cap; v++) {
			if (*v == '%' && kp_hex_value(v[1]) >= 0 && kp_hex_value(v[2]) >= 0) {
				out[o++] = (char)(kp_hex_value(v[1]) * 16 + kp_hex_value(v[2]));
				v += 2;
			} else {
				out[o++] = *v;
			}
		}
		out[o] = '\0';
	}
	return found;
}

/* The URL has name once, percent-decoding to want. */
static void expect_param(const char *url, const char *name, const char *want)
{
	char v[512];

	cr_assert(query_value(url, name, v, sizeof(v)), "%s missing or twice in %s", name, url);
	cr_assert_str_eq(v, want, "%s in %s", name, url);
}

static void url_rp(struct oidc_rp *r)
{
	memset(r, 0, sizeof(*r));
	r->client_id = "kaptajn citizen";
	r->scopes = "openid profile";
	r->auth_params = "acr_values=https%3A%2F%2Fdata.gov.dk%2Fconcept%2Fcore%2Fnsis%2FSubstantial"
	                 "&idp_values=mitid";
	strcpy(r->redirect_uri, "https://kaptajn.test/api/v1/login/callback");
	strcpy(r->post_logout_uri, "https://kaptajn.test/");
}

Test(oidc_urls, test_authorize_url_holds_every_parameter_percent_encoded)
{
	static const char *const want[][2] = {
		{"response_type", "code"},
		{"client_id", "kaptajn citizen"},
		{"redirect_uri", "https://kaptajn.test/api/v1/login/callback"},
		{"scope", "openid profile"},
		{"state", "st+a/te&x=y"},
		{"nonce", "n%nce"},
		{"code_challenge", "ch"},
		{"code_challenge_method", "S256"},
		{"acr_values", "https://data.gov.dk/concept/core/nsis/Substantial"},
		{"idp_values", "mitid"},
		{"login_hint", "0101 90+hint"}};
	struct oidc_rp r;
	struct oidc_meta m = {.authorization_endpoint = "https://b.test/authorize"};
	struct oidc_attempt at = {.state = "st+a/te&x=y", .nonce = "n%nce", .challenge = "ch"};
	char *url, *q;
	size_t i;

	url_rp(&r);
	url = oidc_authorize_url(url_arena, &r, &m, &at, "0101 90+hint");
	cr_assert_not_null(url);
	cr_assert_eq(strncmp(url, "https://b.test/authorize?", 25), 0, "%s", url);
	q = strchr(url, '?') + 1;
	cr_assert_eq(strspn(q, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~%&="),
	             strlen(q), "raw characters in %s", q);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		expect_param(url, want[i][0], want[i][1]);
}

Test(oidc_urls, test_authorize_url_without_hint_has_none_and_keeps_an_endpoint_query)
{
	struct oidc_rp r;
	struct oidc_meta m = {.authorization_endpoint = "https://b.test/authorize?tenant=x"};
	struct oidc_attempt at = {.state = "s", .nonce = "n", .challenge = "c"};
	char v[64], *url;

	url_rp(&r);
	r.auth_params = "";
	url = oidc_authorize_url(url_arena, &r, &m, &at, NULL);
	cr_assert_not_null(url);
	cr_assert_not(query_value(url, "login_hint", v, sizeof(v)), "%s", url);
	cr_assert(query_value(url, "tenant", v, sizeof(v)), "%s", url);
	cr_assert(query_value(url, "response_type", v, sizeof(v)), "%s", url);
	cr_assert_null(strstr(url, "&&"), "%s", url);
}

Test(oidc_urls, test_end_session_url_is_null_without_endpoint)
{
	struct oidc_rp r;
	struct oidc_meta m = {.end_session_endpoint = ""};

	url_rp(&r);
	cr_assert_null(oidc_end_session_url(url_arena, &r, &m, "h.p.s", "st"));
}

Test(oidc_urls, test_end_session_url_holds_hint_client_redirect_and_state)
{
	struct oidc_rp r;
	struct oidc_meta m = {.end_session_endpoint = "https://b.test/logout"};
	char v[256], *url;

	url_rp(&r);
	url = oidc_end_session_url(url_arena, &r, &m, "h.p.s", "st/+");
	cr_assert_not_null(url);
	expect_param(url, "id_token_hint", "h.p.s");
	expect_param(url, "client_id", "kaptajn citizen");
	expect_param(url, "post_logout_redirect_uri", "https://kaptajn.test/");
	expect_param(url, "state", "st/+");
	url = oidc_end_session_url(url_arena, &r, &m, NULL, "s");
	cr_assert_not(query_value(url, "id_token_hint", v, sizeof(v)), "%s", url);
	cr_assert_eq(strncmp(url, "https://b.test/logout?client_id=", 32), 0, "%s", url);
}

/* ======================================================================
 * oidc_rp_init
 * ==================================================================== */

TestSuite(oidc_rp, .init = run_make, .fini = run_remove);

/* What a side made from public_url and the side's defaults looks like. */
struct side_want {
	const char *redirect_uri, *post_logout_uri, *client_id, *jwks_file;
	enum token_loa min_loa;
	bool secure_cookies;
};

static void expect_side(const struct side_want *w)
{
	cr_assert(rp.enabled);
	cr_assert_str_eq(rp.redirect_uri, w->redirect_uri);
	cr_assert_str_eq(rp.post_logout_uri, w->post_logout_uri);
	cr_assert_str_eq(rp.client_id, w->client_id);
	cr_assert_eq(rp.min_loa, w->min_loa);
	cr_assert_eq(rp.secure_cookies, w->secure_cookies);
	cr_assert_not_null(strstr(rp.jwks_path, w->jwks_file), "%s", rp.jwks_path);
}

Test(oidc_rp, test_a_good_side_is_enabled_with_its_uris_and_secret)
{
	static const struct side_want want = {
		"https://kaptajn.test/api/v1/login/callback", "https://kaptajn.test/",
		"kaptajn-citizen", "/cache/citizen.jwks.json", TOKEN_LOA_SUBSTANTIAL, true};

	rp_init_ok();
	expect_side(&want);
	cr_assert_eq(rp.auth, OIDC_AUTH_BASIC);
	cr_assert_str_eq(rp.client_secret, "s3cr:et+/&", "the trailing newline is not the secret's");
	cr_assert_str_eq(rp.scopes, "openid");
	cr_assert_str_eq(rp.cpr_claim, "dk.cpr");
	cr_assert_eq(rp.timeout, 1);
}

Test(oidc_rp, test_staff_side_has_admin_uris_and_needs_no_loa)
{
	static const struct side_want want = {
		"http://127.0.0.1:8080/admin/api/v1/login/callback", "http://127.0.0.1:8080/admin/",
		"kaptajn-admin", "/cache/staff.jwks.json", TOKEN_LOA_NONE, false};
	char err[256] = "";

	cfg.staff_oidc.discovery = s_discovery;
	cfg.staff_oidc.client_secret_file = s_secret;
	cfg.staff_oidc.role_claim = "role";
	cfg.public_url = "http://127.0.0.1:8080";
	cr_assert_eq(oidc_rp_init(&rp, &cfg, OIDC_STAFF, err, sizeof(err)), 0, "%s", err);
	expect_side(&want);
	cr_assert_str_eq(rp.role_claim, "role");
}

Test(oidc_rp, test_a_side_without_discovery_is_off_and_not_checked)
{
	char err[256] = "";

	cfg.staff_oidc.client_auth = "nonsense";
	cr_assert_eq(oidc_rp_init(&rp, &cfg, OIDC_STAFF, err, sizeof(err)), 0, "%s", err);
	cr_assert_not(rp.enabled);
}

Test(oidc_rp, test_secret_file_readable_by_others_is_refused_naming_the_key)
{
	char want[256];

	chmod(s_secret, 0644);
	snprintf(want, sizeof(want), "citizen_client_secret_file: %s is readable by others (mode "
	         "0644); chmod 600", s_secret);
	rp_init_refused(OIDC_CITIZEN, want, NULL);
}

Test(oidc_rp, test_empty_or_missing_secret_file_is_refused)
{
	put_file(s_secret, "", 0600);
	rp_init_refused(OIDC_CITIZEN, "citizen_client_secret_file", "empty");
	put_file(s_secret, "\n", 0600);
	rp_init_refused(OIDC_CITIZEN, "citizen_client_secret_file", NULL);
	unlink(s_secret);
	rp_init_refused(OIDC_CITIZEN, "citizen_client_secret_file", NULL);
	cfg.citizen_oidc.client_secret_file = NULL;
	rp_init_refused(OIDC_CITIZEN, "citizen_client_secret_file", "required");
}

Test(oidc_rp, test_scopes_without_openid_are_refused)
{
	cfg.citizen_oidc.scopes = "profile openidx email";
	rp_init_refused(OIDC_CITIZEN, "citizen_scopes", "openid");
	cfg.citizen_oidc.scopes = "profile openid";
	rp_init_ok();
}

Test(oidc_rp, test_misspelt_enumerations_are_refused)
{
	cfg.citizen_oidc.client_auth = "client_secret_basics";
	rp_init_refused(OIDC_CITIZEN, "citizen_client_auth", NULL);
	cfg.citizen_oidc.client_auth = NULL;
	cfg.citizen_oidc.userinfo = "sometimes";
	rp_init_refused(OIDC_CITIZEN, "citizen_userinfo", NULL);
	cfg.citizen_oidc.userinfo = NULL;
	cfg.citizen_oidc.min_loa = "none";
	rp_init_refused(OIDC_CITIZEN, "citizen_min_loa", NULL);
	cfg.citizen_oidc.min_loa = NULL;
	cfg.citizen_oidc.client_auth = "private_key_jwt";
	cfg.citizen_oidc.client_key_file = s_key;
	cfg.citizen_oidc.client_key_alg = "HS256";
	rp_init_refused(OIDC_CITIZEN, "citizen_client_key_alg", NULL);
}

Test(oidc_rp, test_bad_urls_and_missing_cache_dir_are_refused)
{
	cfg.citizen_oidc.discovery = "http://broker.test/.well-known/openid-configuration";
	rp_init_refused(OIDC_CITIZEN, "citizen_discovery", NULL);
	cfg.citizen_oidc.discovery = s_discovery;
	cfg.public_url = "https://kaptajn.test/";
	rp_init_refused(OIDC_CITIZEN, "public_url", NULL);
	cfg.public_url = "https://kaptajn.test";
	cfg.citizen_issuer = "broker";
	rp_init_refused(OIDC_CITIZEN, "citizen_issuer", NULL);
	cfg.citizen_issuer = ISS;
	cfg.oidc_cache_dir = "";
	rp_init_refused(OIDC_CITIZEN, "oidc_cache_dir", NULL);
}

Test(oidc_rp, test_static_jwks_beside_discovery_is_refused)
{
	cfg.citizen_jwks = "/etc/kaptajn/citizen.jwks.json";
	rp_init_refused(OIDC_CITIZEN, "citizen_jwks", NULL);
}

Test(oidc_rp, test_auth_params_must_be_encoded_pairs_not_kaptajns_own)
{
	cfg.citizen_oidc.auth_params = "acr_values=a b";
	rp_init_refused(OIDC_CITIZEN, "citizen_auth_params", NULL);
	cfg.citizen_oidc.auth_params = "state=x";
	rp_init_refused(OIDC_CITIZEN, "citizen_auth_params", "state");
	cfg.citizen_oidc.auth_params = "redirect_uri=https%3A%2F%2Fevil.test";
	rp_init_refused(OIDC_CITIZEN, "citizen_auth_params", "redirect_uri");
	cfg.citizen_oidc.auth_params = "novalue";
	rp_init_refused(OIDC_CITIZEN, "citizen_auth_params", NULL);
	cfg.citizen_oidc.auth_params = "a=1&";
	rp_init_refused(OIDC_CITIZEN, "citizen_auth_params", NULL);
	cfg.citizen_oidc.auth_params = "a=%zz";
	rp_init_refused(OIDC_CITIZEN, "citizen_auth_params", NULL);
	cfg.citizen_oidc.auth_params = "acr_values=https%3A%2F%2Fdata.gov.dk%2Fx&idp_values=mitid";
	rp_init_ok();
}

Test(oidc_rp, test_private_key_jwt_needs_a_private_key_file)
{
	cfg.citizen_oidc.client_auth = "private_key_jwt";
	rp_init_refused(OIDC_CITIZEN, "citizen_client_key_file", "required");
	cfg.citizen_oidc.client_key_file = s_key;
	rp_init_ok();
	cr_assert_eq(rp.auth, OIDC_AUTH_PRIVATE_KEY_JWT);
	cr_assert_eq(rp.client_key_alg, TOKEN_ALG_ES256);
	cr_assert_not_null(strstr(rp.client_key_pem, "PRIVATE KEY"));
}

/* ======================================================================
 * oidc_keys_current
 * ==================================================================== */

TestSuite(oidc_keys, .init = run_make, .fini = run_remove);

/* Writes a JWKS with the first n keys of the dev JWKS to path, through a
 * rename (as the refresh job replaces it). */
static void jwks_write(const char *path, size_t n)
{
	char src[256], tmp[256];
	json_t *doc, *keys;

	snprintf(src, sizeof(src), "%s/keys/jwks.json", fixture());
	doc = json_load_file(src, 0, NULL);
	cr_assert_not_null(doc);
	keys = json_object_get(doc, "keys");
	while (json_array_size(keys) > n)
		json_array_remove(keys, json_array_size(keys) - 1);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	cr_assert_eq(json_dump_file(doc, tmp, 0), 0);
	cr_assert_eq(rename(tmp, path), 0);
	json_decref(doc);
}

Test(oidc_keys, test_keys_reload_after_the_file_is_replaced_and_not_otherwise)
{
	struct oidc_keys k;
	char path[256], err[256] = "";
	char *pem;

	memset(&k, 0, sizeof(k));
	snprintf(path, sizeof(path), "%s/keys.json", run_dir);
	jwks_write(path, 2);
	cr_assert_eq(oidc_keys_current(&k, path, err, sizeof(err)), 0, "%s", err);
	cr_assert(k.loaded);
	cr_assert_eq(k.ks.n, 2);
	pem = k.ks.keys[0].pem;
	cr_assert_eq(oidc_keys_current(&k, path, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(k.ks.keys[0].pem, pem, "an unchanged file was read again");
	jwks_write(path, 1);
	cr_assert_eq(oidc_keys_current(&k, path, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(k.ks.n, 1, "the replaced file was not read");
	oidc_keys_free(&k);
}

Test(oidc_keys, test_a_bad_or_missing_file_keeps_the_keys_held)
{
	struct oidc_keys k;
	char path[256], err[256] = "";

	memset(&k, 0, sizeof(k));
	snprintf(path, sizeof(path), "%s/keys.json", run_dir);
	cr_assert_eq(oidc_keys_current(&k, path, err, sizeof(err)), -1);
	cr_assert_not(k.loaded);
	jwks_write(path, 2);
	cr_assert_eq(oidc_keys_current(&k, path, err, sizeof(err)), 0, "%s", err);
	put_file(path, "{\"keys\":[]}", 0600);
	cr_assert_eq(oidc_keys_current(&k, path, err, sizeof(err)), -1);
	cr_assert(k.loaded);
	cr_assert_eq(k.ks.n, 2);
	unlink(path);
	cr_assert_eq(oidc_keys_current(&k, path, err, sizeof(err)), -1);
	cr_assert_eq(k.ks.n, 2);
	oidc_keys_free(&k);
}

/* ======================================================================
 * the calls to a broker, against oidc_broker.py over HTTPS on loopback
 * ==================================================================== */

static pid_t broker_pid;
static char broker_base[64];
static struct oidc_meta broker_meta;

static void broker_start(void)
{
	char portfile[128], jwks[128], cert[128], key[128], port[16] = "";
	FILE *f;
	int i;

	run_make();
	snprintf(portfile, sizeof(portfile), "%s/port", run_dir);
	snprintf(jwks, sizeof(jwks), "%s/keys/jwks.json", fixture());
	snprintf(cert, sizeof(cert), "%s/tls.pem", fixture());
	snprintf(key, sizeof(key), "%s/tls.key", fixture());
	broker_pid = fork();
	cr_assert_neq(broker_pid, -1);
	if (broker_pid == 0) {
		sigset_t none;

		/* Dies with the test process, also one killed by a time-out. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGTERM, SIG_DFL);
		execlp("python3", "python3", BROKER_PY, cert, key, jwks, portfile, ISS, (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < 200 && (f = fopen(portfile, "r")) == NULL; i++)
		usleep(25000);
	cr_assert_not_null(f, "the test broker did not start");
	cr_assert_not_null(fgets(port, sizeof(port), f));
	fclose(f);
	snprintf(broker_base, sizeof(broker_base), "https://127.0.0.1:%d", atoi(port));
	snprintf(s_discovery, sizeof(s_discovery), "%s/.well-known/openid-configuration",
	         broker_base);
	rp_init_ok();
	memset(&broker_meta, 0, sizeof(broker_meta));
	snprintf(broker_meta.token_endpoint, OIDC_URL_MAX, "%s/token", broker_base);
	snprintf(broker_meta.userinfo_endpoint, OIDC_URL_MAX, "%s/userinfo", broker_base);
}

static void broker_stop(void)
{
	if (broker_pid > 0) {
		kill(broker_pid, SIGKILL);
		waitpid(broker_pid, NULL, 0);
		broker_pid = 0;
	}
	run_remove();
}

TestSuite(oidc_http, .init = broker_start, .fini = broker_stop, .timeout = 30);

static void endpoint(const char *path)
{
	snprintf(broker_meta.token_endpoint, OIDC_URL_MAX, "%s%s", broker_base, path);
}

static long long mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Exchanges a code at the test broker's /token, which answers with the
 * id_token "h.p.s" and, as the access token, a JSON echo of what it got
 * (seen_basic, seen_auth, seen_form, seen_accept); returns the echo.
 * client_auth, when set, is configured first. */
static json_t *exchange_echo(char *client_auth)
{
	struct oidc_tokens t;
	char err[256] = "";
	json_t *echo;

	if (client_auth != NULL) {
		oidc_rp_free(&rp);
		cfg.citizen_oidc.client_auth = client_auth;
		cfg.citizen_oidc.client_key_file = s_key;
		rp_init_ok();
	}

	cr_assert_eq(oidc_exchange(&rp, &broker_meta, "c0de/+&", "v3rifier", 5000, &t, err,
	                           sizeof(err)),
	             OIDC_OK, "%s", err);
	cr_assert_str_eq(t.id_token, "h.p.s");
	cr_assert_not_null(t.access_token);
	echo = json_loads(t.access_token, 0, NULL);
	cr_assert_not_null(echo);
	oidc_tokens_free(&t);
	cr_assert_null(t.id_token);
	return echo;
}

static const char *seen(json_t *echo, const char *name)
{
	const char *s = json_string_value(json_object_get(echo, name));

	return s != NULL ? s : "";
}

static const char *seen_form(json_t *echo, const char *name)
{
	const char *s = json_string_value(json_object_get(json_object_get(echo, "seen_form"), name));

	return s != NULL ? s : "(absent)";
}

static void expect_code_grant(json_t *echo)
{
	cr_assert_str_eq(seen_form(echo, "grant_type"), "authorization_code");
	cr_assert_str_eq(seen_form(echo, "code"), "c0de/+&");
	cr_assert_str_eq(seen_form(echo, "code_verifier"), "v3rifier");
	cr_assert_str_eq(seen_form(echo, "redirect_uri"), "https://kaptajn.test/api/v1/login/callback");
	cr_assert_str_eq(seen(echo, "seen_accept"), "application/json");
}

Test(oidc_http, test_exchange_client_secret_basic_sends_form_encoded_credentials)
{
	json_t *echo = exchange_echo(NULL);

	expect_code_grant(echo);
	/* RFC 6749 2.3.1: client_id and secret form-encoded, then Basic. */
	cr_assert_str_eq(seen(echo, "seen_basic"), "kaptajn-citizen:s3cr%3Aet%2B%2F%26");
	cr_assert_str_eq(seen_form(echo, "client_secret"), "(absent)");
	json_decref(echo);
}

Test(oidc_http, test_exchange_client_secret_post_sends_credentials_in_the_form)
{
	json_t *echo = exchange_echo("client_secret_post");

	expect_code_grant(echo);
	cr_assert_str_eq(seen(echo, "seen_auth"), "");
	cr_assert_str_eq(seen_form(echo, "client_id"), "kaptajn-citizen");
	cr_assert_str_eq(seen_form(echo, "client_secret"), "s3cr:et+/&");
	json_decref(echo);
}

Test(oidc_http, test_exchange_private_key_jwt_sends_a_signed_assertion)
{
	char pub_path[256], *pub;
	const char *assertion;
	jwt_t *jwt = NULL;
	json_t *echo = exchange_echo("private_key_jwt");

	expect_code_grant(echo);
	cr_assert_str_eq(seen(echo, "seen_auth"), "");
	cr_assert_str_eq(seen_form(echo, "client_secret"), "(absent)");
	cr_assert_str_eq(seen_form(echo, "client_id"), "kaptajn-citizen");
	cr_assert_str_eq(seen_form(echo, "client_assertion_type"),
	                 "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
	assertion = seen_form(echo, "client_assertion");
	snprintf(pub_path, sizeof(pub_path), "%s/client.pub", fixture());
	pub = slurp(pub_path);
	cr_assert_not_null(pub);
	cr_assert_eq(jwt_decode(&jwt, assertion, (const unsigned char *)pub, (int)strlen(pub)), 0,
	             "the assertion does not verify with the client's public key");
	cr_assert_eq(jwt_get_alg(jwt), JWT_ALG_ES256);
	cr_assert_str_eq(jwt_get_grant(jwt, "iss"), "kaptajn-citizen");
	cr_assert_str_eq(jwt_get_grant(jwt, "sub"), "kaptajn-citizen");
	cr_assert_str_eq(jwt_get_grant(jwt, "aud"), broker_meta.token_endpoint);
	cr_assert_eq(strlen(jwt_get_grant(jwt, "jti")), OIDC_RAND_LEN);
	cr_assert_eq(jwt_get_grant_int(jwt, "exp") - jwt_get_grant_int(jwt, "iat"), 60);
	cr_assert_lt(labs(jwt_get_grant_int(jwt, "iat") - (long)time(NULL)), 5);
	jwt_free(jwt);
	free(pub);
	json_decref(echo);
}

Test(oidc_http, test_userinfo_sends_the_bearer_token_and_gives_the_object)
{
	char err[256] = "";
	json_t *out = NULL;

	cr_assert_eq(oidc_userinfo(&rp, &broker_meta, "at-xyz", 5000, &out, err, sizeof(err)),
	             OIDC_OK, "%s", err);
	cr_assert_str_eq(seen(out, "sub"), "sub-1");
	cr_assert_str_eq(seen(out, "seen_auth"), "Bearer at-xyz");
	json_decref(out);
	broker_meta.userinfo_endpoint[0] = '\0';
	cr_assert_eq(oidc_userinfo(&rp, &broker_meta, "at-xyz", 5000, &out, err, sizeof(err)),
	             OIDC_BAD_ANSWER);
	cr_assert_null(out);
}

static char xerr[256];

/* Exchanges a code at the broker's path (NULL: as set), with the caller's
 * deadline; asserts the result (and that a failure gives no token), and
 * returns the milliseconds it took. The reason is left in xerr. */
static long long exchange_at(const char *path, long deadline_ms, enum oidc_result want)
{
	struct oidc_tokens t;
	long long t0 = mono_ms();
	enum oidc_result got;

	if (path != NULL)
		endpoint(path);
	got = oidc_exchange(&rp, &broker_meta, "c", "v", deadline_ms, &t, xerr, sizeof(xerr));
	cr_assert_eq(got, want, "%s: result %d, want %d (%s)", broker_meta.token_endpoint, got, want,
	             xerr);
	if (got != OIDC_OK)
		cr_assert_null(t.id_token);
	oidc_tokens_free(&t);
	return mono_ms() - t0;
}

Test(oidc_http, test_exchange_oauth_error_is_refused_with_its_code)
{
	exchange_at("/token-refused", 5000, OIDC_REFUSED);
	cr_assert_not_null(strstr(xerr, "invalid_grant"), "%s", xerr);
	cr_assert_null(strstr(xerr, "code used"), "the description is not for the log: %s", xerr);
}

Test(oidc_http, test_exchange_slow_broker_is_unavailable_within_the_time_out)
{
	long long took = exchange_at("/slow", 5000, OIDC_UNAVAILABLE);

	cr_assert_lt(took, 2000, "took %lld ms with a 1 s time-out", took);
}

Test(oidc_http, test_exchange_caller_deadline_below_timeout_is_kept)
{
	long long took = exchange_at("/slow", 300, OIDC_UNAVAILABLE);

	cr_assert_lt(took, 900, "took %lld ms with a 300 ms deadline", took);
}

Test(oidc_http, test_exchange_500_is_unavailable)
{
	exchange_at("/err500", 5000, OIDC_UNAVAILABLE);
}

Test(oidc_http, test_exchange_oversized_body_is_a_bad_answer)
{
	exchange_at("/big", 5000, OIDC_BAD_ANSWER);
	cr_assert_not_null(strstr(xerr, "over"), "%s", xerr);
}

Test(oidc_http, test_exchange_oversized_body_without_length_is_cut_off)
{
	exchange_at("/big-stream", 5000, OIDC_BAD_ANSWER);
	cr_assert_not_null(strstr(xerr, "over"), "%s", xerr);
}

Test(oidc_http, test_exchange_odd_answers_are_bad_answers)
{
	exchange_at("/token-notjson", 5000, OIDC_BAD_ANSWER);
	exchange_at("/token-noid", 5000, OIDC_BAD_ANSWER);
	exchange_at("/token-400-html", 5000, OIDC_BAD_ANSWER);
	exchange_at("/redirect", 5000, OIDC_BAD_ANSWER); /* not followed */
}

Test(oidc_http, test_exchange_with_the_system_cas_fails_verification)
{
	rp.ca_file = NULL;
	exchange_at(NULL, 5000, OIDC_UNAVAILABLE);
}

Test(oidc_http, test_exchange_to_a_closed_port_is_unavailable)
{
	snprintf(broker_meta.token_endpoint, OIDC_URL_MAX, "https://127.0.0.1:1/token");
	exchange_at(NULL, 5000, OIDC_UNAVAILABLE);
}

Test(oidc_http, test_exchange_to_plain_http_off_loopback_is_not_tried)
{
	snprintf(broker_meta.token_endpoint, OIDC_URL_MAX, "http://broker.test/token");
	exchange_at(NULL, 5000, OIDC_BAD_ANSWER);
}

/* ---- the refresh job and the early refresh ---- */

static int broker_jwks_hits(void)
{
	struct oidc_meta m = broker_meta;
	char err[256] = "";
	json_t *out = NULL;
	int n;

	snprintf(m.userinfo_endpoint, OIDC_URL_MAX, "%s/stats", broker_base);
	cr_assert_eq(oidc_userinfo(&rp, &m, "x", 5000, &out, err, sizeof(err)), OIDC_OK, "%s", err);
	n = (int)json_integer_value(json_object_get(out, "jwks"));
	json_decref(out);
	return n;
}

Test(oidc_http, test_refresh_writes_discovery_and_keys)
{
	struct token_keyset ks;
	struct oidc_meta m;
	struct stat st;
	char err[256] = "";

	cr_assert_eq(oidc_refresh(&rp, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(stat(s_cache, &st), 0, "the cache directory was not made");
	cr_assert_eq(st.st_mode & 0777, 0700);
	cr_assert_eq(oidc_meta_load(&m, &rp, err, sizeof(err)), 0, "%s", err);
	cr_assert_str_eq(m.issuer, ISS);
	cr_assert_eq(strncmp(m.jwks_uri, broker_base, strlen(broker_base)), 0);
	memset(&ks, 0, sizeof(ks));
	cr_assert_eq(token_keyset_load(&ks, rp.jwks_path, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(ks.n, 2);
	token_keyset_free(&ks);
}

/* Names in dir, sorted, joined by spaces. */
static void dir_names(const char *dir, char *out, size_t cap)
{
	char cmd[300];
	FILE *p;
	size_t n;

	snprintf(cmd, sizeof(cmd), "ls %s | tr '\\n' ' '", dir);
	p = popen(cmd, "r");
	cr_assert_not_null(p);
	n = fread(out, 1, cap - 1, p);
	out[n] = '\0';
	pclose(p);
}

Test(oidc_http, test_refresh_with_a_bad_jwks_leaves_the_files_untouched)
{
	struct stat before_d, before_k, after_d, after_k;
	char err[256] = "", names[256];
	char *disc, *keys, *disc2, *keys2;

	cr_assert_eq(oidc_refresh(&rp, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(stat(rp.discovery_path, &before_d), 0);
	cr_assert_eq(stat(rp.jwks_path, &before_k), 0);
	disc = slurp(rp.discovery_path);
	keys = slurp(rp.jwks_path);
	/* This discovery names a JWKS without a usable key. */
	snprintf(s_discovery, sizeof(s_discovery), "%s/bad/.well-known/openid-configuration",
	         broker_base);
	cr_assert_eq(oidc_refresh(&rp, err, sizeof(err)), -1);
	cr_assert_not_null(strstr(err, "jwks_uri"), "%s", err);
	cr_assert_eq(stat(rp.discovery_path, &after_d), 0);
	cr_assert_eq(stat(rp.jwks_path, &after_k), 0);
	cr_assert_eq(after_d.st_ino, before_d.st_ino, "the discovery file was replaced");
	cr_assert_eq(after_k.st_ino, before_k.st_ino, "the keys file was replaced");
	disc2 = slurp(rp.discovery_path);
	keys2 = slurp(rp.jwks_path);
	cr_assert_str_eq(disc2, disc);
	cr_assert_str_eq(keys2, keys);
	dir_names(s_cache, names, sizeof(names));
	cr_assert_str_eq(names, "citizen.discovery.json citizen.jwks.json ",
	                 "temporary files left: %s", names);
	free(disc);
	free(keys);
	free(disc2);
	free(keys2);
}

Test(oidc_http, test_refresh_with_a_wrong_issuer_writes_nothing)
{
	char err[256] = "";
	struct stat st;

	cfg.citizen_issuer = "https://broker.test/other";
	oidc_rp_free(&rp);
	rp_init_ok();
	cr_assert_eq(oidc_refresh(&rp, err, sizeof(err)), -1);
	cr_assert_not_null(strstr(err, "issuer"), "%s", err);
	cr_assert_neq(stat(rp.discovery_path, &st), 0);
	cr_assert_neq(stat(rp.jwks_path, &st), 0);
}

Test(oidc_http, test_refresh_with_the_system_cas_fails)
{
	char err[256] = "";

	rp.ca_file = NULL;
	cr_assert_eq(oidc_refresh(&rp, err, sizeof(err)), -1);
}

Test(oidc_http, test_early_refresh_fetches_once_a_minute)
{
	char err[256] = "";
	time_t now = time(NULL);
	int hits;

	cr_assert_eq(oidc_refresh(&rp, err, sizeof(err)), 0, "%s", err);
	hits = broker_jwks_hits();
	cr_assert_eq(hits, 1);
	cr_assert_eq(oidc_refresh_early(&rp, now, err, sizeof(err)), 1, "%s", err);
	cr_assert_eq(broker_jwks_hits(), hits + 1);
	cr_assert_eq(oidc_refresh_early(&rp, now + 1, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(oidc_refresh_early(&rp, now + OIDC_EARLY_REFRESH_EVERY - 1, err, sizeof(err)),
	             0, "%s", err);
	cr_assert_eq(broker_jwks_hits(), hits + 1, "a rate-limited call fetched");
	cr_assert_eq(oidc_refresh_early(&rp, now + OIDC_EARLY_REFRESH_EVERY, err, sizeof(err)), 1,
	             "%s", err);
	cr_assert_eq(broker_jwks_hits(), hits + 2);
}

Test(oidc_http, test_early_refresh_without_a_cached_discovery_fails)
{
	char err[256] = "";

	cr_assert_eq(mkdir(s_cache, 0700), 0);
	cr_assert_eq(oidc_refresh_early(&rp, time(NULL), err, sizeof(err)), -1);
	cr_assert_eq(broker_jwks_hits(), 0);
}
