/*
 * token.c: fuzzes what mod_shop_auth reads from a request's Authorization
 * header: shop_bearer_token, then shop_jwt_parse and shop_jwt_verify
 * (common/shop_parse.c, common/shop_jwt.c) against a key set holding one ES256
 * public key (the seed corpus holds tokens it signed).
 * Asserts: no crash, no leak, no undefined behaviour; a Bearer header yields the
 * text after "Bearer " and its spaces; a refused token says why; the claims of a
 * parsed one can be walked (the role claim path); a verified one has the
 * issuer, the key's kid and an exp still ahead.
 */
#include "fuzz.h"
#include "shop_parse.h"
#include "shop_jwt.h"

#include <string.h>

#define ISSUER "https://shop.test"
#define NOW_SEC 1700000000
#define KID "fuzz-key"

static const char jwks[] =
    "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"kid\":\"" KID "\",\"alg\":\"ES256\","
    "\"x\":\"TZa2wyIwUUTdGVHLSYhWKNVKw-QPJwFXzDpKeAYxT58\",\"y\":\"TE5IRhzsGLw3ejl5drE1ntVW2Rp9i5-OIDohKbEQtoo\"}]}";

/*
 * The key set, made again for each input in its pool: the pool's memory is
 * mapped, out of the leak checker's sight, so keys kept across inputs would be
 * reported as leaked.
 */
static shop_keyset_t *keyset(apr_pool_t *p)
{
    shop_keyset_t *ks = shop_keyset_make(p);

    FUZZ_ASSERT(!shop_keyset_load_jwks(ks, jwks, sizeof(jwks) - 1));
    return ks;
}

static void assert_verified(const shop_jwt_t *jwt)
{
    const cJSON *exp = cJSON_GetObjectItemCaseSensitive(shop_jwt_claims(jwt), "exp");

    FUZZ_ASSERT(shop_jwt_issuer(jwt) && !strcmp(shop_jwt_issuer(jwt), ISSUER));
    FUZZ_ASSERT(shop_jwt_kid(jwt) && !strcmp(shop_jwt_kid(jwt), KID));
    FUZZ_ASSERT(cJSON_IsNumber(exp) && exp->valuedouble + SHOP_JWT_LEEWAY_SECONDS >= NOW_SEC);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fuzz_pool();
    const char *header = fuzz_string(p, data, size), *token = NULL, *why;
    shop_jwt_t *jwt;

    if (!shop_bearer_token(header, &token))
        return 0;
    FUZZ_ASSERT(!token || (token > header + 6 && *token != ' '));
    if (!token)
        return 0;
    if ((why = shop_jwt_parse(p, token, &jwt))) {
        FUZZ_ASSERT(*why);
        return 0;
    }
    (void)shop_jwt_claim_string(shop_jwt_claims(jwt), "metadata.role");
    if ((why = shop_jwt_verify(jwt, keyset(p), apr_time_from_sec(NOW_SEC), ISSUER, NULL)))
        FUZZ_ASSERT(*why);
    else
        assert_verified(jwt);
    return 0;
}
