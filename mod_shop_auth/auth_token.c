/*
 * auth_token.c: issuing tokens (JWS, ES256) and verifying the ones requests
 * carry, in the Authorization header (Bearer) or the session cookie. Tokens of
 * the external identity provider, told apart by their issuer, are verified
 * against its JWKS (auth_external.c). A cookie is sent by the browser whatever
 * the page: an unsafe request it authenticates must come from our own origin
 * or a ShopAuthCORSOrigin (CSRF).
 */
#include "auth.h"

#include "http_log.h"
#include "util_cookies.h"
#include "apr_strings.h"

#include "shop_http.h"
#include "shop_parse.h"

APLOG_USE_MODULE(shop_auth);

const char *auth_token_issue(request_rec *r, const auth_identity_t *who, const char **token)
{
    auth_conf_t *conf = auth_conf_get(r->server);
    cJSON *claims = shop_json_own(r->pool, cJSON_CreateObject());
    apr_time_t now = apr_time_sec(apr_time_now());

    cJSON_AddStringToObject(claims, "iss", conf->issuer);
    cJSON_AddStringToObject(claims, "sub", who->id);
    cJSON_AddStringToObject(claims, "email", who->email);
    cJSON_AddStringToObject(claims, "name", who->name);
    cJSON_AddStringToObject(claims, "role", who->role);
    cJSON_AddStringToObject(cJSON_AddObjectToObject(claims, "metadata"), "role", who->role);
    cJSON_AddNumberToObject(claims, "gen", (double)who->generation);
    cJSON_AddNumberToObject(claims, "iat", (double)now);
    cJSON_AddNumberToObject(claims, "exp", (double)(now + conf->token_lifetime));
    if (!conf->keys)
        return "no signing key is configured (ShopAuthSigningKey)";
    return shop_jwt_sign(r->pool, conf->keys, claims, token);
}

static const char *cookie_attributes(request_rec *r)
{
    return auth_conf_get(r->server)->cookie_secure ? "Path=/;HttpOnly;SameSite=Lax;Secure"
                                                   : "Path=/;HttpOnly;SameSite=Lax";
}

void auth_cookie_set(request_rec *r, const char *token)
{
    auth_conf_t *conf = auth_conf_get(r->server);

    ap_cookie_write(r, conf->cookie_name, token, cookie_attributes(r), conf->token_lifetime,
                    r->err_headers_out, NULL);
}

void auth_cookie_clear(request_rec *r)
{
    ap_cookie_remove(r, auth_conf_get(r->server)->cookie_name, cookie_attributes(r),
                     r->err_headers_out, NULL);
}

static int has_bearer(request_rec *r)
{
    const char *header = apr_table_get(r->headers_in, "Authorization");

    return header && !strncasecmp(header, "Bearer ", 7);
}

const char *auth_token_from_request(request_rec *r)
{
    const char *value = NULL;

    if (shop_bearer_token(apr_table_get(r->headers_in, "Authorization"), &value))
        return value;
    ap_cookie_read(r, auth_conf_get(r->server)->cookie_name, &value, 0);
    return value && *value ? value : NULL;
}

int auth_origin_allowed(request_rec *r, const char *origin)
{
    const apr_array_header_t *origins = auth_conf_get(r->server)->cors_origins;
    int i;

    for (i = 0; origins && origin && i < origins->nelts; i++)
        if (!strcmp(APR_ARRAY_IDX(origins, i, const char *), origin))
            return 1;
    return 0;
}

/* Whether origin (scheme://host[:port]) names the Host the request was sent to. */
static int origin_is_own(request_rec *r, const char *origin)
{
    const char *host = apr_table_get(r->headers_in, "Host");
    const char *authority = ap_strstr_c(origin, "://");

    return host && authority && !strcasecmp(authority + 3, host);
}

const char *auth_cookie_cross_site(request_rec *r)
{
    const char *origin = apr_table_get(r->headers_in, "Origin");
    const char *site = apr_table_get(r->headers_in, "Sec-Fetch-Site");
    const char *cookie = NULL;

    if (r->method_number == M_GET || r->method_number == M_OPTIONS || has_bearer(r))
        return NULL;
    ap_cookie_read(r, auth_conf_get(r->server)->cookie_name, &cookie, 0);
    if (!cookie || !*cookie)
        return NULL;
    if (origin)
        return origin_is_own(r, origin) || auth_origin_allowed(r, origin)
               ? NULL : "cross-site request refused: Origin is not allowed";
    return site && !strcasecmp(site, "cross-site")
           ? "cross-site request refused: Sec-Fetch-Site: cross-site" : NULL;
}

/* The "gen" claim; 0 (older than any revocation) when absent or odd. */
static apr_int64_t generation_of(const cJSON *claims)
{
    const cJSON *gen = cJSON_GetObjectItemCaseSensitive(claims, "gen");

    return cJSON_IsNumber(gen) && gen->valuedouble >= 0 && gen->valuedouble < 9e15
           ? (apr_int64_t)gen->valuedouble : 0;
}

/* The identity in verified claims; role falls back to "user", never to more. */
static auth_identity_t *identity_of(request_rec *r, const cJSON *claims, const char *role_claim,
                                    int external)
{
    auth_identity_t *who = apr_pcalloc(r->pool, sizeof(*who));
    const char *role = shop_jwt_claim_string(claims, role_claim);

    who->id = shop_jwt_claim_string(claims, "sub");
    who->email = shop_jwt_claim_string(claims, "email");
    who->name = shop_jwt_claim_string(claims, "name");
    who->role = role && !strcmp(role, "admin") ? "admin" : "user";
    who->generation = generation_of(claims);
    who->external = external;
    return who->id && *who->id ? who : NULL;
}

shop_error_t *auth_token_verify(request_rec *r, const char *token, auth_identity_t **who)
{
    auth_conf_t *conf = auth_conf_get(r->server);
    auth_external_t *ext = conf->external;
    const char *iss, *error;
    shop_jwt_t *jwt;
    int external;

    *who = NULL;
    if ((error = shop_jwt_parse(r->pool, token, &jwt)))
        return shop_fail(r->pool, HTTP_UNAUTHORIZED, error);
    iss = shop_jwt_issuer(jwt);
    external = ext && iss && !strcmp(iss, ext->issuer);
    if (external)
        error = auth_external_verify(r, ext, jwt);
    else if (!conf->keys)
        error = "no keys configured to verify tokens";
    else
        error = shop_jwt_verify(jwt, conf->keys, apr_time_now(), conf->issuer, NULL);
    if (!error && !(*who = identity_of(r, shop_jwt_claims(jwt),
                                       external ? ext->role_claim : "role", external)))
        error = "token has no subject";
    if (error)
        return shop_fail(r->pool, HTTP_UNAUTHORIZED, error);
    return auth_revocation_check(r, *who);
}
