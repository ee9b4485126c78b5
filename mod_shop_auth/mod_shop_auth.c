/*
 * mod_shop_auth.c: identity for mod_shop (DESIGN §4 auth): users, sign-up and
 * sign-in, signed tokens and their JWKS, and the AuthType/Require providers every
 * other service is protected with (auth_provider.c).
 *
 * Handler "shop-auth". Routes:
 *   POST /auth/sign-up, /auth/sign-in, /auth/sign-out    GET /auth/me
 *   GET /.well-known/jwks.json
 *   GET|POST /users    GET|PUT|DELETE /users/:id        (admin, by conf/auth.conf)
 *   GET /health
 * CORS: answers for the origins of ShopAuthCORSOrigin, in every VirtualHost.
 */
#include "auth.h"

#include "http_log.h"
#include "http_protocol.h"
#include "http_request.h"
#include "apr_strings.h"

#include "shop_health.h"
#include "shop_http.h"
#include "shop_route.h"
#include "shop_log.h"

static int get_health(request_rec *r, const char *id)
{
    shop_health_t *h = shop_health_start(r, "auth");

    shop_health_check_database(h);
    shop_health_check_kafka(h);
    return shop_health_reply(h);
}

static const shop_route_t routes[] = {
    { "POST",   "/auth/sign-up",          auth_sign_up },
    { "POST",   "/auth/sign-in",          auth_sign_in },
    { "POST",   "/auth/sign-out",         auth_sign_out },
    { "GET",    "/auth/me",               auth_me },
    { "GET",    "/.well-known/jwks.json", auth_jwks },
    { "GET",    "/users",                 auth_users_list },
    { "POST",   "/users",                 auth_users_post },
    { "GET",    "/users/:id",             auth_users_get },
    { "PUT",    "/users/:id",             auth_users_put },
    { "DELETE", "/users/:id",             auth_users_delete },
    { "GET",    "/health",                get_health },
    { NULL }
};

static int auth_handler(request_rec *r)
{
    return shop_dispatch(r, "shop-auth", routes);
}

/* CORS headers for allowed origins, on every answer (errors included). */
static int add_cors_headers(request_rec *r)
{
    const char *origin = apr_table_get(r->headers_in, "Origin");

    if (!auth_origin_allowed(r, origin))
        return DECLINED;
    apr_table_setn(r->err_headers_out, "Access-Control-Allow-Origin", origin);
    apr_table_setn(r->err_headers_out, "Access-Control-Allow-Credentials", "true");
    apr_table_mergen(r->err_headers_out, "Vary", "Origin");
    if (r->method_number == M_OPTIONS
        && apr_table_get(r->headers_in, "Access-Control-Request-Method")) {
        apr_table_setn(r->err_headers_out, "Access-Control-Allow-Methods",
                       "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS");
        apr_table_setn(r->err_headers_out, "Access-Control-Allow-Headers",
                       "Authorization, Content-Type, traceparent");
        apr_table_setn(r->err_headers_out, "Access-Control-Max-Age", "600");
    }
    return DECLINED;
}

static int pre_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp)
{
    auth_revocation_pre_config(pconf);
    return OK;
}

static int post_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp, server_rec *s)
{
    auth_conf_finish(pconf, s);
    if (!auth_conf_get(s)->keys)
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s, SHOPLOGNO(02010) "no ShopAuthSigningKey: "
                     "sign-in cannot issue tokens");
    return auth_revocation_post_config(pconf, s);
}

static void child_init(apr_pool_t *pchild, server_rec *s)
{
    auth_external_child_init(pchild, s);
    auth_revocation_child_init(pchild, s);
}

static void register_hooks(apr_pool_t *p)
{
    ap_hook_check_config(auth_check_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_pre_config(pre_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_post_config(post_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_child_init(child_init, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_header_parser(add_cors_headers, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_handler(auth_handler, NULL, NULL, APR_HOOK_MIDDLE);
    shop_error_hook();
    auth_register_providers(p);
}

AP_DECLARE_MODULE(shop_auth) = {
    STANDARD20_MODULE_STUFF,
    NULL,
    NULL,
    auth_create_server_conf,
    auth_merge_server_conf,
    auth_cmds,
    register_hooks,
    AP_MODULE_FLAG_NONE
};
