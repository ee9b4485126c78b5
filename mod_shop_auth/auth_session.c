/*
 * auth_session.c: the routes of a customer's session: sign-up, sign-in,
 * sign-out, who am I, and the public keys (JWKS) that verify the tokens.
 */
#include "auth.h"

#include "http_log.h"
#include "http_protocol.h"
#include "apr_strings.h"

#include "mod_shop.h"
#include "shop_body.h"
#include "shop_http.h"
#include "shop_pg.h"
#include "shop_log.h"

APLOG_USE_MODULE(shop_auth);

/* A new session for user, whose token generation is generation. */
static int reply_session(request_rec *r, int status, cJSON *user, apr_int64_t generation)
{
    const char *token, *error;
    cJSON *json;

    if ((error = auth_token_issue(r, auth_user_identity(r, user, generation), &token))) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, SHOPLOGNO(02005) "cannot issue a token: %s", error);
        return shop_reply_error(r, HTTP_SERVICE_UNAVAILABLE, "cannot issue a token");
    }
    auth_cookie_set(r, token);
    json = shop_json_own(r->pool, cJSON_CreateObject());
    cJSON_AddItemReferenceToObject(json, "user", user);
    cJSON_AddStringToObject(json, "token", token);
    return shop_reply_json(r, status, json);
}

int auth_sign_up(request_rec *r, const char *id)
{
    shop_error_t *err;
    cJSON *user;

    /* a customer cannot choose a role */
    if (!(user = auth_user_create(r, 0, &err)))
        return shop_reply_failure(r, err);
    return reply_session(r, HTTP_CREATED, user, 0);      /* nothing revoked yet */
}

/* The login of a sign-in body: "email" or "username", whichever is given. */
static const char *login_of(const cJSON *body)
{
    const cJSON *email = cJSON_GetObjectItemCaseSensitive(body, "email");
    const cJSON *username = cJSON_GetObjectItemCaseSensitive(body, "username");

    if (cJSON_IsString(email) && *email->valuestring)
        return email->valuestring;
    return cJSON_IsString(username) && *username->valuestring ? username->valuestring : NULL;
}

static int reply_throttled(request_rec *r, int seconds)
{
    apr_table_setn(r->err_headers_out, "Retry-After", apr_itoa(r->pool, seconds));
    return shop_reply_error(r, HTTP_TOO_MANY_REQUESTS, "too many failed sign-ins; try again later");
}

int auth_sign_in(request_rec *r, const char *id)
{
    const cJSON *password;
    const char *login, *account, *hash = NULL;
    apr_int64_t generation = 0;
    cJSON *body, *user;
    shop_error_t *err;
    PGconn *conn;
    int wait;

    if (!(body = shop_read_json(r, auth_conf_get(r->server)->max_body, &err)))
        return shop_reply_failure(r, err);
    login = login_of(body);
    password = cJSON_GetObjectItemCaseSensitive(body, "password");
    if (!login || !cJSON_IsString(password))
        return shop_reply_error(r, HTTP_BAD_REQUEST, "give email (or username) and password");
    if (!(conn = shop_pg_connection(r, &err)))
        return shop_reply_failure(r, err);
    /* limits count per account (by id), or per login when no account has it */
    user = auth_user_find(r, conn, "login", login, &hash, &generation);
    account = user ? shop_jwt_claim_string(user, "id") : apr_pstrdup(r->pool, login);
    if (!user)
        ap_str_tolower((char *)account);
    if ((wait = auth_throttle_wait(r, conn, account)) != 0)
        return wait < 0 ? shop_reply_failure(r, shop_fail_db(r->pool, "sign-in limit", "see above"))
                        : reply_throttled(r, wait);
    /* an unknown account is checked against the decoy hash: both paths cost the same */
    if (!shop_password_verify(user ? hash : auth_conf_get(r->server)->decoy_hash,
                              password->valuestring) || !user) {
        auth_throttle_failed(r, conn, account);
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, SHOPLOGNO(02006) "failed sign-in for %s", login);
        return shop_reply_error(r, HTTP_UNAUTHORIZED, "invalid email or password");
    }
    auth_throttle_passed(r, conn, account);
    return reply_session(r, HTTP_OK, user, generation);
}

/*
 * Ends every session of the user (all the user's tokens, on every device: a
 * token cannot be revoked alone) and clears the cookie. A request without a
 * valid local token has nothing to end: 204 all the same. Another site's page
 * cannot sign the user out with the cookie (403).
 */
int auth_sign_out(request_rec *r, const char *id)
{
    const char *token = auth_token_from_request(r), *cross_site = auth_cookie_cross_site(r);
    auth_identity_t *who = NULL;
    shop_error_t *err = NULL;
    PGconn *conn;

    if (cross_site)
        return shop_reply_error(r, HTTP_FORBIDDEN, cross_site);
    auth_cookie_clear(r);
    if (token && (err = auth_token_verify(r, token, &who)) && err->status != HTTP_UNAUTHORIZED)
        return shop_reply_failure(r, err);
    if (who && !who->external
        && (!(conn = shop_pg_connection(r, &err)) || (err = auth_revocation_sign_out(r, conn, who->id))))
        return shop_reply_failure(r, err);
    r->status = HTTP_NO_CONTENT;
    return OK;
}

int auth_me(request_rec *r, const char *id)
{
    const char *source = apr_table_get(r->subprocess_env, SHOP_ENV_SOURCE);
    cJSON *user;
    PGconn *conn;
    shop_error_t *err;

    if (!r->user)
        return shop_reply_error(r, HTTP_UNAUTHORIZED, "authentication required");
    if (source && !strcmp(source, "external")) {
        user = shop_json_own(r->pool, cJSON_CreateObject());
        cJSON_AddStringToObject(user, "id", r->user);
        cJSON_AddStringToObject(user, "email", apr_table_get(r->subprocess_env, SHOP_ENV_EMAIL));
        cJSON_AddStringToObject(user, "role", apr_table_get(r->subprocess_env, SHOP_ENV_ROLE));
        cJSON_AddStringToObject(user, "source", "external");
        return shop_reply_json(r, HTTP_OK, user);
    }
    if (!(conn = shop_pg_connection(r, &err)))
        return shop_reply_failure(r, err);
    if (!(user = auth_user_find(r, conn, "id", r->user, NULL, NULL)))
        return shop_reply_error(r, HTTP_UNAUTHORIZED, "this account no longer exists");
    return shop_reply_json(r, HTTP_OK, user);
}

int auth_jwks(request_rec *r, const char *id)
{
    auth_conf_t *conf = auth_conf_get(r->server);
    shop_keyset_t *none = conf->keys ? NULL : shop_keyset_make(r->pool);
    cJSON *jwks = shop_json_own(r->pool, shop_keyset_public_jwks(conf->keys ? conf->keys : none));

    apr_table_setn(r->headers_out, "Cache-Control", "public, max-age=300");
    return shop_reply_json(r, HTTP_OK, jwks);
}
