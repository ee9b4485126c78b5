/*
 * stripe_signature.c: fuzzes payment_signature_check
 * (mod_shop_payment/payment_signature.c), the Stripe-Signature header of the
 * webhook. The input is "HEADER\nBODY" (no newline: all header, empty body).
 * Asserts: no crash, no leak, no undefined behaviour; the fuzzed header never
 * passes (forging needs the HMAC of the secret); the body signed by this
 * harness ("t=NOW,v1=HMAC") passes, and still passes after the fuzzed header's
 * fields are appended (extra fields and v1 values are ignored, the first t= counts).
 */
#include "fuzz.h"
#include "payment_signature.h"

#include <string.h>
#include <openssl/hmac.h>

#define SECRET "whsec_fuzz"
#define NOW_SEC 1700000000
#define TOLERANCE 300

static const char *signed_header(apr_pool_t *p, const char *body, apr_size_t len)
{
    static const char hex[] = "0123456789abcdef";
    const char *ts = apr_ltoa(p, NOW_SEC);
    apr_size_t ts_len = strlen(ts);
    unsigned char *payload = apr_palloc(p, ts_len + 1 + len), mac[32];
    char out[65];
    unsigned int n = 0, i;

    memcpy(payload, ts, ts_len);
    payload[ts_len] = '.';
    memcpy(payload + ts_len + 1, body, len);
    FUZZ_ASSERT(HMAC(EVP_sha256(), SECRET, strlen(SECRET), payload, ts_len + 1 + len, mac, &n)
                && n == 32);
    for (i = 0; i < n; i++) {
        out[2 * i] = hex[mac[i] >> 4];
        out[2 * i + 1] = hex[mac[i] & 15];
    }
    out[64] = '\0';
    return apr_pstrcat(p, "t=", ts, ",v1=", out, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fuzz_pool();
    const char *nl = memchr(data, '\n', size);
    apr_size_t header_len = nl ? (apr_size_t)(nl - (const char *)data) : size;
    const char *header = apr_pstrmemdup(p, (const char *)data, header_len);
    const char *body = nl ? nl + 1 : "";
    apr_size_t len = nl ? size - header_len - 1 : 0;
    apr_time_t now = apr_time_from_sec(NOW_SEC);
    const char *good = signed_header(p, body, len);

    FUZZ_ASSERT(payment_signature_check(header, body, len, SECRET, now, TOLERANCE));
    FUZZ_ASSERT(!payment_signature_check(good, body, len, SECRET, now, TOLERANCE));
    FUZZ_ASSERT(!payment_signature_check(apr_pstrcat(p, good, ",", header, NULL), body, len,
                                         SECRET, now, TOLERANCE));
    return 0;
}
