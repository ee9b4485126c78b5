/*
 * payment_signature.c: Stripe's webhook signature (no httpd types). The header
 * is "t=TIMESTAMP,v1=HEX[,v1=HEX...]"; each v1 is the HMAC-SHA256, keyed with
 * the endpoint's secret, of "TIMESTAMP." followed by the raw body. Every v1 is
 * tried (Stripe sends one per active secret), compared in constant time.
 */
#include "payment_signature.h"

#include "apr_strings.h"
#include <string.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/core_names.h>
#include <openssl/params.h>

#define SIG_HEX_LEN 64
#define MAX_TIMESTAMP_DIGITS 12

/* HMAC-SHA256 of "ts.body" as lower-case hex into out[SIG_HEX_LEN + 1]; 0 on failure */
static int expected_signature(const char *secret, const char *ts, apr_size_t ts_len,
                              const char *body, apr_size_t len, char *out)
{
    static const char hex[] = "0123456789abcdef";
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, "SHA256", 0),
        OSSL_PARAM_construct_end()
    };
    unsigned char mac[EVP_MAX_MD_SIZE];
    size_t mac_len = 0, i;
    EVP_MAC *hmac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    EVP_MAC_CTX *ctx = hmac ? EVP_MAC_CTX_new(hmac) : NULL;
    int ok = ctx && EVP_MAC_init(ctx, (const unsigned char *)secret, strlen(secret), params)
             && EVP_MAC_update(ctx, (const unsigned char *)ts, ts_len)
             && EVP_MAC_update(ctx, (const unsigned char *)".", 1)
             && EVP_MAC_update(ctx, (const unsigned char *)body, len)
             && EVP_MAC_final(ctx, mac, &mac_len, sizeof(mac)) && mac_len * 2 == SIG_HEX_LEN;

    EVP_MAC_CTX_free(ctx);
    EVP_MAC_free(hmac);
    for (i = 0; ok && i < mac_len; i++) {
        out[2 * i] = hex[mac[i] >> 4];
        out[2 * i + 1] = hex[mac[i] & 15];
    }
    out[SIG_HEX_LEN] = '\0';
    return ok;
}

/* the digits of "t=" in header, their count in *n; NULL when absent or not digits */
static const char *timestamp_of(const char *header, apr_size_t *n)
{
    const char *p = header;

    while (p && strncmp(p, "t=", 2))
        if ((p = strchr(p, ',')))
            p++;
    if (!p)
        return NULL;
    p += 2;
    *n = strspn(p, "0123456789");
    return *n && *n <= MAX_TIMESTAMP_DIGITS && (p[*n] == ',' || !p[*n]) ? p : NULL;
}

/* whether one of the v1= values of header is expected */
static int has_signature(const char *header, const char *expected)
{
    const char *p;

    for (p = header; p; p = (p = strchr(p, ',')) ? p + 1 : NULL)
        if (!strncmp(p, "v1=", 3) && strcspn(p + 3, ",") == SIG_HEX_LEN
            && !CRYPTO_memcmp(p + 3, expected, SIG_HEX_LEN))
            return 1;
    return 0;
}

const char *payment_signature_check(const char *header, const char *body, apr_size_t len,
                                    const char *secret, apr_time_t now, int tolerance)
{
    char expected[SIG_HEX_LEN + 1], digits[MAX_TIMESTAMP_DIGITS + 1];
    apr_size_t ts_len = 0;
    const char *ts;
    apr_int64_t age;

    if (!header || !*header)
        return "no Stripe-Signature header";
    if (!(ts = timestamp_of(header, &ts_len)))
        return "the Stripe-Signature header has no timestamp";
    memcpy(digits, ts, ts_len);
    digits[ts_len] = '\0';
    age = apr_time_sec(now) - apr_atoi64(digits);
    if (age > tolerance || age < -tolerance)
        return "the signature's timestamp is outside the tolerance";
    if (!expected_signature(secret, ts, ts_len, body, len, expected))
        return "cannot compute the signature";
    if (!has_signature(header, expected))
        return "no valid v1 signature";
    return NULL;
}
