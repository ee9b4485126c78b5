/*
 * test_payment_signature.c: unit tests for mod_shop_payment/payment_signature.c,
 * Stripe's webhook signature check. The expected value was computed apart
 * (HMAC-SHA256 of "1700000000.{\"id\":\"evt_1\"}" with whsec_test).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "payment_signature.h"

#define SECRET  "whsec_test"
#define BODY    "{\"id\":\"evt_1\"}"
#define TS      "1700000000"
#define GOOD    "c89214b5b5da833daed6f0b8c5bb6bd58cea9022bd80ccc78230f3942d632925"
#define OTHER   "0000000000000000000000000000000000000000000000000000000000000000"
#define NOW     apr_time_from_sec(1700000000 + 10)

static const char *check(const char *header, apr_time_t now, int tolerance)
{
    return payment_signature_check(header, BODY, strlen(BODY), SECRET, now, tolerance);
}

static void valid(void **state)
{
    assert_null(check("t=" TS ",v1=" GOOD, NOW, 300));
    assert_null(check("t=" TS ",v1=" OTHER ",v1=" GOOD, NOW, 300));
    assert_null(check("v0=abc,t=" TS ",v1=" GOOD, NOW, 300));
}

static void refused(void **state)
{
    assert_non_null(check(NULL, NOW, 300));
    assert_non_null(check("", NOW, 300));
    assert_non_null(check("v1=" GOOD, NOW, 300));
    assert_non_null(check("t=,v1=" GOOD, NOW, 300));
    assert_non_null(check("t=17x,v1=" GOOD, NOW, 300));
    assert_non_null(check("t=" TS, NOW, 300));
    assert_non_null(check("t=" TS ",v1=" OTHER, NOW, 300));
    assert_non_null(check("t=" TS ",v1=" GOOD "0", NOW, 300));
    assert_non_null(check("t=" TS ",v0=" GOOD, NOW, 300));
    assert_non_null(check("t=1700000001,v1=" GOOD, NOW, 300));
    assert_non_null(payment_signature_check("t=" TS ",v1=" GOOD, BODY " ", strlen(BODY) + 1,
                                            SECRET, NOW, 300));
    assert_non_null(payment_signature_check("t=" TS ",v1=" GOOD, BODY, strlen(BODY),
                                            "whsec_other", NOW, 300));
}

static void tolerance(void **state)
{
    assert_non_null(check("t=" TS ",v1=" GOOD, NOW, 5));
    assert_null(check("t=" TS ",v1=" GOOD, NOW, 10));
    assert_non_null(check("t=" TS ",v1=" GOOD, apr_time_from_sec(1700000000 - 20), 10));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(valid),
        cmocka_unit_test(refused),
        cmocka_unit_test(tolerance),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
