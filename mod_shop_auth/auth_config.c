/*
 * auth_config.c: the directives of mod_shop_auth. All are server-wide and
 * inherited by every VirtualHost that does not set them, so the providers work
 * in each service's VirtualHost. Keys are loaded while the configuration is read:
 * a missing or wrong key file fails `apachectl -t`.
 */
#include "auth.h"

#include "http_log.h"
#include "apr_strings.h"
#include "apr_lib.h"

#include "shop_parse.h"
#include "shop_config.h"
#include "shop_log.h"
#include "shop_parse.h"

APLOG_USE_MODULE(shop_auth);

void *auth_create_server_conf(apr_pool_t *p, server_rec *s)
{
    auth_conf_t *conf = apr_pcalloc(p, sizeof(*conf));

    conf->token_lifetime = conf->cookie_secure = SHOP_UNSET;
    conf->account_limit = conf->client_limit = conf->limit_window = SHOP_UNSET;
    conf->max_body = SHOP_UNSET;
    conf->revocation_slots = SHOP_UNSET;
    return conf;
}

void *auth_merge_server_conf(apr_pool_t *p, void *basev, void *addv)
{
    auth_conf_t *base = basev, *add = addv, *conf = apr_pcalloc(p, sizeof(*conf));

    SHOP_MERGE_PTR(keys);
    SHOP_MERGE_PTR(issuer);
    SHOP_MERGE_INT(token_lifetime);
    SHOP_MERGE_PTR(cookie_name);
    SHOP_MERGE_INT(cookie_secure);
    conf->argon2 = add->argon2.t_cost ? add->argon2 : base->argon2;
    SHOP_MERGE_INT(account_limit);
    SHOP_MERGE_INT(client_limit);
    SHOP_MERGE_INT(limit_window);
    SHOP_MERGE_INT(max_body);
    SHOP_MERGE_PTR(external);
    SHOP_MERGE_PTR(cors_origins);
    SHOP_MERGE_PTR(revocation_db);
    SHOP_MERGE_INT(revocation_slots);
    return conf;
}

auth_conf_t *auth_conf_get(server_rec *s)
{
    return ap_get_module_config(s->module_config, &shop_auth_module);
}

/* Resolves every unset field to its default, once, before the children start. */
void auth_conf_finish(apr_pool_t *pconf, server_rec *s)
{
    static const shop_argon2_t argon2 = { AUTH_DEFAULT_ARGON2_T, AUTH_DEFAULT_ARGON2_M,
                                          AUTH_DEFAULT_ARGON2_P };
    server_rec *first = s;
    int keep = 0;

    for (; s; s = s->next) {
        auth_conf_t *conf = auth_conf_get(s);

        if (!conf->issuer)              conf->issuer = AUTH_DEFAULT_ISSUER;
        if (!conf->argon2.t_cost)       conf->argon2 = argon2;
        if (conf->token_lifetime == SHOP_UNSET) conf->token_lifetime = AUTH_DEFAULT_LIFETIME;
        if (!conf->cookie_name)         conf->cookie_name = AUTH_DEFAULT_COOKIE;
        if (conf->cookie_secure == SHOP_UNSET)  conf->cookie_secure = 1;
        if (conf->account_limit == SHOP_UNSET)  conf->account_limit = AUTH_DEFAULT_ACCOUNT_LIMIT;
        if (conf->client_limit == SHOP_UNSET)   conf->client_limit = AUTH_DEFAULT_CLIENT_LIMIT;
        if (conf->limit_window == SHOP_UNSET)   conf->limit_window = AUTH_DEFAULT_LIMIT_WINDOW;
        if (conf->max_body == SHOP_UNSET)       conf->max_body = AUTH_DEFAULT_MAX_BODY;
        if (conf->revocation_slots == SHOP_UNSET) conf->revocation_slots = AUTH_DEFAULT_REVOCATION_SLOTS;
        conf->decoy_hash = shop_password_hash(pconf, &conf->argon2, "decoy password");
        keep = conf->limit_window > keep ? conf->limit_window : keep;
    }
    /* sign-in counters older than every server's window are expired (auth_throttle.c) */
    for (s = first; s; s = s->next)
        auth_conf_get(s)->limit_keep = keep;
}

static auth_conf_t *cmd_conf(cmd_parms *cmd)
{
    return ap_get_module_config(cmd->server->module_config, &shop_auth_module);
}

/* A positive integer no larger than max; -1 if arg is not one. */
static long parse_positive(const char *arg, long max)
{
    long v;

    return shop_parse_int(arg, 1, max, &v) ? v : -1;
}

static const char *load_key(cmd_parms *cmd, const char *arg, int signing)
{
    auth_conf_t *conf = cmd_conf(cmd);
    const char *path = ap_server_root_relative(cmd->temp_pool, arg), *error;

    if (!conf->keys)
        conf->keys = shop_keyset_make(cmd->pool);
    if (signing && shop_keyset_has_signing_key(conf->keys))
        return apr_psprintf(cmd->pool, "%s: only one signing key per server; "
                            "keep old keys with ShopAuthVerifyKey", cmd->cmd->name);
    if ((error = shop_keyset_load_pem(conf->keys, path, signing)))
        return apr_psprintf(cmd->pool, "%s %s: %s", cmd->cmd->name, path, error);
    return NULL;
}

static const char *set_signing_key(cmd_parms *cmd, void *dummy, const char *arg)
{
    return load_key(cmd, arg, 1);
}

static const char *set_verify_key(cmd_parms *cmd, void *dummy, const char *arg)
{
    return load_key(cmd, arg, 0);
}

static const char *set_issuer(cmd_parms *cmd, void *dummy, const char *arg)
{
    if (!*arg)
        return "ShopAuthIssuer must not be empty";
    cmd_conf(cmd)->issuer = arg;
    return NULL;
}

static const char *set_lifetime(cmd_parms *cmd, void *dummy, const char *arg)
{
    long v = parse_positive(arg, 30L * 86400);

    if (v < 0)
        return "ShopAuthTokenLifetime: give seconds, 1 to 2592000 (30 days)";
    cmd_conf(cmd)->token_lifetime = (int)v;
    return NULL;
}

static const char *set_cookie_name(cmd_parms *cmd, void *dummy, const char *arg)
{
    const char *c;

    for (c = arg; *c; c++)
        if (!apr_isalnum(*c) && *c != '_' && *c != '-')
            return "ShopAuthCookieName: letters, digits, '_' and '-' only";
    if (!*arg)
        return "ShopAuthCookieName must not be empty";
    cmd_conf(cmd)->cookie_name = arg;
    return NULL;
}

static const char *set_cookie_secure(cmd_parms *cmd, void *dummy, int on)
{
    cmd_conf(cmd)->cookie_secure = on;
    return NULL;
}

static const char *set_argon2(cmd_parms *cmd, void *dummy, const char *t, const char *m,
                              const char *par)
{
    long tv = parse_positive(t, 100), mv = parse_positive(m, 4L * 1024 * 1024),
         pv = parse_positive(par, 64);

    if (tv < 0 || mv < 8 * pv || pv < 0)
        return "ShopAuthArgon2 <iterations 1-100> <memory KiB, at least 8 x parallelism> "
               "<parallelism 1-64>";
    cmd_conf(cmd)->argon2.t_cost = (uint32_t)tv;
    cmd_conf(cmd)->argon2.m_cost = (uint32_t)mv;
    cmd_conf(cmd)->argon2.parallelism = (uint32_t)pv;
    return NULL;
}

static const char *set_sign_in_limit(cmd_parms *cmd, void *dummy, const char *account,
                                     const char *client, const char *window)
{
    long a = parse_positive(account, 1000000), c = parse_positive(client, 1000000),
         w = parse_positive(window, 86400);

    if (a < 0 || c < 0 || w < 0)
        return "ShopAuthSignInLimit <failures per account> <failures per client address> "
               "<window seconds, up to 86400>";
    cmd_conf(cmd)->account_limit = (int)a;
    cmd_conf(cmd)->client_limit = (int)c;
    cmd_conf(cmd)->limit_window = (int)w;
    return NULL;
}

static const char *set_max_body(cmd_parms *cmd, void *dummy, const char *arg)
{
    long v = parse_positive(arg, 1024L * 1024);

    if (v < 0)
        return "ShopAuthMaxBody: give bytes, 1 to 1048576";
    cmd_conf(cmd)->max_body = v;
    return NULL;
}

static const char *set_revocation_db(cmd_parms *cmd, void *dummy, const char *conninfo)
{
    const char *err = ap_check_cmd_context(cmd, GLOBAL_ONLY);

    if (err)
        return err;
    if ((err = shop_parse_conninfo(cmd->temp_pool, conninfo)))
        return apr_psprintf(cmd->pool, "ShopAuthRevocationDB: %s", err);
    cmd_conf(cmd)->revocation_db = conninfo;
    return NULL;
}

static const char *set_revocation_slots(cmd_parms *cmd, void *dummy, const char *arg)
{
    const char *err = ap_check_cmd_context(cmd, GLOBAL_ONLY);
    long v = parse_positive(arg, AUTH_MAX_REVOCATION_SLOTS);

    if (err)
        return err;
    if (v < AUTH_MIN_REVOCATION_SLOTS)
        return apr_psprintf(cmd->pool, "ShopAuthRevocationSlots: give a number of entries, "
                            "%d to %d", AUTH_MIN_REVOCATION_SLOTS, AUTH_MAX_REVOCATION_SLOTS);
    cmd_conf(cmd)->revocation_slots = (int)v;
    return NULL;
}

static auth_external_t *external(cmd_parms *cmd)
{
    auth_conf_t *conf = cmd_conf(cmd);

    if (!conf->external) {
        conf->external = apr_pcalloc(cmd->pool, sizeof(auth_external_t));
        conf->external->role_claim = AUTH_DEFAULT_ROLE_CLAIM;
    }
    return conf->external;
}

static const char *set_external_jwks(cmd_parms *cmd, void *dummy, const char *arg)
{
    if (!shop_is_http_url(cmd->temp_pool, arg, 0))
        return "ShopAuthExternalJWKS: give an http:// or https:// URL";
    external(cmd)->jwks_url = arg;
    return NULL;
}

static const char *set_external_issuer(cmd_parms *cmd, void *dummy, const char *arg)
{
    if (!*arg)
        return "ShopAuthExternalIssuer must not be empty";
    external(cmd)->issuer = arg;
    return NULL;
}

static const char *set_external_audience(cmd_parms *cmd, void *dummy, const char *arg)
{
    external(cmd)->audience = arg;
    return NULL;
}

static const char *set_external_role_claim(cmd_parms *cmd, void *dummy, const char *arg)
{
    if (!*arg || *arg == '.' || arg[strlen(arg) - 1] == '.')
        return "ShopAuthExternalRoleClaim: a claim name or dotted path, e.g. metadata.role";
    external(cmd)->role_claim = arg;
    return NULL;
}

static const char *add_cors_origin(cmd_parms *cmd, void *dummy, const char *arg)
{
    auth_conf_t *conf = cmd_conf(cmd);

    if (!shop_is_http_url(cmd->temp_pool, arg, 1))
        return apr_psprintf(cmd->pool, "ShopAuthCORSOrigin: '%s' is not an origin "
                            "(scheme://host[:port], no path)", arg);
    if (!conf->cors_origins)
        conf->cors_origins = apr_array_make(cmd->pool, 4, sizeof(const char *));
    APR_ARRAY_PUSH(conf->cors_origins, const char *) = arg;
    return NULL;
}

/* Cross-directive checks, run by `apachectl -t` too. */
int auth_check_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp, server_rec *s)
{
    for (; s; s = s->next) {
        auth_conf_t *conf = ap_get_module_config(s->module_config, &shop_auth_module);
        auth_external_t *ext = conf->external;

        if (ext && (!ext->jwks_url || !ext->issuer)) {
            ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s, SHOPLOGNO(02001) "an external identity "
                         "provider needs both ShopAuthExternalJWKS and ShopAuthExternalIssuer");
            return HTTP_INTERNAL_SERVER_ERROR;
        }
    }
    return OK;
}

const command_rec auth_cmds[] = {
    AP_INIT_TAKE1("ShopAuthSigningKey", set_signing_key, NULL, RSRC_CONF,
                  "PEM file of the EC P-256 private key that signs tokens (ES256)"),
    AP_INIT_TAKE1("ShopAuthVerifyKey", set_verify_key, NULL, RSRC_CONF,
                  "PEM file of a retired key still accepted and published (repeatable)"),
    AP_INIT_TAKE1("ShopAuthIssuer", set_issuer, NULL, RSRC_CONF,
                  "the iss claim of the tokens this server issues (default mod_shop)"),
    AP_INIT_TAKE1("ShopAuthTokenLifetime", set_lifetime, NULL, RSRC_CONF,
                  "seconds a token stays valid (default 28800)"),
    AP_INIT_TAKE1("ShopAuthCookieName", set_cookie_name, NULL, RSRC_CONF,
                  "name of the session cookie (default shop_session)"),
    AP_INIT_FLAG("ShopAuthCookieSecure", set_cookie_secure, NULL, RSRC_CONF,
                 "send the session cookie over HTTPS only (default On)"),
    AP_INIT_TAKE3("ShopAuthArgon2", set_argon2, NULL, RSRC_CONF,
                  "argon2id iterations, memory in KiB and parallelism (default 2 19456 1)"),
    AP_INIT_TAKE3("ShopAuthSignInLimit", set_sign_in_limit, NULL, RSRC_CONF,
                  "failed sign-ins allowed per account and per client address in a window "
                  "of seconds (default 5 20 300)"),
    AP_INIT_TAKE1("ShopAuthMaxBody", set_max_body, NULL, RSRC_CONF,
                  "largest request body the auth routes read, in bytes (default 16384)"),
    AP_INIT_TAKE1("ShopAuthExternalJWKS", set_external_jwks, NULL, RSRC_CONF,
                  "JWKS URL of an external identity provider (Clerk, any OIDC issuer)"),
    AP_INIT_TAKE1("ShopAuthExternalIssuer", set_external_issuer, NULL, RSRC_CONF,
                  "the iss claim of the external provider's tokens"),
    AP_INIT_TAKE1("ShopAuthExternalAudience", set_external_audience, NULL, RSRC_CONF,
                  "the aud claim the external provider's tokens must carry (optional)"),
    AP_INIT_TAKE1("ShopAuthExternalRoleClaim", set_external_role_claim, NULL, RSRC_CONF,
                  "claim holding the role in external tokens (default metadata.role)"),
    AP_INIT_TAKE1("ShopAuthRevocationDB", set_revocation_db, NULL, RSRC_CONF,
                  "libpq conninfo of the connection each child LISTENs on for revoked tokens"),
    AP_INIT_TAKE1("ShopAuthRevocationSlots", set_revocation_slots, NULL, RSRC_CONF,
                  "entries of the shared-memory table of revoked tokens (default 65536)"),
    AP_INIT_ITERATE("ShopAuthCORSOrigin", add_cors_origin, NULL, RSRC_CONF,
                    "origins allowed to call the shop's APIs from a browser"),
    { NULL }
};
