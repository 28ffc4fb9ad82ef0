/* fuzz_json.c: JSON request bodies as a worker checks them (request_json in
 * fcgi/request.c: jansson's parser, then validate_body in core/validate.c)
 * against the body fields of every route that takes one, citizen and
 * admin; a valid meeting body also goes through meeting_check, as the
 * handler's does. Input: one byte choosing the route (in table order:
 * the citizen routes with a JSON body, then the admin ones), then the body.
 *
 * Properties: an accepted body is an object with only the route's fields,
 * every required one present, not null, and a string where the handler
 * reads one (handlers rely on that); a refused one has one of the
 * validator's codes and a message that is valid UTF-8 of bounded length,
 * so the error answer can always carry it. */
#include <string.h>

#include "fuzz.h"
#include "internal.h"
#include "meeting.h"

#define MAX_JSON_ROUTES 64

static const struct route *routes[MAX_JSON_ROUTES];
static size_t nroutes;
static struct arena *arena;

static void add_routes(const struct route *table, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((table[i].flags & R_JSON) && nroutes < MAX_JSON_ROUTES)
			routes[nroutes++] = &table[i];
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	add_routes(citizen_routes, citizen_nroutes);
	add_routes(admin_routes, admin_nroutes);
	FUZZ_CHECK(nroutes > 0);
	if ((arena = arena_new()) == NULL)
		abort();
	return 0;
}

/* A refusal the client can be told about: a known code, a message that
 * jansson takes as a string (valid UTF-8) and that is not unbounded. */
static void check_refusal(const struct kp_fail *f)
{
	static const char *const codes[] = {"invalid_json", "unknown_field", "missing_field",
	                                    "invalid_field"};
	json_t *msg;
	size_t i;

	FUZZ_CHECK(f->code != NULL && f->message != NULL);
	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		if (strcmp(f->code, codes[i]) == 0)
			break;
	FUZZ_CHECK(i < sizeof(codes) / sizeof(codes[0]));
	FUZZ_CHECK(strlen(f->message) < 512);
	FUZZ_CHECK((msg = json_string(f->message)) != NULL);
	json_decref(msg);
}

/* An accepted body holds the route's fields only, the required ones set;
 * text and enum members are strings. */
static void check_accepted(const struct route *rt, json_t *body)
{
	const char *key;
	json_t *v;
	size_t i;

	FUZZ_CHECK(json_is_object(body));
	json_object_foreach(body, key, v) {
		for (i = 0; i < rt->nbody; i++)
			if (strcmp(rt->body[i].name, key) == 0)
				break;
		FUZZ_CHECK(i < rt->nbody);
	}
	for (i = 0; i < rt->nbody; i++) {
		const struct vfield *f = &rt->body[i];

		v = json_object_get(body, f->name);
		if (f->required)
			FUZZ_CHECK(v != NULL && !json_is_null(v));
		if (v == NULL || json_is_null(v))
			continue;
		if (f->type == V_TEXT || f->type == V_ENUM)
			FUZZ_CHECK(json_string_value(v) != NULL);
		if (f->type == V_INT)
			FUZZ_CHECK(json_integer_value(v) >= f->min && json_integer_value(v) <= f->max);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct route *rt;
	struct kp_fail f = {NULL, NULL};
	json_t *body = NULL;
	enum kp_err err;

	if (size < 1)
		return 0;
	rt = routes[data[0] % nroutes];
	err = request_json(arena, (const char *)data + 1, size - 1, rt, &body, &f);
	if (err == KP_OK) {
		check_accepted(rt, body);
		if (rt->fn == h_admin_meeting_create) {
			struct meeting_in in;
			struct kp_fail mf = {NULL, NULL};

			h_admin_meeting_body(body, &in);
			if (meeting_check(arena, &in, &mf) != KP_OK)
				check_refusal(&mf);
		}
	} else {
		FUZZ_CHECK(err == KP_EINVAL);
		check_refusal(&f);
		FUZZ_CHECK(body != NULL || strcmp(f.code, "invalid_json") == 0);
	}
	json_decref(body);
	arena_reset(arena);
	return 0;
}
