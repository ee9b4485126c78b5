/*
 * shop_jwt.h: signing keys, JWKS and JWS tokens over cjose and OpenSSL (no httpd
 * types). mod_shop signs with ES256 (EC P-256, key in a PEM file, kid = the RFC
 * 7638 thumbprint); it verifies ES256/384/512, RS256/384/512 and PS256/384/512
 * tokens against a key set selected by kid. HS* and "none" are never accepted.
 */
#ifndef SHOP_JWT_H
#define SHOP_JWT_H

#include "apr_pools.h"
#include "apr_time.h"
#include <cJSON.h>

#pragma GCC visibility push(hidden)

#define SHOP_JWT_LEEWAY_SECONDS 30

typedef struct shop_keyset shop_keyset_t;
typedef struct shop_jwt shop_jwt_t;

/* An empty key set; its keys are released with p. */
shop_keyset_t *shop_keyset_make(apr_pool_t *p);

/*
 * Adds the EC P-256 key in the PEM file at path (private, or public when
 * signing is 0). The signing key signs; every key verifies and is published.
 * NULL or the reason.
 */
const char *shop_keyset_load_pem(shop_keyset_t *ks, const char *path, int signing);

/* Adds every usable key of a JWKS document. NULL or the reason. */
const char *shop_keyset_load_jwks(shop_keyset_t *ks, const char *json, apr_size_t len);

int shop_keyset_has_signing_key(const shop_keyset_t *ks);
int shop_keyset_has_kid(const shop_keyset_t *ks, const char *kid);

/* {"keys":[public JWKs with kid, alg, use]}; the caller owns it. */
cJSON *shop_keyset_public_jwks(const shop_keyset_t *ks);

/* Compact JWS of claims signed with the signing key. NULL or the reason. */
const char *shop_jwt_sign(apr_pool_t *p, const shop_keyset_t *ks, const cJSON *claims,
                          const char **token);

/* Decodes a compact JWS without trusting it yet. NULL or the reason. */
const char *shop_jwt_parse(apr_pool_t *p, const char *token, shop_jwt_t **jwt);

const char *shop_jwt_kid(const shop_jwt_t *jwt);        /* NULL if absent */
const char *shop_jwt_issuer(const shop_jwt_t *jwt);     /* NULL if absent */
const cJSON *shop_jwt_claims(const shop_jwt_t *jwt);

/*
 * Checks the signature with the key of the token's kid in ks, then exp
 * (required), nbf and iat (with leeway), iss == issuer, and, when audience is
 * not NULL, that aud names it. NULL or the reason.
 */
const char *shop_jwt_verify(const shop_jwt_t *jwt, const shop_keyset_t *ks, apr_time_t now,
                            const char *issuer, const char *audience);

/* The string at a dotted claim path ("metadata.role"), or NULL. */
const char *shop_jwt_claim_string(const cJSON *claims, const char *path);

#pragma GCC visibility pop

#endif
