/* test_message.c: the pure logic of core/message.c: which client keys a
 * message may carry. */
#include <criterion/criterion.h>
#include <string.h>

#include "message.h"

static bool key_ok(const char *k)
{
	return message_key_ok(k, strlen(k));
}

Test(message, key_of_letters_digits_dash_and_underscore_is_taken)
{
	cr_assert(key_ok("a"));
	cr_assert(key_ok("3f2a9c1e-77b0-4d7e-9a51-0c7d2e8f1a6b"));
	cr_assert(key_ok("Draft_7-x"));
}

Test(message, key_of_64_bytes_is_taken_and_65_refused)
{
	char k[MESSAGE_KEY_MAX + 2];

	memset(k, 'k', sizeof(k) - 1);
	k[MESSAGE_KEY_MAX + 1] = '\0';
	cr_assert_not(key_ok(k));
	k[MESSAGE_KEY_MAX] = '\0';
	cr_assert(key_ok(k));
}

Test(message, empty_key_is_refused)
{
	cr_assert_not(message_key_ok("", 0));
}

Test(message, key_with_space_slash_dot_or_letter_outside_ascii_is_refused)
{
	cr_assert_not(key_ok("a b"));
	cr_assert_not(key_ok("a/b"));
	cr_assert_not(key_ok("a.b"));
	cr_assert_not(key_ok("n\xc3\xb8gle"));
	cr_assert_not(key_ok("a\nb"));
}

Test(message, key_with_a_nul_inside_its_length_is_refused)
{
	cr_assert_not(message_key_ok("ab\0cd", 5));
}
