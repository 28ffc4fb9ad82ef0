/* fuzz_route.c: the router (route_find in fcgi/route.c) over the real route
 * tables of the three pools. Input: one byte choosing the method (its low
 * three bits) and the table (the next two: citizen, admin, dev IdP), then
 * the path as nginx passes it in DOCUMENT_URI.
 *
 * Properties: a found route is of that table and takes that method (HEAD
 * also finds GET); its {id} parameters are positive and written back into
 * its pattern give the path exactly (so no leading zero, sign, empty or
 * overlong id, and nothing after the pattern, is ever taken); the citizen
 * table never answers an admin path and the admin table nothing else; a
 * miss lists in Allow only methods of routes the path matches. */
#include <stdio.h>
#include <string.h>

#include "fuzz.h"
#include "internal.h"

static const char *const method_names[M__MAX] = {
	[M_GET] = "GET", [M_POST] = "POST", [M_PUT] = "PUT", [M_PATCH] = "PATCH",
	[M_DELETE] = "DELETE", [M_HEAD] = "HEAD", [M_OTHER] = "OTHER",
};

/* The pattern with its {id}s replaced by ids, into out (cap bytes). */
static void render(const char *pattern, const long long ids[2], size_t nids, char *out,
                   size_t cap)
{
	size_t o = 0, k = 0;
	const char *p = pattern;

	while (*p != '\0' && o + 24 < cap) {
		if (strncmp(p, "{id}", 4) == 0) {
			FUZZ_CHECK(k < nids);
			o += (size_t)snprintf(out + o, cap - o, "%lld", ids[k++]);
			p += 4;
		} else {
			out[o++] = *p++;
		}
	}
	out[o] = '\0';
	FUZZ_CHECK(k == nids);
}

/* True when some route of table with this method's name in allow has a
 * pattern that path fits (checked by rendering, as above). */
static int allow_names_only_matching(const struct route *table, size_t n, const char *path,
                                     const char *allow)
{
	char buf[64];
	const char *p = allow;

	while (*p != '\0') {
		size_t len = strcspn(p, ",");
		size_t i;
		int found = 0;

		FUZZ_CHECK(len < sizeof(buf));
		memcpy(buf, p, len);
		buf[len] = '\0';
		for (i = 0; i < n && !found; i++) {
			long long ids[2];
			size_t nids;

			if (strcmp(method_names[table[i].method], buf) == 0 &&
			    route_find(&table[i], 1, table[i].method, path, ids, &nids, NULL, 0) != NULL)
				found = 1;
		}
		if (!found)
			return 0;
		p += len;
		if (*p == ',')
			p += 2;
	}
	return 1;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct {
		const struct route *table;
		const size_t *n;
	} tables[] = {
		{citizen_routes, &citizen_nroutes},
		{admin_routes, &admin_nroutes},
		{devidp_routes, &devidp_nroutes},
	};
	const struct route *table, *rt;
	enum http_method method;
	long long ids[2] = {0, 0};
	size_t n, nids = 99, which;
	char allow[64], back[4096], *path;

	if (size < 1)
		return 0;
	method = (enum http_method)((data[0] & 7) % M__MAX);
	which = (size_t)((data[0] >> 3) & 3) % (sizeof(tables) / sizeof(tables[0]));
	table = tables[which].table;
	n = *tables[which].n;
	path = fuzz_str(data + 1, size - 1);

	rt = route_find(table, n, method, path, ids, &nids, allow, sizeof(allow));
	if (rt != NULL) {
		FUZZ_CHECK(rt >= table && rt < table + n);
		FUZZ_CHECK(rt->method == method || (method == M_HEAD && rt->method == M_GET));
		FUZZ_CHECK(nids <= 2);
		FUZZ_CHECK(nids == 0 || ids[0] > 0);
		FUZZ_CHECK(nids < 2 || ids[1] > 0);
		render(rt->pattern, ids, nids, back, sizeof(back));
		FUZZ_CHECK(strcmp(back, path) == 0);
		if (table == citizen_routes)
			FUZZ_CHECK(strncmp(path, "/api/v1/", 8) == 0);
		if (table == admin_routes)
			FUZZ_CHECK(strncmp(path, "/admin/api/v1/", 14) == 0);
	} else {
		FUZZ_CHECK(nids == 0);
		FUZZ_CHECK(strlen(allow) < sizeof(allow));
		FUZZ_CHECK(allow_names_only_matching(table, n, path, allow));
	}
	free(path);
	return 0;
}
