/* test_devidp.c: the dev IdP's OpenID provider, its pure parts: PKCE S256,
 * what a code is bound to, the redirect and post-logout URIs, Basic
 * credentials; and the code store's single use (in a temporary dir). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devidp.h"

#define BASE "http://127.0.0.1:8080/dev-idp"
#define CB "http://127.0.0.1:8080/api/v1/login/callback"
/* A verifier and its S256 challenge (computed apart, with Python's hashlib). */
#define VERIFIER "dBjftJeZ4CVP-mJ92aK2X1kZH0tHvQAVMCqWGhZlzSw"
#define CHALLENGE "ZcqfLp2l9PiYlgj7pwU-JEr_niUQcW6sYNxYj41iFTU"

Test(devidp, test_pkce_rfc7636_example_matches)
{
	cr_assert(devidp_pkce_ok(VERIFIER, CHALLENGE));
}

Test(devidp, test_pkce_refuses_wrong_short_long_or_odd_verifiers)
{
	char longv[130];

	cr_assert_not(devidp_pkce_ok("dBjftJeZ4CVP-mJ92aK2X1kZH0tHvQAVMCqWGhZlzS1", CHALLENGE));
	cr_assert_not(devidp_pkce_ok(NULL, CHALLENGE));
	cr_assert_not(devidp_pkce_ok(VERIFIER, NULL));
	/* plain: the challenge is the verifier itself */
	cr_assert_not(devidp_pkce_ok(VERIFIER, VERIFIER));
	cr_assert_not(devidp_pkce_ok("short", CHALLENGE));
	memset(longv, 'a', 129);
	longv[129] = '\0';
	cr_assert_not(devidp_pkce_ok(longv, CHALLENGE));
	cr_assert_not(devidp_pkce_ok("dBjftJeZ4CVP+mJ92aK2X1kZH0tHvQAVMCqWGhZlzS0", CHALLENGE));
	cr_assert_not(devidp_pkce_ok(VERIFIER, ""));
}

Test(devidp, test_redirect_uri_is_the_origin_plus_the_sides_callback)
{
	char out[256];

	cr_assert_eq(devidp_redirect_uri(BASE, DEVIDP_CLIENT_CITIZEN, out, sizeof(out)), 0);
	cr_assert_str_eq(out, CB);
	cr_assert_eq(devidp_redirect_uri(BASE, DEVIDP_CLIENT_STAFF, out, sizeof(out)), 0);
	cr_assert_str_eq(out, "http://127.0.0.1:8080/admin/api/v1/login/callback");
	cr_assert_eq(devidp_redirect_uri("ftp://x/dev-idp", DEVIDP_CLIENT_STAFF, out, sizeof(out)), -1);
	cr_assert_eq(devidp_redirect_uri("http:///dev-idp", DEVIDP_CLIENT_STAFF, out, sizeof(out)), -1);
	cr_assert_eq(devidp_redirect_uri(BASE, DEVIDP_CLIENT_NONE, out, sizeof(out)), -1);
	cr_assert_eq(devidp_redirect_uri(BASE, DEVIDP_CLIENT_CITIZEN, out, 10), -1);
}

Test(devidp, test_client_of_knows_only_the_two_clients)
{
	cr_assert_eq(devidp_client_of("kaptajn-citizen"), DEVIDP_CLIENT_CITIZEN);
	cr_assert_eq(devidp_client_of("kaptajn-admin"), DEVIDP_CLIENT_STAFF);
	cr_assert_eq(devidp_client_of("kaptajn-citizen "), DEVIDP_CLIENT_NONE);
	cr_assert_eq(devidp_client_of(""), DEVIDP_CLIENT_NONE);
	cr_assert_eq(devidp_client_of(NULL), DEVIDP_CLIENT_NONE);
}

Test(devidp, test_post_logout_only_to_the_portals_roots)
{
	cr_assert(devidp_post_logout_ok(BASE, "http://127.0.0.1:8080/"));
	cr_assert(devidp_post_logout_ok(BASE, "http://127.0.0.1:8080/admin/"));
	cr_assert_not(devidp_post_logout_ok(BASE, "http://127.0.0.1:8080/admin"));
	cr_assert_not(devidp_post_logout_ok(BASE, "http://127.0.0.1:8080//evil.example/"));
	cr_assert_not(devidp_post_logout_ok(BASE, "http://127.0.0.1:80800/"));
	cr_assert_not(devidp_post_logout_ok(BASE, "http://127.0.0.1:8080/?x"));
	cr_assert_not(devidp_post_logout_ok(BASE, "https://evil.example/"));
	cr_assert_not(devidp_post_logout_ok(BASE, "/"));
	cr_assert_not(devidp_post_logout_ok(BASE, NULL));
}

static struct devidp_grant grant(void)
{
	struct devidp_grant g;

	memset(&g, 0, sizeof(g));
	g.client = DEVIDP_CLIENT_CITIZEN;
	strcpy(g.redirect_uri, CB);
	strcpy(g.nonce, "n");
	strcpy(g.challenge, CHALLENGE);
	g.exp = 1000;
	return g;
}

Test(devidp, test_grant_check_passes_the_bound_client_uri_and_verifier)
{
	struct devidp_grant g = grant();

	cr_assert_null(devidp_grant_check(&g, "kaptajn-citizen", CB, VERIFIER, 999));
}

Test(devidp, test_grant_check_refuses_each_thing_the_code_is_bound_to)
{
	struct devidp_grant g = grant();

	cr_assert_not_null(devidp_grant_check(&g, "kaptajn-citizen", CB, VERIFIER, 1000));
	cr_assert_not_null(devidp_grant_check(&g, "kaptajn-admin", CB, VERIFIER, 999));
	cr_assert_not_null(devidp_grant_check(&g, "kaptajn-citizen", CB "/", VERIFIER, 999));
	cr_assert_not_null(devidp_grant_check(&g, "kaptajn-citizen", NULL, VERIFIER, 999));
	cr_assert_not_null(devidp_grant_check(&g, "kaptajn-citizen", CB, CHALLENGE, 999));
	g.client = DEVIDP_CLIENT_NONE;
	cr_assert_not_null(devidp_grant_check(&g, "kaptajn-citizen", CB, VERIFIER, 999));
}

Test(devidp, test_param_ok_takes_printable_ascii_up_to_max)
{
	cr_assert(devidp_param_ok("abc", 3));
	cr_assert_not(devidp_param_ok("abcd", 3));
	cr_assert_not(devidp_param_ok("", 3));
	cr_assert_not(devidp_param_ok(NULL, 3));
	cr_assert_not(devidp_param_ok("a b", 3));
	cr_assert_not(devidp_param_ok("a\nb", 3));
	cr_assert_not(devidp_param_ok("\xc3\xa6", 3));
}

Test(devidp, test_basic_auth_reads_id_and_secret)
{
	char id[32], sec[32];

	/* "kaptajn-citizen:s3:cret" */
	cr_assert_eq(devidp_basic_auth("Basic a2FwdGFqbi1jaXRpemVuOnMzOmNyZXQ=", id, sizeof(id), sec,
	                               sizeof(sec)), 0);
	cr_assert_str_eq(id, "kaptajn-citizen");
	cr_assert_str_eq(sec, "s3:cret");
}

Test(devidp, test_basic_auth_refuses_other_schemes_bad_base64_and_no_colon)
{
	char id[32], sec[32];

	cr_assert_eq(devidp_basic_auth("Bearer a2FwdGFqbg==", id, sizeof(id), sec, sizeof(sec)), -1);
	cr_assert_eq(devidp_basic_auth("Basic !!!", id, sizeof(id), sec, sizeof(sec)), -1);
	/* "kaptajn" */
	cr_assert_eq(devidp_basic_auth("Basic a2FwdGFqbg==", id, sizeof(id), sec, sizeof(sec)), -1);
	/* ":x" (empty id) */
	cr_assert_eq(devidp_basic_auth("Basic Ong=", id, sizeof(id), sec, sizeof(sec)), -1);
	/* id too long for its buffer */
	cr_assert_eq(devidp_basic_auth("Basic a2FwdGFqbi1jaXRpemVuOnMzOmNyZXQ=", id, 4, sec,
	                               sizeof(sec)), -1);
	cr_assert_eq(devidp_basic_auth(NULL, id, sizeof(id), sec, sizeof(sec)), -1);
}

Test(devidp, test_code_is_taken_once_and_then_gone)
{
	char dir[] = "/tmp/kp-devidp-XXXXXX", code[DEVIDP_CODE_LEN + 1], codes[64];
	struct kp_config cfg;
	struct devidp_grant g = grant(), got;
	struct rng *rng = rng_new("test devidp");
	const char *why = NULL;

	cr_assert_not_null(mkdtemp(dir));
	memset(&cfg, 0, sizeof(cfg));
	cfg.dev_idp_dir = dir;
	strcpy(g.sub, "anna");
	g.user = json_pack("{s:s, s:s}", "name", "Anna", "kind", "citizen");
	cr_assert_eq(devidp_code_issue(&cfg, rng, &g, 5000, code, &why), 0, "%s", why);
	cr_assert_eq(g.exp, 5000 + DEVIDP_CODE_TTL);
	cr_assert_eq(devidp_code_take(&cfg, "x", &got), -1);
	cr_assert_eq(devidp_code_take(&cfg, code, &got), 0);
	cr_assert_str_eq(got.sub, "anna");
	cr_assert_str_eq(got.redirect_uri, CB);
	cr_assert_str_eq(got.challenge, CHALLENGE);
	cr_assert_eq(got.exp, 5000 + DEVIDP_CODE_TTL);
	cr_assert_str_eq(json_string_value(json_object_get(got.user, "name")), "Anna");
	devidp_grant_free(&got);
	cr_assert_eq(devidp_code_take(&cfg, code, &got), -1, "a code is used once");
	devidp_grant_free(&g);
	rng_free(rng);
	cr_assert_eq(snprintf(codes, sizeof(codes), "%s/codes", dir) > 0, 1);
	cr_assert_eq(rmdir(codes), 0, "the codes directory is empty");
	rmdir(dir);
}
