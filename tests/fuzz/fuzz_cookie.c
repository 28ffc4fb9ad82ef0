/* fuzz_cookie.c: the session cookie parser (request_cookie_find in
 * fcgi/request.c) on any Cookie header, and the CSRF token check
 * (session_csrf_ok) on any X-CSRF-Token value. Input: one byte choosing
 * the cookie's name (citizen, staff, or the first line of the rest), then
 * the header.
 *
 * Properties: the value found is that of the first cookie called name (the
 * cookies being the parts between ';', blanks before each skipped): right
 * after "name=", up to the next ';', without trailing blanks; none when no
 * cookie has that name. The CSRF check takes exactly the session's token. */
#include <string.h>

#include "fuzz.h"
#include "internal.h"
#include "session.h"

/* The CSRF token of the fuzzed session: 43 base64url characters. */
static const char csrf_token[] = "c3JmLXRva2VuLW9mLXRoZS1mdXp6ZWQtc2Vzc2lvbi0";
static struct session sess;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	FUZZ_CHECK(strlen(csrf_token) == SESSION_TOKEN_LEN);
	kp_sha256(csrf_token, SESSION_TOKEN_LEN, sess.csrf_hash);
	return 0;
}

/* Where the first cookie called name starts in header, or -1: the cookies
 * are the parts between ';', each after the blanks that lead it. Written
 * apart from the parser, as the statement it must meet. */
static long first_named(const char *header, const char *name)
{
	size_t i = 0, nlen = strlen(name);
	const char *semi;

	for (;;) {
		while (header[i] == ' ' || header[i] == '\t')
			i++;
		if (strncmp(header + i, name, nlen) == 0 && header[i + nlen] == '=')
			return (long)i;
		if ((semi = strchr(header + i, ';')) == NULL)
			return -1;
		i = (size_t)(semi - header) + 1;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *name, *v, *want;
	char *header, *custom = NULL;
	size_t len = 9999, wlen;
	long at;

	if (size < 1)
		return 0;
	header = fuzz_str(data + 1, size - 1);
	switch (data[0] % 3) {
	case 0:
		name = SESSION_COOKIE;
		break;
	case 1:
		name = SESSION_COOKIE_STAFF;
		break;
	default: {
		/* A name of the input's own: its first line (no '=' or ';'). */
		size_t n = strcspn(header, "\n=;");

		custom = fuzz_str((const uint8_t *)header, n);
		name = custom;
		if (header[n] == '\n')
			memmove(header, header + n + 1, strlen(header + n + 1) + 1);
		break;
	}
	}

	v = request_cookie_find(header, name, &len);
	at = first_named(header, name);
	if (at < 0) {
		FUZZ_CHECK(v == NULL);
	} else {
		/* The value: after "name=", up to the next ';', without the
		 * blanks that end it. */
		want = header + at + strlen(name) + 1;
		wlen = strcspn(want, ";");
		while (wlen > 0 && (want[wlen - 1] == ' ' || want[wlen - 1] == '\t'))
			wlen--;
		FUZZ_CHECK(v == want);
		FUZZ_CHECK(len == wlen);
		FUZZ_CHECK(v + len <= header + strlen(header));
	}

	/* The CSRF check takes the token and nothing else. */
	FUZZ_CHECK(session_csrf_ok(&sess, (const char *)data, size) ==
	           (size == SESSION_TOKEN_LEN && memcmp(data, csrf_token, size) == 0));

	free(custom);
	free(header);
	return 0;
}
