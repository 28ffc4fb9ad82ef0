/* test_login_db.c: session_login_claims (core/session.c), the code flow's
 * way to open a session, against a real MariaDB: the staff member is found
 * by (issuer, subject) byte for byte, the role claim is compared only when
 * configured, an inactive member is refused, the nonce is used once, and
 * the ID token is kept sealed for the logout. Each test makes staff rows
 * of its own (TEST_STAFF_ISSUER, a subject no other run has). Skipped when
 * KAPTAJN_TEST_CONFIG is not set. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dbtest.h"
#include "session.h"

static struct kp_config cfg;
static struct db *db;
static struct arena *a;
static struct rng *rng;
static struct kp_keys keys;
static struct token_policy policy = {.issuer = TEST_STAFF_ISSUER, .audience = "kaptajn-admin",
                                     .max_lifetime = 3600};
static struct login_ctx lc;
static char sub[128];

#define ID_TOKEN "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJtZXR0ZSJ9.c2lnbmF0dXJl"

static void setup(void)
{
	static int n;

	dbtest_open(&cfg, &db, &a);
	cr_assert_not_null(rng = rng_new("test_login_db"));
	memset(&keys, 0x5a, sizeof(keys));
	keys.key[0].id[KP_KEY_ID_LEN] = '\0';
	keys.n = 1;
	lc = (struct login_ctx){db, rng, &keys, NULL, &policy};
	policy.role_claim = NULL;
	snprintf(sub, sizeof(sub), "Mette-%ld-%lld-%d", (long)getpid(), (long long)time(NULL), n++);
}

static void teardown(void)
{
	rng_free(rng);
	dbtest_close(&cfg, db, a);
}

TestSuite(login_db, .init = setup, .fini = teardown);

/* A staff row (issuer, subject s, role); its id. */
static long long staff_put(const char *s, const char *role, bool active)
{
	unsigned long long id = 0;

	cr_assert_eq(db_exec(db, DB_STAFF_INSERT,
	                     DB_ARGS(DB_STR(TEST_STAFF_ISSUER), DB_STR(s), DB_STR("Mette Test"),
	                             DB_STR(role), DB_STR("Sagsbehandler"), DB_STR(""), DB_STR(""),
	                             DB_I64(active), DB_STR("")),
	                     NULL, &id),
	             KP_OK);
	return (long long)id;
}

/* Verified claims of subject s with role claim role. */
static struct token_claims claims_of(const char *s, const char *role)
{
	struct token_claims c;

	memset(&c, 0, sizeof(c));
	snprintf(c.iss, sizeof(c.iss), "%s", TEST_STAFF_ISSUER);
	snprintf(c.sub, sizeof(c.sub), "%s", s);
	snprintf(c.role, sizeof(c.role), "%s", role);
	c.exp = (long long)time(NULL) + 300;
	return c;
}

/* A fresh nonce for each login. */
static const char *nonce(void)
{
	static int n;

	return arena_printf(a, "nonce-%s-%d", sub, n++);
}

static enum kp_err login(const struct token_claims *c, const char *id_token,
                         struct session_new *out, struct kp_actor *who, struct kp_fail *f)
{
	return session_login_claims(&lc, a, KP_ACTOR_STAFF, c, nonce(), id_token, time(NULL), out,
	                            who, f);
}

/* Asserts that the staff login of subject s with role claim role is
 * refused as unknown_staff. */
static void refused_staff(const char *s, const char *role)
{
	struct token_claims c = claims_of(s, role);
	struct session_new out;
	struct kp_actor who;
	struct kp_fail f = {0};

	cr_assert_eq(login(&c, NULL, &out, &who, &f), KP_EAUTH, "%s logged in", s);
	cr_assert_str_eq(f.code, "unknown_staff");
}

Test(login_db, staff_found_by_issuer_and_subject_opens_a_session_that_keeps_the_id_token)
{
	long long id = staff_put(sub, "caseworker", true);
	struct token_claims c = claims_of(sub, "");
	struct session_new out;
	struct kp_actor who;
	struct kp_fail f = {0};
	struct session s;

	cr_assert_eq(login(&c, ID_TOKEN, &out, &who, &f), KP_OK, "%s", f.code);
	cr_assert_eq(who.id, id);
	cr_assert_str_eq(who.role, "caseworker");
	cr_assert_eq(session_find(db, a, KP_ACTOR_STAFF, out.cookie, strlen(out.cookie), time(NULL),
	                          &s),
	             KP_OK);
	cr_assert_str_eq(session_id_token(db, a, &keys, &s), ID_TOKEN);
	/* Under another key it does not open. */
	{
		struct kp_keys other = keys;

		other.key[0].session_enc[0] ^= 1;
		cr_assert_null(session_id_token(db, a, &other, &s));
	}
}

Test(login_db, a_subject_that_differs_in_case_or_a_trailing_space_is_refused)
{
	char upper[sizeof(sub)], spaced[sizeof(sub) + 1];
	size_t i;

	staff_put(sub, "caseworker", true);
	for (i = 0; sub[i] != '\0'; i++)
		upper[i] = (char)(sub[i] >= 'a' && sub[i] <= 'z' ? sub[i] - 32 : sub[i]);
	upper[i] = '\0';
	snprintf(spaced, sizeof(spaced), "%s ", sub);
	refused_staff(upper, "");
	refused_staff(spaced, "");
}

Test(login_db, an_inactive_staff_member_is_refused)
{
	staff_put(sub, "caseworker", false);
	refused_staff(sub, "");
}

Test(login_db, the_role_claim_is_compared_only_when_configured)
{
	struct token_claims c = claims_of(sub, "contact");
	struct session_new out;
	struct kp_actor who;
	struct kp_fail f = {0};

	staff_put(sub, "caseworker", true);
	cr_assert_eq(login(&c, NULL, &out, &who, &f), KP_OK, "%s", f.code);
	policy.role_claim = "role";
	refused_staff(sub, "contact");
	c = claims_of(sub, "caseworker");
	cr_assert_eq(login(&c, NULL, &out, &who, &f), KP_OK, "%s", f.code);
}

Test(login_db, the_same_issuer_and_nonce_logs_in_once)
{
	struct token_claims c = claims_of(sub, "");
	struct session_new out;
	struct kp_actor who;
	struct kp_fail f = {0};
	const char *n = nonce();

	staff_put(sub, "caseworker", true);
	cr_assert_eq(session_login_claims(&lc, a, KP_ACTOR_STAFF, &c, n, NULL, time(NULL), &out,
	                                  &who, &f),
	             KP_OK);
	cr_assert_eq(session_login_claims(&lc, a, KP_ACTOR_STAFF, &c, n, NULL, time(NULL), &out,
	                                  &who, &f),
	             KP_EAUTH);
	cr_assert_str_eq(f.code, "invalid_token");
}

Test(login_db, a_citizen_without_a_valid_cpr_number_is_refused_before_any_lookup)
{
	struct token_claims c = claims_of(sub, "");
	struct session_new out;
	struct kp_actor who;
	struct kp_fail f = {0};

	cr_assert_eq(session_login_claims(&lc, a, KP_ACTOR_CITIZEN, &c, nonce(), NULL, time(NULL),
	                                  &out, &who, &f),
	             KP_EAUTH);
	cr_assert_str_eq(f.code, "invalid_token");
}
