/*
 * auth_provider.c: how every mod_shop service is protected, in httpd's terms.
 *
 *   AuthType shop                 authenticate by the token of the request
 *   Require valid-user            any signed-in user (mod_authz_user)
 *   Require shop-role admin       a role; "user" is satisfied by admins too
 *
 * A refused request gets 401 (with WWW-Authenticate: Bearer) or 403; the reason
 * is left in the SHOP_NOTE_ERROR note for the JSON ErrorDocument (shop-error).
 */
#include "auth.h"

#include "http_log.h"
#include "http_request.h"
#include "mod_auth.h"
#include "http_core.h"
#include "apr_strings.h"

#include "mod_shop.h"
#include "shop_log.h"

APLOG_USE_MODULE(shop_auth);

#define ROLE_USER  1
#define ROLE_ADMIN 2

/* 401; the reason goes to the JSON body only (it may quote the token's header) */
static int refuse(request_rec *r, const char *reason, const char *challenge)
{
    apr_table_setn(r->notes, SHOP_NOTE_ERROR, reason);
    apr_table_setn(r->err_headers_out, "WWW-Authenticate", challenge);
    return HTTP_UNAUTHORIZED;
}

static void set_identity(request_rec *r, const auth_identity_t *who)
{
    r->user = (char *)who->id;
    apr_table_setn(r->subprocess_env, SHOP_ENV_ROLE, who->role);
    apr_table_setn(r->subprocess_env, SHOP_ENV_SOURCE, who->external ? "external" : "local");
    if (who->email)
        apr_table_setn(r->subprocess_env, SHOP_ENV_EMAIL, who->email);
    if (who->name)
        apr_table_setn(r->subprocess_env, SHOP_ENV_NAME, who->name);
}

static int authenticate(request_rec *r)
{
    const char *type = ap_auth_type(r), *token, *reason;
    auth_identity_t *who;
    shop_error_t *err;

    if (!type || strcasecmp(type, "shop"))
        return DECLINED;
    if (!(token = auth_token_from_request(r)))
        return refuse(r, "authentication required", "Bearer realm=\"mod_shop\"");
    if ((reason = auth_cookie_cross_site(r))) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, SHOPLOGNO(02900) "%s", reason);
        apr_table_setn(r->notes, SHOP_NOTE_ERROR, reason);
        return HTTP_FORBIDDEN;
    }
    if ((err = auth_token_verify(r, token, &who))) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, SHOPLOGNO(02004) "token refused: %s%s%s",
                      err->message, err->cause ? ": " : "", err->cause ? err->cause : "");
        if (err->status != HTTP_UNAUTHORIZED) {
            apr_table_setn(r->notes, SHOP_NOTE_ERROR, err->message);
            return err->status;
        }
        return refuse(r, err->message, "Bearer realm=\"mod_shop\", error=\"invalid_token\"");
    }
    set_identity(r, who);
    return OK;
}

static authz_status role_check(request_rec *r, const char *require_line, const void *parsed)
{
    int wanted = *(const int *)parsed;
    const char *role;

    if (!r->user)
        return AUTHZ_DENIED_NO_USER;
    role = apr_table_get(r->subprocess_env, SHOP_ENV_ROLE);
    if (role && (!strcmp(role, "admin") || (!strcmp(role, "user") && (wanted & ROLE_USER))))
        return AUTHZ_GRANTED;
    apr_table_setn(r->notes, SHOP_NOTE_ERROR,
                   apr_pstrcat(r->pool, "forbidden: requires role ", require_line, NULL));
    return AUTHZ_DENIED;
}

static const char *role_parse(cmd_parms *cmd, const char *require_line, const void **parsed)
{
    int *mask = apr_pcalloc(cmd->pool, sizeof(*mask));
    const char *line = require_line, *word;

    while (*(word = ap_getword_conf(cmd->temp_pool, &line))) {
        if (!strcmp(word, "user"))
            *mask |= ROLE_USER;
        else if (!strcmp(word, "admin"))
            *mask |= ROLE_ADMIN;
        else
            return apr_psprintf(cmd->pool, "Require shop-role: unknown role '%s' "
                                "(use user or admin)", word);
    }
    if (!*mask)
        return "Require shop-role: name a role (user or admin)";
    *parsed = mask;
    return NULL;
}

static const authz_provider role_provider = { role_check, role_parse };

void auth_register_providers(apr_pool_t *p)
{
    ap_hook_check_authn(authenticate, NULL, NULL, APR_HOOK_MIDDLE, AP_AUTH_INTERNAL_PER_CONF);
    ap_register_auth_provider(p, AUTHZ_PROVIDER_GROUP, "shop-role", AUTHZ_PROVIDER_VERSION,
                              &role_provider, AP_AUTH_INTERNAL_PER_CONF);
}
