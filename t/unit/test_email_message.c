/*
 * test_email_message.c: unit tests for mod_shop_email/email_message.c: which
 * addresses are sent to, "Name <address>" parsing, and header values that
 * cannot add headers (CR/LF, quotes, RFC 2047 for non-ASCII, long values folded).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "apr_general.h"
#include "apr_strings.h"
#include "email.h"

static apr_pool_t *pool;                /* the tests' strings, for the whole run */

static void addresses_checked(void **state)
{
    static const char *const good[] = {
        "a@b.test", "first.last+tag@sub.example.com", "o'neil@x-y.org", "x@localhost", NULL
    };
    static const char *const bad[] = {
        "", "plain", "@x.test", "a@", "a@@b.test", "a b@c.test", "a@b .test", "<a@b.test>",
        "a@b.test\r\nBcc: c@d.test", "a\n@b.test", ".a@b.test", "a.@b.test", "a..b@c.test",
        "a@-b.test", "a@b-.test", "a@b..test", "a@b.test.", "\xc3\xa9@b.test", "a@b_c.test",
        NULL
    };
    const char *const *s;

    for (s = good; *s; s++)
        assert_true(mail_address_valid(*s));
    for (s = bad; *s; s++)
        assert_false(mail_address_valid(*s));
    assert_false(mail_address_valid(NULL));
}

static void from_parsed(void **state)
{
    apr_pool_t *p = pool;
    mail_address_t a;

    assert_null(mail_address_parse(p, "Shop <shop@example.test>", &a));
    assert_string_equal(a.name, "Shop");
    assert_string_equal(a.addr, "shop@example.test");
    assert_null(mail_address_parse(p, "\"The Shop\" <shop@example.test>", &a));
    assert_string_equal(a.name, "The Shop");
    assert_null(mail_address_parse(p, "shop@example.test", &a));
    assert_string_equal(a.name, "");
    assert_non_null(mail_address_parse(p, "Shop <shop@example.test", &a));
    assert_non_null(mail_address_parse(p, "Shop <shop@example.test> x", &a));
    assert_non_null(mail_address_parse(p, "Shop <not an address>", &a));
}

/* The header block of a message to name/subject. */
static const char *headers(apr_pool_t *p, const char *name, const char *subject)
{
    mail_t m = { .to = { name, "to@example.test" }, .subject = subject, .text = "t\n",
                 .html = "<p>h</p>", .event_id = "order.created:1" };
    const char *msg;

    assert_null(mail_address_parse(p, "Shop <shop@example.test>", &m.from));
    msg = mail_message(p, &m, apr_time_from_sec(0));
    return apr_pstrndup(p, msg, strstr(msg, "\r\n\r\n") - msg + 2);
}

static void headers_safe(void **state)
{
    apr_pool_t *p = pool;
    const char *h = headers(p, "Eve\r\nBcc: x@y.test", "Hi\r\nX-Evil: 1\n");

    assert_non_null(strstr(h, "\r\nTo: \"Eve  Bcc: x@y.test\" <to@example.test>\r\n"));
    assert_non_null(strstr(h, "\r\nSubject: Hi  X-Evil: 1\r\n"));
    assert_null(strstr(h, "\r\nBcc:"));
    assert_null(strstr(h, "\r\nX-Evil:"));
    assert_non_null(strstr(h, "Date: Thu, 01 Jan 1970 00:00:00 +0000\r\n"));
    assert_non_null(strstr(h, "From: \"Shop\" <shop@example.test>\r\n"));
    assert_non_null(strstr(h, "Message-ID: <"));
    assert_non_null(strstr(h, ".event@example.test>\r\n"));
    h = headers(p, "Say \"hi\" \\o/", "Plain");
    assert_non_null(strstr(h, "To: \"Say \\\"hi\\\" \\\\o/\" <to@example.test>\r\n"));
    h = headers(p, "", "Plain");
    assert_non_null(strstr(h, "To: <to@example.test>\r\n"));
}

static void non_ascii_encoded(void **state)
{
    apr_pool_t *p = pool;
    /* "Zoë" and a subject of 40 "é" (80 bytes: two words, none splitting a character) */
    const char *h = headers(p, "Zo\xc3\xab", apr_pstrcat(p, "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
                            "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
                            "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
                            "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
                            "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", NULL));

    assert_non_null(strstr(h, "To: =?UTF-8?B?Wm/Dqw==?= <to@example.test>\r\n"));
    /* 22 characters (44 bytes) in the first word, 18 in the second, folded */
    assert_non_null(strstr(h, "Subject: =?UTF-8?B?"));
    assert_non_null(strstr(h, "?=\r\n =?UTF-8?B?"));
    h = headers(p, "Plain", "looks =?UTF-8?B?encoded?=");
    assert_non_null(strstr(h, "Subject: =?UTF-8?B?"));
}

static void long_values_folded(void **state)
{
    apr_pool_t *p = pool;
    char *subject = apr_palloc(p, 3001), *line, *last;
    const char *h;

    memset(subject, 'x', 3000);
    subject[3000] = '\0';
    h = headers(p, subject, subject);
    assert_non_null(strstr(h, "Subject: =?UTF-8?B?"));
    assert_non_null(strstr(h, "To: =?UTF-8?B?"));
    for (line = apr_strtok(apr_pstrdup(p, h), "\r\n", &last); line;
         line = apr_strtok(NULL, "\r\n", &last))
        assert_true(strlen(line) <= 998);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(addresses_checked),
        cmocka_unit_test(from_parsed),
        cmocka_unit_test(headers_safe),
        cmocka_unit_test(non_ascii_encoded),
        cmocka_unit_test(long_values_folded),
    };

    apr_initialize();
    apr_pool_create(&pool, NULL);
    return cmocka_run_group_tests_name("email_message", tests, NULL, NULL);
}
