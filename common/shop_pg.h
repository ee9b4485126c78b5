/*
 * shop_pg.h: PostgreSQL for the mod_shop handlers. Connections come from
 * mod_dbd's per-child pool (ap_dbd_acquire, released with r->pool); statements
 * run with libpq's PQexecParams on that connection, always with bound parameters.
 *
 * Why not DBDPrepareSQL: server-side prepared statements vanish when PostgreSQL
 * restarts, and every pooled connection then fails until it expires. A parameterized
 * statement on the native handle survives a PQreset, so a restart costs one retry.
 */
#ifndef SHOP_PG_H
#define SHOP_PG_H

#include "httpd.h"
#include <libpq-fe.h>

#include "shop_error.h"

#pragma GCC visibility push(hidden)

/* A connection for this request, or NULL with the reason in *error. */
PGconn *shop_pg_acquire(request_rec *r, const char **error);

/* A connection for this request, or NULL and *err (503, the cause for the log). */
PGconn *shop_pg_connection(request_rec *r, shop_error_t **err);

/*
 * Runs sql with n text parameters ($1..$n, NULL for SQL null). The result
 * belongs to p, failed or not (NULL only when out of memory); check it with
 * shop_pg_failed and read PQresultErrorField for the SQLSTATE. When the
 * connection turns out to be broken outside a transaction, it is reset and the
 * statement retried once.
 */
PGresult *shop_pg_run(apr_pool_t *p, PGconn *conn, const char *sql, int n,
                      const char *const *params);

/* Whether res is NULL or a failed result. */
int shop_pg_failed(const PGresult *res);

/* shop_pg_run, but NULL with the server's message in *error on failure. */
PGresult *shop_pg_exec(apr_pool_t *p, PGconn *conn, const char *sql, int n,
                       const char *const *params, const char **error);

/*
 * shop_pg_exec for a hot read: the statement is prepared on the connection
 * under name (unique per SQL text, e.g. "shop_product_ids_newest") the first
 * time, and again whenever the server lost it (a restart), so PostgreSQL
 * plans it once per connection instead of once per request. Inside a
 * transaction it runs as shop_pg_exec does.
 */
PGresult *shop_pg_exec_named(apr_pool_t *p, PGconn *conn, const char *name, const char *sql,
                             int n, const char *const *params, const char **error);

/* Whether a failed res broke a unique constraint (SQLSTATE 23505). */
int shop_pg_unique_violation(const PGresult *res);

/*
 * BEGIN, with a cleanup on p that rolls back if the transaction is still open
 * when p goes (a handler that returns early never leaves a pooled connection
 * inside a transaction). NULL or the error.
 */
const char *shop_pg_begin(apr_pool_t *p, PGconn *conn);
const char *shop_pg_commit(apr_pool_t *p, PGconn *conn);

#pragma GCC visibility pop

#endif
