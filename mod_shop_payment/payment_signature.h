/*
 * payment_signature.h: checking Stripe's webhook signatures (no httpd types,
 * unit-tested in t/unit/test_payment_signature.c).
 */
#ifndef PAYMENT_SIGNATURE_H
#define PAYMENT_SIGNATURE_H

#include "apr_time.h"

#pragma GCC visibility push(hidden)

/*
 * Checks a Stripe-Signature header "t=TS,v1=HEX[,v1=HEX...]" over body with
 * secret, now and tolerance (seconds). NULL when valid, else why not.
 */
const char *payment_signature_check(const char *header, const char *body, apr_size_t len,
                                    const char *secret, apr_time_t now, int tolerance);

#pragma GCC visibility pop

#endif
