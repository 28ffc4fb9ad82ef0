/* test_outbox.c: the outbox's pure parts (core/outbox.c, outbox_send.c):
 * the retry schedule, what a delivery's end means, the addresses and
 * numbers a citizen may give, and the message itself. */
#include <criterion/criterion.h>
#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>

#include "outbox.h"

TestSuite(outbox);

Test(outbox, test_outbox_retry_waits_first_then_doubles_up_to_the_cap)
{
	static const long want[] = {30, 60, 120, 240, 480, 960, 1920, 3600, 3600, 3600};
	int i;

	for (i = 0; i < 10; i++)
		cr_assert_eq(outbox_retry_delay(i + 1, 30, 3600), want[i], "attempt %d: %ld", i + 1,
		             outbox_retry_delay(i + 1, 30, 3600));
}

Test(outbox, test_outbox_retry_never_overflows_nor_goes_below_one_second)
{
	cr_assert_eq(outbox_retry_delay(1000000, 30, 3600), 3600);
	cr_assert_eq(outbox_retry_delay(0, 30, 3600), 30);
	cr_assert_eq(outbox_retry_delay(-5, 30, 3600), 30);
	cr_assert_eq(outbox_retry_delay(3, 0, 3600), 4);
	cr_assert_eq(outbox_retry_delay(3, 30, 0), 1);
	cr_assert_eq(outbox_retry_delay(80, 1, 86400), 86400);
}

Test(outbox, test_outbox_smtp_failure_before_data_is_retried)
{
	cr_assert_eq(outbox_smtp_result(CURLE_OK, 250, true), OUTBOX_SENT);
	cr_assert_eq(outbox_smtp_result(CURLE_COULDNT_CONNECT, 0, false), OUTBOX_RETRY);
	cr_assert_eq(outbox_smtp_result(CURLE_LOGIN_DENIED, 535, false), OUTBOX_RETRY);
	cr_assert_eq(outbox_smtp_result(CURLE_SEND_ERROR, 550, false), OUTBOX_RETRY);
	cr_assert_eq(outbox_smtp_result(CURLE_OPERATION_TIMEDOUT, 0, false), OUTBOX_RETRY);
	/* The server refused the message at its end: it did not take it. */
	cr_assert_eq(outbox_smtp_result(CURLE_WEIRD_SERVER_REPLY, 451, true), OUTBOX_RETRY);
}

Test(outbox, test_outbox_smtp_lost_after_data_is_unknown_never_retried)
{
	cr_assert_eq(outbox_smtp_result(CURLE_RECV_ERROR, 354, true), OUTBOX_UNKNOWN);
	cr_assert_eq(outbox_smtp_result(CURLE_OPERATION_TIMEDOUT, 354, true), OUTBOX_UNKNOWN);
	cr_assert_eq(outbox_smtp_result(CURLE_SEND_ERROR, 354, true), OUTBOX_UNKNOWN);
	cr_assert_eq(outbox_smtp_result(CURLE_WEIRD_SERVER_REPLY, 0, true), OUTBOX_UNKNOWN);
}

Test(outbox, test_outbox_sms_gateway_answers)
{
	cr_assert_eq(outbox_sms_result(CURLE_OK, 200, true), OUTBOX_SENT);
	cr_assert_eq(outbox_sms_result(CURLE_OK, 202, true), OUTBOX_SENT);
	cr_assert_eq(outbox_sms_result(CURLE_OK, 503, true), OUTBOX_RETRY);
	cr_assert_eq(outbox_sms_result(CURLE_OK, 429, true), OUTBOX_RETRY);
	cr_assert_eq(outbox_sms_result(CURLE_OK, 400, true), OUTBOX_FAILED);
	cr_assert_eq(outbox_sms_result(CURLE_OK, 301, true), OUTBOX_FAILED);
	cr_assert_eq(outbox_sms_result(CURLE_COULDNT_CONNECT, 0, false), OUTBOX_RETRY);
	cr_assert_eq(outbox_sms_result(CURLE_OPERATION_TIMEDOUT, 0, true), OUTBOX_UNKNOWN);
}

Test(outbox, test_outbox_email_addresses_taken_and_refused)
{
	static const char *const good[] = {"anna@example.dk", "a.b+c@sub.example.dk",
	                                   "x_y-z@a-b.dk", "o'brien@example.ie"};
	static const char *const bad[] = {
		"", "anna", "anna@", "@example.dk", "anna@example", "anna@@example.dk",
		"an na@example.dk", "<anna@example.dk>", "anna@example.dk\r\nBcc: x@y.dk",
		"anna@example.dk\n", ".anna@example.dk", "anna.@example.dk", "an..na@example.dk",
		"anna@-example.dk", "anna@example-.dk", "anna@example..dk", "anna@example.dk.",
		"ånna@example.dk", "anna@exåmple.dk", "\"anna\"@example.dk", "anna@[127.0.0.1]",
		"anna@example.dk>", "anna,b@example.dk", "anna;b@example.dk"};
	char long_local[80], long_all[300];
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		cr_assert(outbox_email_ok(good[i]), "refused %s", good[i]);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert(!outbox_email_ok(bad[i]), "took %s", bad[i]);
	cr_assert(!outbox_email_ok(NULL));
	memset(long_local, 'a', 65);
	strcpy(long_local + 65, "@example.dk");
	cr_assert(!outbox_email_ok(long_local));
	memset(long_all, 'a', 250);
	strcpy(long_all + 10, "@");
	memcpy(long_all + 250, ".dk", 4);
	cr_assert(!outbox_email_ok(long_all));
}

Test(outbox, test_outbox_danish_numbers_normalised_others_refused)
{
	static const char *const good[][2] = {{"12345678", "+4512345678"},
	                                      {"+4512345678", "+4512345678"},
	                                      {"+45 12 34 56 78", "+4512345678"},
	                                      {"0045 12345678", "+4512345678"},
	                                      {" 20 30 40 50", "+4520304050"}};
	static const char *const bad[] = {"", "1234567", "123456789", "+46 12345678",
	                                  "1234567a", "+45", "12-34-56-78", "+4512345678 9",
	                                  "4512345678", "12345678\n"};
	char out[OUTBOX_PHONE_MAX];
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		cr_assert(outbox_phone_norm(good[i][0], out), "refused %s", good[i][0]);
		cr_assert_str_eq(out, good[i][1]);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert(!outbox_phone_norm(bad[i], out), "took %s", bad[i]);
	cr_assert(!outbox_phone_norm(NULL, out));
}

Test(outbox, test_outbox_mail_has_headers_and_only_the_fixed_text)
{
	char *m = outbox_mail_build(42, "kaptajn@kommune.dk", "anna@example.dk",
	                            "https://kaptajn.kommune.dk", 1796000000, "0123abcd");
	const char *body, *line;

	cr_assert_not_null(m);
	cr_assert(strstr(m, "Date: ") == m, "%s", m);
	cr_assert_not_null(strstr(m, "\r\nFrom: Kaptajn <kaptajn@kommune.dk>\r\n"));
	cr_assert_not_null(strstr(m, "\r\nTo: <anna@example.dk>\r\n"));
	cr_assert_not_null(strstr(m, "\r\nSubject: Nyt i Kaptajn\r\n"));
	cr_assert_not_null(strstr(m, "\r\nMessage-ID: <kaptajn.42.0123abcd@kommune.dk>\r\n"));
	cr_assert_not_null(strstr(m, "\r\nContent-Transfer-Encoding: quoted-printable\r\n"));
	cr_assert_not_null(strstr(m, "+0000\r\n"));
	body = strstr(m, "\r\n\r\n");
	cr_assert_not_null(body);
	body += 4;
	cr_assert(strncmp(body, "Der er nyt i Kaptajn.\r\n", 23) == 0, "%s", body);
	cr_assert_not_null(strstr(body, "https://kaptajn.kommune.dk/\r\n"));
	cr_assert_not_null(strstr(body, "p=C3=A5"));
	/* 7-bit, CRLF only, no line over 78 characters. */
	for (line = m; *line != '\0';) {
		const char *end = strstr(line, "\r\n");

		cr_assert_not_null(end, "a line without CRLF");
		cr_assert(end - line <= 78, "a line of %zu", (size_t)(end - line));
		for (const char *p = line; p < end; p++)
			cr_assert((unsigned char)*p >= 32 && (unsigned char)*p < 127, "byte %02x",
			          (unsigned char)*p);
		line = end + 2;
	}
	free(m);
}

Test(outbox, test_outbox_mail_refuses_a_bad_address_or_token)
{
	cr_assert_null(outbox_mail_build(1, "kaptajn@kommune.dk", "a@b.dk\r\nBcc: c@d.dk",
	                                 "https://k.dk", 0, "t"));
	cr_assert_null(outbox_mail_build(1, "kaptajn", "a@b.dk", "https://k.dk", 0, "t"));
	cr_assert_null(outbox_mail_build(1, "kaptajn@kommune.dk", "a@b.dk", "https://k.dk", 0,
	                                 "t>\r\nBcc: x"));
}

Test(outbox, test_outbox_sms_body_is_the_number_and_the_fixed_text)
{
	char *b = outbox_sms_build("+4512345678", "https://kaptajn.kommune.dk");

	cr_assert_str_eq(b, "{\"to\":\"+4512345678\",\"text\":\"Der er nyt i Kaptajn: "
	                    "https://kaptajn.kommune.dk/\"}");
	free(b);
}
