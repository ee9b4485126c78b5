/*
 * shop_jwt.c: key sets and JWS tokens. cjose does the JOSE work and OpenSSL
 * reads PEM files and hashes thumbprints; nothing cryptographic is done here by
 * hand. Every cjose object is released by a cleanup on the pool that owns it.
 */
#include "shop_jwt.h"

#include "apr_strings.h"
#include "apr_tables.h"
#include <cjose/cjose.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdio.h>

#define P256_BYTES 32

typedef struct {
    cjose_jwk_t *jwk;
    const char *kid;
    const char *alg;
} shop_key_t;

struct shop_keyset {
    apr_pool_t *pool;
    apr_array_header_t *keys;           /* shop_key_t */
    const shop_key_t *signing;
};

struct shop_jwt {
    cjose_jws_t *jws;
    cJSON *claims;
    const char *kid;
    const char *alg;
};

static const char *const accepted_algs[] = {
    "ES256", "ES384", "ES512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", NULL
};

static apr_status_t jwk_cleanup(void *jwk)
{
    cjose_jwk_release(jwk);
    return APR_SUCCESS;
}

static apr_status_t jws_cleanup(void *jws)
{
    cjose_jws_release(jws);
    return APR_SUCCESS;
}

static apr_status_t json_cleanup(void *json)
{
    cJSON_Delete(json);
    return APR_SUCCESS;
}

static void cjose_free(void *ptr)
{
    cjose_get_dealloc()(ptr);
}

shop_keyset_t *shop_keyset_make(apr_pool_t *p)
{
    shop_keyset_t *ks = apr_pcalloc(p, sizeof(*ks));

    ks->pool = p;
    ks->keys = apr_array_make(p, 4, sizeof(shop_key_t));
    return ks;
}

static const shop_key_t *find_key(const shop_keyset_t *ks, const char *kid)
{
    int i;

    for (i = 0; i < ks->keys->nelts; i++) {
        const shop_key_t *key = &APR_ARRAY_IDX(ks->keys, i, shop_key_t);
        if (kid ? key->kid && !strcmp(key->kid, kid) : ks->keys->nelts == 1)
            return key;
    }
    return NULL;
}

static shop_key_t *add_key(shop_keyset_t *ks, cjose_jwk_t *jwk, const char *kid, const char *alg)
{
    shop_key_t *key = apr_array_push(ks->keys);

    apr_pool_cleanup_register(ks->pool, jwk, jwk_cleanup, apr_pool_cleanup_null);
    key->jwk = jwk;
    key->kid = kid;
    key->alg = alg;
    return key;
}

static char *base64url(apr_pool_t *p, const uint8_t *data, size_t len)
{
    char *out = NULL, *copy;
    size_t outlen;
    cjose_err err;

    if (!cjose_base64url_encode(data, len, &out, &outlen, &err))
        return NULL;
    copy = apr_pstrmemdup(p, out, outlen);
    cjose_free(out);
    return copy;
}

/* RFC 7638 thumbprint of an EC P-256 public key */
static const char *ec_thumbprint(apr_pool_t *p, const char *x, const char *y)
{
    const char *canonical = apr_psprintf(p, "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"%s\",\"y\":\"%s\"}", x, y);
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen;

    if (!EVP_Digest(canonical, strlen(canonical), md, &mdlen, EVP_sha256(), NULL))
        return NULL;
    return base64url(p, md, mdlen);
}

static EVP_PKEY *read_pem(const char *path, int private_key, const char **error)
{
    FILE *f = fopen(path, "r");
    EVP_PKEY *pkey;

    if (!f) {
        *error = "cannot open the file";
        return NULL;
    }
    pkey = private_key ? PEM_read_PrivateKey(f, NULL, NULL, NULL) : PEM_read_PUBKEY(f, NULL, NULL, NULL);
    fclose(f);
    if (!pkey)
        *error = private_key ? "no PEM private key in the file" : "no PEM public key in the file";
    return pkey;
}

/* Writes the named bignum parameter of pkey into out (P256_BYTES, big-endian). */
static int bn_param(const EVP_PKEY *pkey, const char *name, uint8_t *out)
{
    BIGNUM *bn = NULL;
    int ok = EVP_PKEY_get_bn_param(pkey, name, &bn) && BN_bn2binpad(bn, out, P256_BYTES) == P256_BYTES;

    BN_clear_free(bn);
    return ok;
}

static int is_p256(const EVP_PKEY *pkey)
{
    char curve[64];

    return EVP_PKEY_get_base_id(pkey) == EVP_PKEY_EC
           && EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, curve,
                                             sizeof(curve), NULL)
           && !strcmp(curve, "prime256v1");
}

static cjose_jwk_t *p256_jwk(const EVP_PKEY *pkey, int private_key, uint8_t *x, uint8_t *y)
{
    uint8_t d[P256_BYTES];
    cjose_jwk_ec_keyspec spec = { .crv = CJOSE_JWK_EC_P_256, .x = x, .xlen = P256_BYTES,
                                  .y = y, .ylen = P256_BYTES };
    cjose_jwk_t *jwk;
    cjose_err err;

    if (!bn_param(pkey, OSSL_PKEY_PARAM_EC_PUB_X, x) || !bn_param(pkey, OSSL_PKEY_PARAM_EC_PUB_Y, y))
        return NULL;
    if (private_key) {
        if (!bn_param(pkey, OSSL_PKEY_PARAM_PRIV_KEY, d))
            return NULL;
        spec.d = d;
        spec.dlen = P256_BYTES;
    }
    jwk = cjose_jwk_create_EC_spec(&spec, &err);
    OPENSSL_cleanse(d, sizeof(d));
    return jwk;
}

const char *shop_keyset_load_pem(shop_keyset_t *ks, const char *path, int signing)
{
    const char *error = NULL, *kid;
    uint8_t x[P256_BYTES], y[P256_BYTES];
    EVP_PKEY *pkey = read_pem(path, 1, &error);
    cjose_jwk_t *jwk;
    cjose_err err;
    shop_key_t *key;

    if (!pkey && !signing)
        pkey = read_pem(path, 0, &error);               /* a retired key may be public only */
    if (!pkey)
        return error;
    jwk = is_p256(pkey) ? p256_jwk(pkey, signing, x, y) : NULL;
    EVP_PKEY_free(pkey);
    if (!jwk)
        return "not an EC P-256 key (create one with: openssl genpkey -algorithm EC "
               "-pkeyopt ec_paramgen_curve:P-256)";
    kid = ec_thumbprint(ks->pool, base64url(ks->pool, x, sizeof(x)), base64url(ks->pool, y, sizeof(y)));
    if (!kid || !cjose_jwk_set_kid(jwk, kid, strlen(kid), &err)) {
        cjose_jwk_release(jwk);
        return "cannot compute the key's thumbprint";
    }
    if (find_key(ks, kid)) {
        cjose_jwk_release(jwk);
        return "the same key is configured twice";
    }
    key = add_key(ks, jwk, kid, "ES256");
    if (signing)
        ks->signing = key;
    return NULL;
}

/*
 * The base64url run at s, its length in *n; 0 when that length is 1 modulo 4.
 * cjose's decoder asserts on such input (and on a '=' within it), aborting the
 * process, so what reaches cjose is checked with this first.
 */
static int base64url_run(const char *s, apr_size_t *n)
{
    *n = strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");
    return *n % 4 != 1;
}

/*
 * Whether the base64url members of a JWK, which cjose decodes, are base64url;
 * every member is looked at, since cjose takes the last of a repeated name.
 */
static int jwk_shape(const cJSON *jwk)
{
    static const char *const members[] = {
        "x", "y", "d", "n", "e", "p", "q", "dp", "dq", "qi", "k", NULL
    };
    const char *const *m;
    const cJSON *v;
    apr_size_t n;

    if (!cJSON_IsObject(jwk))
        return 0;
    cJSON_ArrayForEach(v, jwk) {
        for (m = members; *m && strcmp(*m, v->string); m++)
            ;
        if (*m && cJSON_IsString(v) && (!base64url_run(v->valuestring, &n) || v->valuestring[n]))
            return 0;
    }
    return 1;
}

const char *shop_keyset_load_jwks(shop_keyset_t *ks, const char *json, apr_size_t len)
{
    cJSON *doc = cJSON_ParseWithLength(json, len);
    const cJSON *keys = cJSON_GetObjectItemCaseSensitive(doc, "keys"), *item;
    int added = 0;

    if (!cJSON_IsArray(keys)) {
        cJSON_Delete(doc);
        return "not a JWKS document (no \"keys\" array)";
    }
    cJSON_ArrayForEach(item, keys) {
        const cJSON *kid = cJSON_GetObjectItemCaseSensitive(item, "kid");
        const cJSON *use = cJSON_GetObjectItemCaseSensitive(item, "use");
        char *text = cJSON_PrintUnformatted(item);
        cjose_jwk_t *jwk;
        cjose_err err;

        if (!text)
            continue;
        jwk = cJSON_IsString(kid) && (!cJSON_IsString(use) || !strcmp(use->valuestring, "sig"))
              && jwk_shape(item) ? cjose_jwk_import(text, strlen(text), &err) : NULL;
        cJSON_free(text);
        if (jwk && cjose_jwk_get_kty(jwk, &err) != CJOSE_JWK_KTY_OCT) {
            add_key(ks, jwk, apr_pstrdup(ks->pool, kid->valuestring), NULL);
            added++;
        }
        else if (jwk)
            cjose_jwk_release(jwk);                     /* symmetric keys never verify */
    }
    cJSON_Delete(doc);
    return added ? NULL : "the JWKS document has no usable signing key";
}

int shop_keyset_has_signing_key(const shop_keyset_t *ks)
{
    return ks->signing != NULL;
}

int shop_keyset_has_kid(const shop_keyset_t *ks, const char *kid)
{
    return kid && find_key(ks, kid) != NULL;
}

cJSON *shop_keyset_public_jwks(const shop_keyset_t *ks)
{
    cJSON *doc = cJSON_CreateObject();
    cJSON *keys = cJSON_AddArrayToObject(doc, "keys");
    int i;

    for (i = 0; i < ks->keys->nelts; i++) {
        const shop_key_t *key = &APR_ARRAY_IDX(ks->keys, i, shop_key_t);
        cjose_err err;
        char *text = cjose_jwk_to_json(key->jwk, false, &err);
        cJSON *jwk = text ? cJSON_Parse(text) : NULL;

        cjose_free(text);
        if (!jwk)
            continue;
        if (key->alg)
            cJSON_AddStringToObject(jwk, "alg", key->alg);
        cJSON_AddStringToObject(jwk, "use", "sig");
        cJSON_AddItemToArray(keys, jwk);
    }
    return doc;
}

const char *shop_jwt_sign(apr_pool_t *p, const shop_keyset_t *ks, const cJSON *claims,
                          const char **token)
{
    cjose_header_t *hdr;
    cjose_jws_t *jws = NULL;
    const char *compact = NULL;
    char *payload;
    cjose_err err;

    if (!ks->signing)
        return "no signing key is configured";
    if (!(payload = cJSON_PrintUnformatted(claims)))
        return "out of memory";
    hdr = cjose_header_new(&err);
    if (hdr && cjose_header_set(hdr, CJOSE_HDR_ALG, ks->signing->alg, &err)
        && cjose_header_set(hdr, CJOSE_HDR_KID, ks->signing->kid, &err)
        && cjose_header_set(hdr, "typ", "JWT", &err)
        && (jws = cjose_jws_sign(ks->signing->jwk, hdr, (uint8_t *)payload, strlen(payload), &err)))
        cjose_jws_export(jws, &compact, &err);
    *token = compact ? apr_pstrdup(p, compact) : NULL;
    cjose_jws_release(jws);
    cjose_header_release(hdr);
    cJSON_free(payload);
    return *token ? NULL : apr_pstrcat(p, "signing failed: ", err.message, NULL);
}

static int accepted_alg(const char *alg)
{
    const char *const *a;

    for (a = accepted_algs; alg && *a; a++)
        if (!strcmp(*a, alg))
            return 1;
    return 0;
}

/* Whether token is three base64url segments (base64url_run). */
static int compact_shape(const char *token)
{
    apr_size_t n;
    int segments = 0;

    for (;;) {
        if (!base64url_run(token, &n) || ++segments > 3)
            return 0;
        if (token[n] != '.')
            return !token[n] && segments == 3;
        token += n + 1;
    }
}

const char *shop_jwt_parse(apr_pool_t *p, const char *token, shop_jwt_t **out)
{
    shop_jwt_t *jwt = apr_pcalloc(p, sizeof(*jwt));
    cjose_header_t *hdr;
    uint8_t *plain;
    size_t plain_len;
    cjose_err err;

    if (!compact_shape(token) || !(jwt->jws = cjose_jws_import(token, strlen(token), &err)))
        return "malformed token";
    apr_pool_cleanup_register(p, jwt->jws, jws_cleanup, apr_pool_cleanup_null);
    hdr = cjose_jws_get_protected(jwt->jws);
    jwt->alg = hdr ? cjose_header_get(hdr, CJOSE_HDR_ALG, &err) : NULL;
    jwt->kid = hdr ? cjose_header_get(hdr, CJOSE_HDR_KID, &err) : NULL;
    if (!accepted_alg(jwt->alg))
        return apr_pstrcat(p, "token algorithm not accepted: ", jwt->alg ? jwt->alg : "(none)", NULL);
    if (!cjose_jws_get_plaintext(jwt->jws, &plain, &plain_len, &err))
        return "malformed token payload";
    jwt->claims = cJSON_ParseWithLength((const char *)plain, plain_len);
    if (!cJSON_IsObject(jwt->claims)) {
        cJSON_Delete(jwt->claims);
        return "token payload is not a JSON object";
    }
    apr_pool_cleanup_register(p, jwt->claims, json_cleanup, apr_pool_cleanup_null);
    *out = jwt;
    return NULL;
}

const char *shop_jwt_kid(const shop_jwt_t *jwt)
{
    return jwt->kid;
}

const char *shop_jwt_issuer(const shop_jwt_t *jwt)
{
    return shop_jwt_claim_string(jwt->claims, "iss");
}

const cJSON *shop_jwt_claims(const shop_jwt_t *jwt)
{
    return jwt->claims;
}

static int audience_matches(const cJSON *aud, const char *audience)
{
    const cJSON *item;

    if (cJSON_IsString(aud))
        return !strcmp(aud->valuestring, audience);
    if (!cJSON_IsArray(aud))
        return 0;
    cJSON_ArrayForEach(item, aud)
        if (cJSON_IsString(item) && !strcmp(item->valuestring, audience))
            return 1;
    return 0;
}

/* The time claims: exp required and in the future, nbf/iat not in the future. */
static const char *check_times(const cJSON *claims, apr_time_t now)
{
    double t = (double)apr_time_sec(now);
    const cJSON *exp = cJSON_GetObjectItemCaseSensitive(claims, "exp");
    const cJSON *nbf = cJSON_GetObjectItemCaseSensitive(claims, "nbf");
    const cJSON *iat = cJSON_GetObjectItemCaseSensitive(claims, "iat");

    if (!cJSON_IsNumber(exp))
        return "token has no expiry";
    if (exp->valuedouble + SHOP_JWT_LEEWAY_SECONDS < t)
        return "token expired";
    if ((nbf && (!cJSON_IsNumber(nbf) || nbf->valuedouble - SHOP_JWT_LEEWAY_SECONDS > t))
        || (iat && (!cJSON_IsNumber(iat) || iat->valuedouble - SHOP_JWT_LEEWAY_SECONDS > t)))
        return "token not valid yet";
    return NULL;
}

const char *shop_jwt_verify(const shop_jwt_t *jwt, const shop_keyset_t *ks, apr_time_t now,
                            const char *issuer, const char *audience)
{
    const shop_key_t *key = find_key(ks, jwt->kid);
    const char *iss = shop_jwt_issuer(jwt), *error;
    cjose_err err;

    if (!key)
        return "token signed by an unknown key";
    if (key->alg && strcmp(key->alg, jwt->alg))
        return "token algorithm does not match its key";
    if (!cjose_jws_verify(jwt->jws, key->jwk, &err))
        return "token signature invalid";
    if ((error = check_times(jwt->claims, now)))
        return error;
    if (!iss || strcmp(iss, issuer))
        return "token issuer not accepted";
    if (audience && !audience_matches(cJSON_GetObjectItemCaseSensitive(jwt->claims, "aud"), audience))
        return "token audience not accepted";
    return NULL;
}

const char *shop_jwt_claim_string(const cJSON *claims, const char *path)
{
    const char *dot;
    char name[128];

    while ((dot = strchr(path, '.')) && claims) {
        apr_cpystrn(name, path, (apr_size_t)(dot - path + 1) < sizeof(name)
                                ? (apr_size_t)(dot - path + 1) : sizeof(name));
        claims = cJSON_GetObjectItemCaseSensitive(claims, name);
        path = dot + 1;
    }
    claims = claims ? cJSON_GetObjectItemCaseSensitive(claims, path) : NULL;
    return cJSON_IsString(claims) ? claims->valuestring : NULL;
}
