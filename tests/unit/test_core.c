/* test_core.c: the pure logic of core/: body validation, text checks, ids,
 * cookies, base64url, CPR numbers and the CPR cipher. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "crypto.h"
#include "internal.h"
#include "session.h"
#include "validate.h"

static const char *const kinds[] = {"a", "b", NULL};
static const struct vfield spec[] = {
	{"text", V_TEXT, true, 1, 5, NULL},
	{"n", V_INT, false, 1, 10, NULL},
	{"kind", V_ENUM, false, 0, 0, kinds},
	{"flag", V_BOOL, false, 0, 0, NULL},
};

static enum kp_err check(const char *body, struct kp_fail *f)
{
	struct arena *a = arena_new();
	json_t *j = json_loads(body, 0, NULL);
	enum kp_err err;

	cr_assert_not_null(j, "test body must parse: %s", body);
	memset(f, 0, sizeof(*f));
	err = validate_body(a, j, spec, sizeof(spec) / sizeof(spec[0]), f);
	json_decref(j);
	/* f points into the arena; the tests only compare codes. */
	if (f->message != NULL)
		f->message = "";
	arena_free(a);
	return err;
}

/* Asserts that each of the n bodies is refused as invalid_field. */
static void all_invalid_field(const char *const *bodies, size_t n)
{
	struct kp_fail f;
	size_t i;

	for (i = 0; i < n; i++) {
		cr_assert_eq(check(bodies[i], &f), KP_EINVAL, "%s", bodies[i]);
		cr_assert_str_eq(f.code, "invalid_field", "%s", bodies[i]);
	}
}

Test(validate, accepts_a_good_body)
{
	struct kp_fail f;

	cr_assert_eq(check("{\"text\":\"hej\",\"n\":3,\"kind\":\"b\",\"flag\":true}", &f), KP_OK);
}

Test(validate, optional_null_counts_as_absent)
{
	struct kp_fail f;

	cr_assert_eq(check("{\"text\":\"hej\",\"n\":null}", &f), KP_OK);
}

Test(validate, required_null_is_invalid_field)
{
	struct kp_fail f;

	cr_assert_eq(check("{\"text\":null}", &f), KP_EINVAL);
	cr_assert_str_eq(f.code, "invalid_field");
}

Test(validate, missing_required_is_missing_field)
{
	struct kp_fail f;

	cr_assert_eq(check("{\"n\":2}", &f), KP_EINVAL);
	cr_assert_str_eq(f.code, "missing_field");
}

Test(validate, unknown_member_is_unknown_field)
{
	struct kp_fail f;

	cr_assert_eq(check("{\"text\":\"x\",\"admin\":true}", &f), KP_EINVAL);
	cr_assert_str_eq(f.code, "unknown_field");
}

Test(validate, array_body_is_invalid_json)
{
	struct kp_fail f;

	cr_assert_eq(check("[\"text\"]", &f), KP_EINVAL);
	cr_assert_str_eq(f.code, "invalid_json");
}

Test(validate, wrong_types_are_invalid_field)
{
	const char *bodies[] = {"{\"text\":5}", "{\"text\":\"x\",\"n\":\"3\"}",
	                        "{\"text\":\"x\",\"n\":2.5}", "{\"text\":\"x\",\"kind\":\"c\"}",
	                        "{\"text\":\"x\",\"flag\":1}", "{\"text\":[\"x\"]}"};

	all_invalid_field(bodies, sizeof(bodies) / sizeof(bodies[0]));
}

Test(validate, integer_out_of_range_is_invalid_field)
{
	struct kp_fail f;

	cr_assert_eq(check("{\"text\":\"x\",\"n\":11}", &f), KP_EINVAL);
	cr_assert_eq(check("{\"text\":\"x\",\"n\":0}", &f), KP_EINVAL);
}

Test(validate, text_length_counts_code_points_not_bytes)
{
	struct kp_fail f;

	/* five letters of two bytes each, and five emoji of four */
	cr_assert_eq(check("{\"text\":\"æøåÆØ\"}", &f), KP_OK);
	cr_assert_eq(check("{\"text\":\"\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\"}", &f), KP_OK);
	cr_assert_eq(check("{\"text\":\"æøåæøå\"}", &f), KP_EINVAL);
}

Test(validate, empty_and_blank_text_are_refused)
{
	struct kp_fail f;

	cr_assert_eq(check("{\"text\":\"\"}", &f), KP_EINVAL);
	cr_assert_eq(check("{\"text\":\"  \\n\\t\"}", &f), KP_EINVAL);
	cr_assert_eq(check("{\"text\":\"\xc2\xa0\xe3\x80\x80\"}", &f), KP_EINVAL);
}

Test(validate, control_characters_are_refused_but_newlines_kept)
{
	struct kp_fail f;

	cr_assert_eq(check("{\"text\":\"a\\u0007b\"}", &f), KP_EINVAL);
	cr_assert_eq(check("{\"text\":\"a\\u007fb\"}", &f), KP_EINVAL);
	cr_assert_eq(check("{\"text\":\"a\\nb\"}", &f), KP_OK);
}

Test(validate, c1_controls_and_line_separators_are_refused)
{
	const char *bodies[] = {"{\"text\":\"\\u0085\"}", "{\"text\":\"a\\u009b31m\"}",
	                        "{\"text\":\"\\u0080\"}", "{\"text\":\"\\u009f\"}",
	                        "{\"text\":\"\\u2028\"}", "{\"text\":\"a\\u2029b\"}",
	                        "{\"text\":\"a\xc2\x85\"}"};

	all_invalid_field(bodies, sizeof(bodies) / sizeof(bodies[0]));
}

Test(validate, text_chars_ok_keeps_the_neighbours_of_c1_and_separators)
{
	/* U+00A0 (C2 A0), U+00C6 (C3 86), U+2027 (E2 80 A7), U+202A (E2 80 AA),
	 * U+2080 (E2 82 80), U+00BF (C2 BF): near a refused one, all fine. */
	const char *ok[] = {"\xc2\xa0", "\xc3\x86", "\xe2\x80\xa7", "\xe2\x80\xaa",
	                    "\xe2\x82\x80", "\xc2\xbf"};
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		cr_assert(text_chars_ok(ok[i], strlen(ok[i])), "%zu", i);
	cr_assert_not(text_chars_ok("x\xc2\x80", 3));
	cr_assert_not(text_chars_ok("\xe2\x80\xa9x", 4));
}

Test(validate, a_huge_unknown_name_is_echoed_short_and_valid_utf8)
{
	struct arena *a = arena_new();
	char body[400];
	json_t *j, *msg;
	struct kp_fail f = {0};

	strcpy(body, "{\"");
	for (int i = 0; i < 100; i++)
		strcat(body, "\xc3\xa6"); /* æ, two bytes */
	strcat(body, "\":1}");
	j = json_loads(body, 0, NULL);
	cr_assert_eq(validate_body(a, j, spec, 4, &f), KP_EINVAL);
	cr_assert_lt(strlen(f.message), 100);
	msg = json_string(f.message);
	cr_assert_not_null(msg, "the message must stay valid UTF-8");
	json_decref(msg);
	json_decref(j);
	arena_free(a);
}

Test(log, a_decoded_newline_cannot_forge_a_log_line)
{
	struct arena *a = arena_new();
	const char *path = "/api/v1/x\naccess rid=forged GET /api/v1/plan 200 1us";
	const char *out = text_log_safe(a, path);

	cr_assert_null(strchr(out, '\n'));
	cr_assert_str_eq(out, "/api/v1/x\\x0aaccess rid=forged GET /api/v1/plan 200 1us");
	arena_free(a);
}

Test(log, controls_del_and_backslash_are_escaped_and_utf8_kept)
{
	struct arena *a = arena_new();

	cr_assert_str_eq(text_log_safe(a, "a\x1b[31m\r\t\x7f\\x0a"),
	                 "a\\x1b[31m\\x0d\\x09\\x7f\\x5cx0a");
	cr_assert_str_eq(text_log_safe(a, "/api/v1/plan/dr\xc3\xb8m"), "/api/v1/plan/dr\xc3\xb8m");
	cr_assert_str_eq(text_log_safe(a, ""), "");
	cr_assert_null(text_log_safe(a, NULL));
	arena_free(a);
}

Test(ids, parse_id_takes_only_plain_positive_decimals)
{
	cr_assert_eq(parse_id("42", 2), 42);
	cr_assert_eq(parse_id("999999999999999999", 18), 999999999999999999LL);
	cr_assert_eq(parse_id("0", 1), 0);
	cr_assert_eq(parse_id("007", 3), 0);
	cr_assert_eq(parse_id("-1", 2), 0);
	cr_assert_eq(parse_id("1e3", 3), 0);
	cr_assert_eq(parse_id("", 0), 0);
	cr_assert_eq(parse_id("9999999999999999999", 19), 0);
}

Test(cookie, finds_the_named_cookie_among_others)
{
	size_t len;
	const char *v = request_cookie_find("a=1; kaptajn_session=abc ; b=2", "kaptajn_session", &len);

	cr_assert_not_null(v);
	cr_assert_eq(len, 3);
	cr_assert_eq(strncmp(v, "abc", 3), 0);
}

Test(cookie, a_longer_name_with_the_same_prefix_is_not_it)
{
	size_t len;

	cr_assert_null(request_cookie_find("kaptajn_session_old=x", "kaptajn_session", &len));
	cr_assert_null(request_cookie_find(NULL, "kaptajn_session", &len));
	cr_assert_null(request_cookie_find("", "kaptajn_session", &len));
}

Test(b64url, round_trips_every_length)
{
	uint8_t in[40], out[40];
	char enc[64];
	size_t n, outlen;

	for (n = 0; n < sizeof(in); n++)
		in[n] = (uint8_t)(n * 37 + 1);
	for (n = 0; n <= sizeof(in); n++) {
		size_t len = kp_b64url_encode(in, n, enc, sizeof(enc));

		cr_assert_eq(kp_b64url_decode(enc, len, out, sizeof(out), &outlen), 0);
		cr_assert_eq(outlen, n);
		cr_assert_eq(memcmp(in, out, n), 0);
	}
}

Test(b64url, refuses_padding_foreign_characters_and_non_canonical_tails)
{
	uint8_t out[16];
	size_t outlen;

	cr_assert_eq(kp_b64url_decode("YQ==", 4, out, sizeof(out), &outlen), -1);
	cr_assert_eq(kp_b64url_decode("Y+Q", 3, out, sizeof(out), &outlen), -1);
	cr_assert_eq(kp_b64url_decode("YR", 2, out, sizeof(out), &outlen), -1);
	cr_assert_eq(kp_b64url_decode("Y", 1, out, sizeof(out), &outlen), -1);
}

Test(cpr, valid_dates_pass_without_modulus_11)
{
	cr_assert(kp_cpr_valid("0703921234", 10));
	cr_assert(kp_cpr_valid("2902000001", 10));
	cr_assert(kp_cpr_valid("3112991235", 10));
}

Test(cpr, impossible_dates_and_wrong_shapes_fail)
{
	cr_assert_not(kp_cpr_valid("3202921234", 10));
	cr_assert_not(kp_cpr_valid("0013921234", 10));
	cr_assert_not(kp_cpr_valid("0000921234", 10));
	cr_assert_not(kp_cpr_valid("070392123", 9));
	cr_assert_not(kp_cpr_valid("070392-1234", 11));
	cr_assert_not(kp_cpr_valid("07039212a4", 10));
}

static void test_keys(struct kp_keys *k)
{
	char path[] = "/tmp/kaptajn-keys-XXXXXX", err[256];
	int fd = mkstemp(path);

	cr_assert_geq(fd, 0);
	close(fd);
	unlink(path);
	cr_assert_eq(kp_keys_generate(path, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(kp_keys_load(k, path, NULL, err, sizeof(err)), 0, "%s", err);
	unlink(path);
}

Test(cpr_cipher, seals_and_opens_with_the_same_row_identity)
{
	struct kp_keys k;
	struct rng *r = rng_new("test");
	uint8_t sealed[KP_CPR_SEALED_LEN];
	char cpr[KP_CPR_LEN + 1];

	test_keys(&k);
	cr_assert_eq(kp_cpr_seal(&k, r, "0703921234", "citizen:1", 9, sealed), 0);
	cr_assert_eq(kp_cpr_open(&k, k.key[0].id, sealed, sizeof(sealed), "citizen:1", 9, cpr), 0);
	cr_assert_str_eq(cpr, "0703921234");
	rng_free(r);
}

Test(cpr_cipher, a_ciphertext_moved_to_another_row_does_not_open)
{
	struct kp_keys k;
	struct rng *r = rng_new("test");
	uint8_t sealed[KP_CPR_SEALED_LEN];
	char cpr[KP_CPR_LEN + 1];

	test_keys(&k);
	cr_assert_eq(kp_cpr_seal(&k, r, "0703921234", "citizen:1", 9, sealed), 0);
	cr_assert_eq(kp_cpr_open(&k, k.key[0].id, sealed, sizeof(sealed), "citizen:2", 9, cpr), -1);
	cr_assert_str_eq(cpr, "");
	sealed[15] ^= 1;
	cr_assert_eq(kp_cpr_open(&k, k.key[0].id, sealed, sizeof(sealed), "citizen:1", 9, cpr), -1);
	rng_free(r);
}

Test(cpr_cipher, the_same_number_seals_differently_each_time)
{
	struct kp_keys k;
	struct rng *r = rng_new("test");
	uint8_t a[KP_CPR_SEALED_LEN], b[KP_CPR_SEALED_LEN];
	uint8_t la[KP_SHA256_LEN], lb[KP_SHA256_LEN];

	test_keys(&k);
	kp_cpr_seal(&k, r, "0703921234", "x", 1, a);
	kp_cpr_seal(&k, r, "0703921234", "x", 1, b);
	cr_assert_neq(memcmp(a, b, sizeof(a)), 0, "a fresh IV each time");
	kp_cpr_lookup(&k, "0703921234", la);
	kp_cpr_lookup(&k, "0703921234", lb);
	cr_assert_eq(memcmp(la, lb, sizeof(la)), 0, "the look-up hash is stable");
	rng_free(r);
}

Test(keys, an_empty_or_short_key_file_is_refused)
{
	char path[] = "/tmp/kaptajn-keys-XXXXXX", err[256];
	struct kp_keys k;
	int fd = mkstemp(path);

	cr_assert_eq(kp_keys_load(&k, path, NULL, err, sizeof(err)), -1);
	cr_assert_eq(write(fd, "abcd\n", 5), 5);
	close(fd);
	cr_assert_eq(kp_keys_load(&k, path, NULL, err, sizeof(err)), -1);
	unlink(path);
	cr_assert_eq(kp_keys_load(&k, path, NULL, err, sizeof(err)), -1);
}

Test(rng, two_generators_give_different_bytes)
{
	struct rng *a = rng_new("p"), *b = rng_new("p");
	uint8_t x[32], y[32];

	cr_assert_eq(rng_bytes(a, x, sizeof(x)), 0);
	cr_assert_eq(rng_bytes(b, y, sizeof(y)), 0);
	cr_assert_neq(memcmp(x, y, sizeof(x)), 0);
	rng_free(a);
	rng_free(b);
}
