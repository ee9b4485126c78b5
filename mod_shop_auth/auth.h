/*
 * auth.h: what the files of mod_shop_auth share: its configuration, the
 * identity a verified token yields, and the functions each file offers.
 */
#ifndef AUTH_H
#define AUTH_H

#include "httpd.h"
#include "http_config.h"
#include "apr_thread_mutex.h"
#include "apr_thread_cond.h"

#include <cJSON.h>
#include <libpq-fe.h>

#include "shop_error.h"
#include "shop_jwt.h"
#include "shop_password.h"

extern module AP_MODULE_DECLARE_DATA shop_auth_module;

#pragma GCC visibility push(hidden)

/* An external identity provider (Clerk or any OIDC issuer). */
typedef struct {
    const char *jwks_url;
    const char *issuer;
    const char *audience;           /* NULL: aud not checked */
    const char *role_claim;         /* dotted claim path */
    /* per process, created in child_init */
    apr_thread_mutex_t *lock;       /* guards the three fields below, never held across I/O */
    apr_thread_cond_t *fetched_cond;    /* signalled when a download ends */
    struct auth_external_keys *keys;    /* the current keys, refcounted (auth_external.c) */
    int fetching;                   /* a thread is downloading the JWKS */
    apr_time_t fetched;             /* when the last download started */
} auth_external_t;

/* Server config; a field left unset (NULL / -1) is inherited when merged. */
typedef struct {
    shop_keyset_t *keys;            /* signing key + retired keys */
    const char *issuer;
    int token_lifetime;             /* seconds */
    const char *cookie_name;
    int cookie_secure;
    shop_argon2_t argon2;           /* t_cost 0: unset */
    int account_limit;              /* failed sign-ins per account per window */
    int client_limit;               /* ... per client address */
    int limit_window;               /* seconds */
    int limit_keep;                 /* seconds: the longest window of any server */
    apr_off_t max_body;
    auth_external_t *external;
    apr_array_header_t *cors_origins;
    const char *decoy_hash;         /* verified for unknown accounts (post_config) */
    /* global: the revocation table (auth_revocation.c) */
    const char *revocation_db;      /* conninfo of the watcher; NULL: check the database */
    int revocation_slots;
} auth_conf_t;

/* The defaults, applied in post_config (auth_conf_finish). */
#define AUTH_DEFAULT_ISSUER         "mod_shop"
#define AUTH_DEFAULT_LIFETIME       28800
#define AUTH_DEFAULT_COOKIE         "shop_session"
#define AUTH_DEFAULT_ARGON2_T       2
#define AUTH_DEFAULT_ARGON2_M       19456
#define AUTH_DEFAULT_ARGON2_P       1
#define AUTH_DEFAULT_ACCOUNT_LIMIT  5
#define AUTH_DEFAULT_CLIENT_LIMIT   20
#define AUTH_DEFAULT_LIMIT_WINDOW   300
#define AUTH_DEFAULT_MAX_BODY       16384
#define AUTH_DEFAULT_ROLE_CLAIM     "metadata.role"
#define AUTH_DEFAULT_REVOCATION_SLOTS 65536
#define AUTH_MIN_REVOCATION_SLOTS   16
#define AUTH_MAX_REVOCATION_SLOTS   (4 * 1024 * 1024)

typedef struct {
    const char *id;
    const char *email;
    const char *name;
    const char *role;
    apr_int64_t generation;         /* "gen": the user's token generation at issue */
    int external;
} auth_identity_t;

/* auth_config.c */
extern const command_rec auth_cmds[];
void *auth_create_server_conf(apr_pool_t *p, server_rec *s);
void *auth_merge_server_conf(apr_pool_t *p, void *base, void *add);
auth_conf_t *auth_conf_get(server_rec *s);
void auth_conf_finish(apr_pool_t *pconf, server_rec *s);
int auth_check_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp, server_rec *s);

/* auth_token.c */
const char *auth_token_issue(request_rec *r, const auth_identity_t *who, const char **token);
void auth_cookie_set(request_rec *r, const char *token);
void auth_cookie_clear(request_rec *r);
const char *auth_token_from_request(request_rec *r);
/* Whether origin is one of ShopAuthCORSOrigin's. */
int auth_origin_allowed(request_rec *r, const char *origin);
/*
 * CSRF: NULL, or why an unsafe request (not GET, HEAD or OPTIONS) that the
 * session cookie authenticates comes from another site: its Origin is neither
 * the request's own (its Host) nor one of ShopAuthCORSOrigin's, or it has no
 * Origin and says Sec-Fetch-Site: cross-site.
 */
const char *auth_cookie_cross_site(request_rec *r);
/* The identity of a valid, unrevoked token; else 401 with the reason (or 503). */
shop_error_t *auth_token_verify(request_rec *r, const char *token, auth_identity_t **who);

/* auth_external.c */
void auth_external_child_init(apr_pool_t *pchild, server_rec *s);
const char *auth_external_verify(request_rec *r, auth_external_t *ext, const shop_jwt_t *jwt);

/* auth_revocation.c: tokens that can be revoked */
void auth_revocation_pre_config(apr_pool_t *pconf);
int auth_revocation_post_config(apr_pool_t *pconf, server_rec *s);
void auth_revocation_child_init(apr_pool_t *pchild, server_rec *s);
/* NULL if who's token is not revoked; else 401, or 503 when that cannot be known. */
shop_error_t *auth_revocation_check(request_rec *r, const auth_identity_t *who);
/* After a committed change that may have revoked user's tokens: this httpd sees it at once. */
void auth_revocation_saw(request_rec *r, PGconn *conn, const char *user);
/* Sign-out: revokes every token user holds. */
shop_error_t *auth_revocation_sign_out(request_rec *r, PGconn *conn, const char *user);

/* auth_provider.c */
void auth_register_providers(apr_pool_t *p);

/* auth_throttle.c: sign-in rate limits, shared by every httpd through PostgreSQL */
int auth_throttle_wait(request_rec *r, PGconn *conn, const char *account);
void auth_throttle_failed(request_rec *r, PGconn *conn, const char *account);
void auth_throttle_passed(request_rec *r, PGconn *conn, const char *account);

/* auth_users.c: the user store and the admin routes */
typedef struct {
    const char *email, *username, *first_name, *last_name, *password, *role;
} auth_user_fields_t;

/* Reads the fields of body into f; NULL, or a cJSON object of field errors (owned by r->pool). */
cJSON *auth_user_fields(request_rec *r, const cJSON *body, auth_user_fields_t *f, int partial);
/*
 * Creates a user from the request body (role only when role_allowed: an admin
 * creating one) with its user.created event. The user, or NULL and *err.
 */
cJSON *auth_user_create(request_rec *r, int role_allowed, shop_error_t **err);
/*
 * The user row of id (uuid text) as JSON, or NULL. *hash gets the password
 * hash and *generation the token generation, when asked.
 */
cJSON *auth_user_find(request_rec *r, PGconn *conn, const char *by, const char *value,
                      const char **hash, apr_int64_t *generation);
auth_identity_t *auth_user_identity(request_rec *r, const cJSON *user, apr_int64_t generation);
int auth_users_list(request_rec *r, const char *id);
int auth_users_get(request_rec *r, const char *id);
int auth_users_post(request_rec *r, const char *id);
int auth_users_put(request_rec *r, const char *id);
int auth_users_delete(request_rec *r, const char *id);

/* auth_session.c: sign-up, sign-in, sign-out, me, JWKS */
int auth_sign_up(request_rec *r, const char *id);
int auth_sign_in(request_rec *r, const char *id);
int auth_sign_out(request_rec *r, const char *id);
int auth_me(request_rec *r, const char *id);
int auth_jwks(request_rec *r, const char *id);

#pragma GCC visibility pop

#endif
