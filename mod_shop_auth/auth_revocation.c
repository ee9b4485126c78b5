/*
 * auth_revocation.c: tokens that can be revoked (db/0004_revocation.sql).
 *
 * Every local token carries "gen", its user's generation when it was issued.
 * PostgreSQL keeps, per user whose tokens were revoked, the generation below
 * which tokens are refused (a role or password change, a sign-out; bigint max
 * once the user is deleted). Each httpd mirrors the revocations that can still
 * matter (younger than the longest token lifetime, and every deletion) in a
 * table in shared memory (auth_table.c, ShopAuthRevocationSlots entries), so
 * checking a token costs no database round trip:
 *
 *   - a revoking request of this httpd stores the new generation right after
 *     its commit, so the very next request of any child sees it;
 *   - a watcher thread per child LISTENs to shop_auth_revoked (common/shop_listen.c,
 *     ShopAuthRevocationDB) for the changes of other servers and of SQL, and
 *     reloads the revocations that matter on each (re)connection.
 *
 * The table is trusted only while this child's watcher is connected. Without
 * it, and for a user whose slot neighbourhood overflowed, the token is checked
 * in the database instead (and refused with 503 if the database cannot say).
 * External tokens are the provider's to revoke; only the deletion of the local
 * user their subject names refuses them.
 */
#include "auth.h"

#include "http_log.h"
#include "http_main.h"
#include "apr_strings.h"
#include "apr_uuid.h"
#include <errno.h>

#include "shop_log.h"
#include "shop_parse.h"
#include "shop_pg.h"

#include "shop_listen.h"
#include "auth_table.h"

APLOG_USE_MODULE(shop_auth);

#define REVOKED_FOR_GOOD APR_INT64_MAX              /* the user was deleted */
#define REVOCATION_MUTEX "shop-auth-revocation"
#define REVOCATION_CHANNEL "shop_auth_revoked"

static auth_table_t *table;                         /* this httpd's, from post_config */
static shop_listen_t *watcher;                      /* this child's, from child_init */
static apr_interval_time_t keep;                    /* how long a revocation matters */

/* ---- the table ----------------------------------------------------------- */

/* Stores that user's tokens below generation are refused, revoked age microseconds ago. */
static int remember(const char *user, apr_int64_t generation, apr_interval_time_t age)
{
    apr_uuid_t key;
    apr_time_t now = apr_time_now();

    if (!table || apr_uuid_parse(&key, user) != APR_SUCCESS)
        return 0;
    if (!auth_table_put(table, key.data, generation,
                        generation == REVOKED_FOR_GOOD ? AUTH_TABLE_FOREVER : now - age + keep, now))
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, ap_server_conf, SHOPLOGNO(02106)
                     "the revocation table is full around user %s: that user's tokens are "
                     "checked in the database; raise ShopAuthRevocationSlots", user);
    return 1;
}

/* A decimal integer, the whole of s. */
static int parse_int64(const char *s, apr_int64_t *v)
{
    char *end;

    errno = 0;
    *v = apr_strtoi64(s, &end, 10);
    return *s && !*end && !errno;
}

/* A row of (user_id, generation, age in microseconds), as the queries below give it. */
static int remember_row(const PGresult *res, int row)
{
    apr_int64_t generation, age;

    return parse_int64(PQgetvalue(res, row, 1), &generation)
           && parse_int64(PQgetvalue(res, row, 2), &age)
           && remember(PQgetvalue(res, row, 0), generation, age);
}

#define ROW_COLUMNS "user_id, generation, (extract(epoch from now() - revoked_at) * 1e6)::bigint"

/* ---- the watcher ----------------------------------------------------------- */

static const char *sync_table(PGconn *conn, void *baton)
{
    static const char sql[] =
        "select " ROW_COLUMNS " from auth_revocation"
        " where generation = 9223372036854775807 or revoked_at > now() - $1::bigint * interval '1 microsecond'";
    /* revocations older than the longest lifetime any server accepts (30 days) are spent */
    static const char purge[] =
        "delete from auth_revocation where generation < 9223372036854775807"
        " and revoked_at < now() - interval '31 days'";
    char age[32];
    const char *params[1] = { age };
    PGresult *res;
    const char *error = NULL;
    int i;

    apr_snprintf(age, sizeof(age), "%" APR_INT64_T_FMT, (apr_int64_t)keep);
    res = PQexecParams(conn, sql, 1, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_TUPLES_OK)
        error = PQerrorMessage(conn);           /* lives until the connection is closed */
    for (i = 0; !error && i < PQntuples(res); i++)
        remember_row(res, i);
    PQclear(res);
    if (!error)
        PQclear(PQexec(conn, purge));
    return error;
}

/* "<user id> <generation>" */
static int notified(PGconn *conn, const char *payload, void *baton)
{
    const char *space = strchr(payload, ' ');
    char user[APR_UUID_FORMATTED_LENGTH + 1];
    apr_int64_t generation;

    if (!space || space - payload != APR_UUID_FORMATTED_LENGTH
        || !parse_int64(space + 1, &generation))
        return 0;
    memcpy(user, payload, APR_UUID_FORMATTED_LENGTH);
    user[APR_UUID_FORMATTED_LENGTH] = '\0';
    return remember(user, generation, 0);
}

/* ---- hooks --------------------------------------------------------------------- */

void auth_revocation_pre_config(apr_pool_t *pconf)
{
    auth_table_pre_config(pconf, REVOCATION_MUTEX);
}

int auth_revocation_post_config(apr_pool_t *pconf, server_rec *s)
{
    auth_conf_t *conf = auth_conf_get(s);
    int lifetime = 0;
    server_rec *vs;

    for (vs = s; vs; vs = vs->next)
        if (auth_conf_get(vs)->token_lifetime > lifetime)
            lifetime = auth_conf_get(vs)->token_lifetime;
    keep = apr_time_from_sec(lifetime + SHOP_JWT_LEEWAY_SECONDS + 1);
    table = NULL;
    if (auth_table_create(&table, conf->revocation_slots, REVOCATION_MUTEX, pconf, s)
        != APR_SUCCESS)
        return HTTP_INTERNAL_SERVER_ERROR;
    if (!conf->revocation_db)
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s, SHOPLOGNO(02107) "no "
                     "ShopAuthRevocationDB: every token is checked for revocation in the database");
    return OK;
}

void auth_revocation_child_init(apr_pool_t *pchild, server_rec *s)
{
    auth_conf_t *conf = auth_conf_get(s);
    shop_listen_spec_t spec = { "revoked tokens", "checking the database on every request",
                                conf->revocation_db, REVOCATION_CHANNEL, sync_table, notified,
                                NULL, s };
    apr_status_t rv;

    if (!table)
        return;
    if ((rv = auth_table_child_init(table, pchild)) != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, rv, s, SHOPLOGNO(02108) "cannot attach "
                     "the revocation table's mutex: every token is checked in the database");
        table = NULL;
        return;
    }
    if (conf->revocation_db && shop_listen_start(pchild, &spec, &watcher) != APR_SUCCESS)
        watcher = NULL;
}

/* ---- requests -------------------------------------------------------------------- */

/* The generation below which who's tokens are refused, from the database (0: none). */
static shop_error_t *generation_in_database(request_rec *r, const char *user,
                                            apr_int64_t *generation)
{
    static const char sql[] = "select generation from auth_revocation where user_id = $1::uuid";
    const char *error = NULL;
    PGconn *conn = shop_pg_acquire(r, &error);
    PGresult *res = conn ? shop_pg_exec(r->pool, conn, sql, 1, &user, &error) : NULL;

    if (!res)
        return shop_fail_unavailable(r->pool, "cannot check the token now", "revocation check",
                                     error);
    *generation = 0;
    if (PQntuples(res) == 1 && !parse_int64(PQgetvalue(res, 0, 0), generation))
        return shop_fail_unavailable(r->pool, "cannot check the token now", "revocation check",
                                     "generation is not a number");
    return NULL;
}

static shop_error_t *current_generation(request_rec *r, const char *user, apr_int64_t *generation)
{
    apr_uuid_t key;

    *generation = 0;
    if (table && shop_listen_current(watcher) && apr_uuid_parse(&key, user) == APR_SUCCESS)
        switch (auth_table_get(table, key.data, apr_time_now(), generation)) {
        case AUTH_TABLE_ABSENT:
            *generation = 0;
            return NULL;
        case AUTH_TABLE_FOUND:
            return NULL;
        case AUTH_TABLE_UNKNOWN:
            break;
        }
    return generation_in_database(r, user, generation);
}

shop_error_t *auth_revocation_check(request_rec *r, const auth_identity_t *who)
{
    apr_int64_t generation;
    shop_error_t *err;

    if (!shop_is_uuid(who->id))         /* not one of our users (an external subject) */
        return who->external ? NULL : shop_fail(r->pool, HTTP_UNAUTHORIZED,
                                                "token subject is not a user id");
    if ((err = current_generation(r, who->id, &generation)))
        return err;
    if (generation == REVOKED_FOR_GOOD)
        return shop_fail(r->pool, HTTP_UNAUTHORIZED, "token revoked: the user was deleted");
    if (!who->external && who->generation < generation)
        return shop_fail(r->pool, HTTP_UNAUTHORIZED, "token revoked (signed out, or the "
                         "password or role changed): sign in again");
    return NULL;
}

void auth_revocation_saw(request_rec *r, PGconn *conn, const char *user)
{
    static const char sql[] = "select " ROW_COLUMNS " from auth_revocation where user_id = $1::uuid";
    const char *error = NULL;
    PGresult *res = shop_pg_exec(r->pool, conn, sql, 1, &user, &error);

    if (!res)
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r, SHOPLOGNO(02109) "cannot "
                      "read the revocation of %s back (the watchers will bring it): %s",
                      user, error);
    else if (PQntuples(res) == 1)
        remember_row(res, 0);
}

shop_error_t *auth_revocation_sign_out(request_rec *r, PGconn *conn, const char *user)
{
    static const char sql[] = "select auth_revoke($1::uuid, false)";
    const char *error = NULL;

    if (!shop_pg_exec(r->pool, conn, sql, 1, &user, &error))
        return shop_fail_db(r->pool, "sign-out", error);
    auth_revocation_saw(r, conn, user);
    return NULL;
}
