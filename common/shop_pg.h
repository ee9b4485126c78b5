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

#pragma GCC visibility push(hidden)

/* A connection for this request, or NULL with the reason in *error. */
PGconn *shop_pg_acquire(request_rec *r, const char **error);

/*
 * Runs sql with n text parameters ($1..$n). The result belongs to p. When the
 * connection turns out to be broken outside a transaction, it is reset and the
 * statement retried once. NULL with the server's message in *error on failure.
 */
PGresult *shop_pg_exec(apr_pool_t *p, PGconn *conn, const char *sql, int n,
                       const char *const *params, const char **error);

#pragma GCC visibility pop

#endif
