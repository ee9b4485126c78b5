/*
 * jwks.c: fuzzes shop_keyset_load_jwks (common/shop_jwt.c), the external
 * identity provider's JWKS document (ShopAuthExternalJwks, fetched over the
 * network), then verifies one ES256 token (kid "fuzz-key") against the keys read.
 * Asserts: no crash, no leak, no undefined behaviour; a refused document says
 * why; the token verifies only with a key set holding its kid.
 */
#include "fuzz.h"
#include "shop_jwt.h"

#include <string.h>

static const char token[] =
    "eyJhbGciOiJFUzI1NiIsImtpZCI6ImZ1enota2V5IiwidHlwIjoiSldUIn0.eyJpc3MiOiJodHRwczovL3No"
    "b3AudGVzdCIsInN1YiI6InUxIiwicm9sZSI6InVzZXIiLCJtZXRhZGF0YSI6eyJyb2xlIjoiYWRtaW4ifSwi"
    "Z2VuIjoxLCJpYXQiOjE2OTk5OTkwMDAsImV4cCI6MTcwMDAwMzYwMH0.g1hJDJNnkQ0mOR52uTmadkvyE8PH"
    "3ogEM8sBRDASbctW6yHj6AWFZMOoFWUb1_pv7j23vJdNuO06IrISzS6tMA";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fuzz_pool();
    shop_keyset_t *ks = shop_keyset_make(p);
    const char *why = shop_keyset_load_jwks(ks, (const char *)data, size);
    shop_jwt_t *jwt;

    if (why) {
        FUZZ_ASSERT(*why);
        return 0;
    }
    FUZZ_ASSERT(!shop_jwt_parse(p, token, &jwt));
    if (!shop_jwt_verify(jwt, ks, apr_time_from_sec(1700000000), "https://shop.test", NULL))
        FUZZ_ASSERT(shop_keyset_has_kid(ks, "fuzz-key"));
    return 0;
}
