/* test_respond.c: the front's one table from core's outcomes to what the
 * client is told (fcgi/respond.c). */
#include <criterion/criterion.h>
#include <string.h>

#include "internal.h"

Test(respond, every_outcome_has_a_status_code_and_message)
{
	int i;

	cr_assert(respond_outcomes_check());
	for (i = 0; i < KP_ERR__MAX; i++) {
		const struct respond_outcome *o = respond_outcome((enum kp_err)i);

		if (i == KP_OK)
			cr_assert_eq(o->status, 200);
		else
			cr_assert(o->status >= 400 && o->status <= 599, "outcome %d (%s): status %d", i,
			          kp_strerror((enum kp_err)i), o->status);
		cr_assert(o->code != NULL && *o->code != '\0', "outcome %d has no code", i);
		cr_assert(o->message != NULL && *o->message != '\0', "outcome %d has no message", i);
	}
}

Test(respond, a_value_that_is_no_outcome_is_answered_as_an_internal_error)
{
	const struct respond_outcome *o = respond_outcome(KP_ERR__MAX);

	cr_assert_eq(o->status, 500);
	cr_assert_str_eq(o->code, "internal_error");
	o = respond_outcome((enum kp_err)-1);
	cr_assert_eq(o->status, 500);
}

/* The statuses of the HTTP contract (API.md), and the default codes the
 * answers have always carried. */
Test(respond, each_outcome_keeps_the_status_and_code_of_the_contract)
{
	static const struct {
		enum kp_err err;
		int status;
		const char *code;
	} want[] = {
		{KP_EINVAL, 400, "bad_request"},
		{KP_EAUTH, 401, "unauthorized"},
		{KP_EFORBIDDEN, 403, "forbidden"},
		{KP_ENOTFOUND, 404, "not_found"},
		{KP_EMETHOD, 405, "method_not_allowed"},
		{KP_ECONFLICT, 409, "conflict"},
		{KP_ESTALE, 412, "precondition_failed"},
		{KP_ETOOBIG, 413, "payload_too_large"},
		{KP_EMEDIA, 415, "unsupported_media_type"},
		{KP_ERATE, 429, "rate_limited"},
		{KP_EINTERNAL, 500, "internal_error"},
		{KP_EUNAVAIL, 503, "service_unavailable"},
		{KP_ERETRY, 503, "service_unavailable"},
	};
	size_t i;

	cr_assert_eq(sizeof(want) / sizeof(want[0]), KP_ERR__MAX - 1, "every error is named here");
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const struct respond_outcome *o = respond_outcome(want[i].err);

		cr_assert_eq(o->status, want[i].status, "%s", want[i].code);
		cr_assert_str_eq(o->code, want[i].code);
	}
}
