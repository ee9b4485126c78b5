/*
 * test_parse.c: unit tests for common/shop_parse.c (broker lists, route patterns).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "apr_general.h"
#include "shop_parse.h"

static int setup(void **state)
{
    apr_pool_t *p;

    apr_pool_create(&p, NULL);
    *state = p;
    return 0;
}

static int teardown(void **state)
{
    apr_pool_destroy(*state);
    return 0;
}

static void brokers_accepted(void **state)
{
    assert_null(shop_parse_brokers(*state, "127.0.0.1:9092"));
    assert_null(shop_parse_brokers(*state, "a:1, b.example:65535 ,[::1]:9092"));
    assert_null(shop_parse_brokers(*state, "a:1,,b:2,"));
}

static void brokers_refused(void **state)
{
    static const char *const bad[] = {
        "", ",", " , ", "host", "host:", ":9092", "host:0", "host:65536", "host:9x", "host:-1",
        "a:1,b", NULL
    };
    const char *const *list;

    for (list = bad; *list; list++) {
        const char *error = shop_parse_brokers(*state, *list);
        if (!error)
            fail_msg("'%s' was accepted", *list);
    }
    assert_string_equal(shop_parse_brokers(*state, "a:1,b"), "'b' is not host:port");
    assert_string_equal(shop_parse_brokers(*state, " , "),
                        "the broker list is empty; give host:port[,host:port...]");
}

static void http_urls_checked(void **state)
{
    assert_true(shop_is_http_url(*state, "https://idp.example/.well-known/jwks.json", 0));
    assert_true(shop_is_http_url(*state, "HTTP://127.0.0.1:8080", 0));
    assert_true(shop_is_http_url(*state, "https://shop.example:8443", 1));
    assert_false(shop_is_http_url(*state, "https://shop.example/", 1));
    assert_false(shop_is_http_url(*state, "https://shop.example?x=1", 1));
    assert_false(shop_is_http_url(*state, "https://", 0));
    assert_false(shop_is_http_url(*state, "http:///path", 0));
    assert_false(shop_is_http_url(*state, "ftp://files.example/x", 0));
    assert_false(shop_is_http_url(*state, "javascript:alert(1)", 0));
    assert_false(shop_is_http_url(*state, "/images/a.png", 0));
    assert_false(shop_is_http_url(*state, "", 0));
}

static void paths_match_exactly(void **state)
{
    const char *id;

    assert_true(shop_path_match(*state, "/health", "/health", &id));
    assert_null(id);
    assert_false(shop_path_match(*state, "/health", "/health/", &id));
    assert_false(shop_path_match(*state, "/health", "/healthz", &id));
}

static void paths_capture_id(void **state)
{
    const char *id;

    assert_true(shop_path_match(*state, "/products/:id", "/products/42", &id));
    assert_string_equal(id, "42");
    assert_false(shop_path_match(*state, "/products/:id", "/products/", &id));
    assert_false(shop_path_match(*state, "/products/:id", "/products", &id));
    assert_false(shop_path_match(*state, "/products/:id", "/products/4/2", &id));
    assert_false(shop_path_match(*state, "/products/:id", "/productsX/4", &id));
    assert_true(shop_path_match(*state, "/orders/:id/refund", "/orders/ab/refund", &id));
    assert_string_equal(id, "ab");
    assert_false(shop_path_match(*state, "/orders/:id/refund", "/orders//refund", &id));
    assert_false(shop_path_match(*state, "/orders/:id/refund", "/orders/refund", &id));
    assert_false(shop_path_match(*state, "/orders/:id/refund", "/orders/a/b/refund", &id));
    assert_false(shop_path_match(*state, "/orders/:id/refund", "/orders/ab/refundX", &id));
    assert_false(shop_path_match(*state, "/orders/:id", "/orders/ab/refund", &id));
}

static void utf8_checked(void **state)
{
    const char *mixed = "\xc3\xa9t\xc3\xa9 \xe2\x82\xac \xf0\x9f\x91\x95";     /* été € 👕 */

    assert_true(shop_utf8_valid("plain", 5));
    assert_true(shop_utf8_valid(mixed, strlen(mixed)));
    assert_true(shop_utf8_valid("", 0));
    assert_false(shop_utf8_valid("\xff", 1));                 /* not a lead byte */
    assert_false(shop_utf8_valid("\xc3", 1));                 /* cut short */
    assert_false(shop_utf8_valid("\xc0\xaf", 2));             /* overlong "/" */
    assert_false(shop_utf8_valid("\xed\xa0\x80", 3));         /* surrogate */
    assert_false(shop_utf8_valid("\xf4\x90\x80\x80", 4));     /* above U+10FFFF */
    assert_false(shop_utf8_valid("a\0b", 3));                 /* NUL */
    assert_false(shop_utf8_valid("\xe2\x28\xa1", 3));         /* bad continuation */
}

static void nul_escapes_found(void **state)
{
    static const char *const with[] = { "{\"a\":\"x\\u0000y\"}", "\"\\\\\\u0000\"", NULL };
    static const char *const without[] = { "{\"a\":\"x\\u0001\"}", "\"\\\\u0000\"", "u0000", "\"\\u000\"", NULL };
    const char *const *s;

    for (s = with; *s; s++)
        assert_true(shop_json_has_nul_escape(*s, strlen(*s)));
    for (s = without; *s; s++)
        assert_false(shop_json_has_nul_escape(*s, strlen(*s)));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(brokers_accepted, setup, teardown),
        cmocka_unit_test_setup_teardown(brokers_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(http_urls_checked, setup, teardown),
        cmocka_unit_test_setup_teardown(paths_match_exactly, setup, teardown),
        cmocka_unit_test_setup_teardown(paths_capture_id, setup, teardown),
        cmocka_unit_test(utf8_checked),
        cmocka_unit_test(nul_escapes_found),
    };

    apr_initialize();
    return cmocka_run_group_tests_name("shop_parse", tests, NULL, NULL);
}
