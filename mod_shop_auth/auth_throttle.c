/*
 * auth_throttle.c: limits failed sign-ins per account and per client address.
 * Counters live in PostgreSQL (auth_throttle, one row per key and window) so
 * every child and every httpd in front of the database shares them. Each
 * failure also deletes up to THROTTLE_PURGE rows whose window has ended for
 * every server, so the table holds about the failures of one window.
 */
#include "auth.h"

#include "http_log.h"
#include "apr_strings.h"

#include "shop_pg.h"
#include "shop_log.h"

APLOG_USE_MODULE(shop_auth);

static const char wait_sql[] =
    "select coalesce(max(ceil(extract(epoch from window_start + $2::int * interval '1 second' - now()))), 0)::int"
    "  from auth_throttle"
    " where ((key = $1 and failures >= $3::int) or (key = $4 and failures >= $5::int))"
    "   and window_start > now() - $2::int * interval '1 second'";

static const char fail_sql[] =
    "insert into auth_throttle as t (key, window_start, failures) values ($1, now(), 1)"
    " on conflict (key) do update set"
    "  failures = case when t.window_start > now() - $2::int * interval '1 second'"
    "                  then t.failures + 1 else 1 end,"
    "  window_start = case when t.window_start > now() - $2::int * interval '1 second'"
    "                      then t.window_start else now() end";

#define THROTTLE_PURGE "100"

static const char purge_sql[] =
    "delete from auth_throttle where key in (select key from auth_throttle"
    " where window_start < now() - $1::int * interval '1 second' limit " THROTTLE_PURGE ")";

static const char *account_key(request_rec *r, const char *account)
{
    return apr_pstrcat(r->pool, "account:", account, NULL);
}

static const char *client_key(request_rec *r)
{
    return apr_pstrcat(r->pool, "client:", r->useragent_ip, NULL);
}

int auth_throttle_wait(request_rec *r, PGconn *conn, const char *account)
{
    auth_conf_t *conf = auth_conf_get(r->server);
    const char *params[5] = {
        account_key(r, account), apr_itoa(r->pool, conf->limit_window),
        apr_itoa(r->pool, conf->account_limit), client_key(r), apr_itoa(r->pool, conf->client_limit)
    };
    const char *error = NULL;
    PGresult *res = shop_pg_exec(r->pool, conn, wait_sql, 5, params, &error);

    if (!res) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, SHOPLOGNO(02007) "sign-in limit: %s", error);
        return -1;
    }
    return atoi(PQgetvalue(res, 0, 0));
}

static void record_failure(request_rec *r, PGconn *conn, const char *key)
{
    const char *params[2] = { key, apr_itoa(r->pool, auth_conf_get(r->server)->limit_window) };
    const char *error = NULL;

    if (!shop_pg_exec(r->pool, conn, fail_sql, 2, params, &error))
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, SHOPLOGNO(02008) "sign-in limit: %s", error);
}

/* Deletes a bounded batch of expired counters. */
static void purge_expired(request_rec *r, PGconn *conn)
{
    const char *params[1] = { apr_itoa(r->pool, auth_conf_get(r->server)->limit_keep) };
    const char *error = NULL;

    if (!shop_pg_exec(r->pool, conn, purge_sql, 1, params, &error))
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, SHOPLOGNO(02111) "sign-in limit: cannot "
                      "purge expired counters: %s", error);
}

void auth_throttle_failed(request_rec *r, PGconn *conn, const char *account)
{
    record_failure(r, conn, account_key(r, account));
    record_failure(r, conn, client_key(r));
    purge_expired(r, conn);
}

void auth_throttle_passed(request_rec *r, PGconn *conn, const char *account)
{
    const char *params[1] = { account_key(r, account) };
    const char *error = NULL;

    if (!shop_pg_exec(r->pool, conn, "delete from auth_throttle where key = $1", 1, params, &error))
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, SHOPLOGNO(02112) "sign-in limit: cannot "
                      "reset the account's counter: %s", error);
}
