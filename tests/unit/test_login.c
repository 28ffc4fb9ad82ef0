/* test_login.c: the pure parts of the OpenID Connect login's front
 * (fcgi/h_login.c) and the sealing of what a session keeps (crypto.c). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crypto.h"
#include "internal.h"

TestSuite(login);

Test(login, return_to_takes_portal_paths)
{
	cr_assert(login_return_to_ok("/", false));
	cr_assert(login_return_to_ok("/#/plan", false));
	cr_assert(login_return_to_ok("/admin/", true));
	cr_assert(login_return_to_ok("/admin/#/citizens/3", true));
}

Test(login, return_to_refuses_what_could_leave_the_portal)
{
	char long_path[600];

	memset(long_path, 'a', sizeof(long_path) - 1);
	long_path[0] = '/';
	long_path[sizeof(long_path) - 1] = '\0';
	cr_assert_not(login_return_to_ok(NULL, false));
	cr_assert_not(login_return_to_ok("", false));
	cr_assert_not(login_return_to_ok("//evil.example/", false));
	cr_assert_not(login_return_to_ok("https://evil.example/", false));
	cr_assert_not(login_return_to_ok("/\\evil.example", false));
	cr_assert_not(login_return_to_ok("/a\nb", false));
	cr_assert_not(login_return_to_ok("/a\x7f", false));
	cr_assert_not(login_return_to_ok("plan", false));
	cr_assert_not(login_return_to_ok(long_path, false));
	/* Staff return only under /admin/. */
	cr_assert_not(login_return_to_ok("/", true));
	cr_assert_not(login_return_to_ok("/#/plan", true));
	cr_assert_not(login_return_to_ok("/administrator", true));
}

Test(login, return_to_of_512_bytes_is_taken_and_of_513_refused)
{
	char p[514];

	memset(p, 'a', sizeof(p));
	p[0] = '/';
	p[512] = '\0';
	cr_assert(login_return_to_ok(p, false));
	p[512] = 'a';
	p[513] = '\0';
	cr_assert_not(login_return_to_ok(p, false));
}

/* ---- sealing ---- */

static const uint8_t key1[32] = {1, 2, 3}, key2[32] = {9};

Test(login, sealed_text_opens_with_its_key_and_aad_only)
{
	const char *msg = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhbm5hIn0.c2ln";
	size_t n = strlen(msg);
	uint8_t sealed[256], out[256];
	struct rng *r = rng_new("test_login");

	cr_assert_not_null(r);
	cr_assert_eq(kp_seal(key1, r, msg, n, "row-1", 5, sealed), 0);
	cr_assert_neq(memcmp(sealed + 12, msg, n), 0, "the text is in clear");
	cr_assert_eq(kp_open(key1, sealed, n + KP_SEAL_OVERHEAD, "row-1", 5, out), 0);
	cr_assert_eq(memcmp(out, msg, n), 0);
	cr_assert_eq(kp_open(key1, sealed, n + KP_SEAL_OVERHEAD, "row-2", 5, out), -1, "another row's");
	cr_assert_eq(kp_open(key2, sealed, n + KP_SEAL_OVERHEAD, "row-1", 5, out), -1, "another key");
	sealed[20] ^= 1;
	cr_assert_eq(kp_open(key1, sealed, n + KP_SEAL_OVERHEAD, "row-1", 5, out), -1, "changed");
	cr_assert_eq(kp_open(key1, sealed, KP_SEAL_OVERHEAD - 1, "row-1", 5, out), -1, "too short");
	rng_free(r);
}

Test(login, the_session_key_is_derived_apart_from_the_cpr_keys)
{
	char path[] = "/tmp/kp-login-test-XXXXXX", err[256];
	const char *hex = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n";
	struct kp_keys k;
	int fd = mkstemp(path);

	cr_assert(fd >= 0);
	cr_assert_eq(write(fd, hex, strlen(hex)), (ssize_t)strlen(hex));
	close(fd);
	cr_assert_eq(kp_keys_load(&k, path, NULL, err, sizeof(err)), 0, "%s", err);
	unlink(path);
	cr_assert_neq(memcmp(k.key[0].session_enc, k.key[0].cpr_enc, 32), 0);
	cr_assert_neq(memcmp(k.key[0].session_enc, k.key[0].cpr_mac, 32), 0);
	cr_assert_neq(memcmp(k.key[0].session_enc, (uint8_t[32]){0}, 32), 0);
	kp_keys_wipe(&k);
}
