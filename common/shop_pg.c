/*
 * shop_pg.c: acquiring mod_dbd connections and running parameterized SQL on them.
 */
#include "shop_pg.h"

#include "apr_strings.h"
#include "apr_optional.h"
#include "apr_dbd.h"
#include "mod_dbd.h"

PGconn *shop_pg_acquire(request_rec *r, const char **error)
{
    APR_OPTIONAL_FN_TYPE(ap_dbd_acquire) *acquire = APR_RETRIEVE_OPTIONAL_FN(ap_dbd_acquire);
    ap_dbd_t *dbd;

    if (!acquire) {
        *error = "mod_dbd is not loaded";
        return NULL;
    }
    dbd = acquire(r);
    if (!dbd) {
        *error = "cannot connect to PostgreSQL (see the error log)";
        return NULL;
    }
    if (strcmp(apr_dbd_name(dbd->driver), "pgsql") != 0) {
        *error = "DBDriver must be pgsql";
        return NULL;
    }
    return apr_dbd_native_handle(dbd->driver, dbd->handle);
}

static apr_status_t result_cleanup(void *result)
{
    PQclear(result);
    return APR_SUCCESS;
}

static int result_ok(const PGresult *res)
{
    ExecStatusType st = PQresultStatus(res);
    return st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
}

static PGresult *exec_once(PGconn *conn, const char *sql, int n, const char *const *params)
{
    return PQexecParams(conn, sql, n, NULL, params, NULL, NULL, 0);
}

PGresult *shop_pg_exec(apr_pool_t *p, PGconn *conn, const char *sql, int n,
                       const char *const *params, const char **error)
{
    int idle = PQtransactionStatus(conn) == PQTRANS_IDLE;
    PGresult *res = exec_once(conn, sql, n, params);

    if (!result_ok(res) && idle && PQstatus(conn) == CONNECTION_BAD) {
        PQclear(res);
        PQreset(conn);
        res = exec_once(conn, sql, n, params);
    }
    if (res)
        apr_pool_cleanup_register(p, res, result_cleanup, apr_pool_cleanup_null);
    if (!result_ok(res)) {
        *error = apr_pstrdup(p, res ? PQresultErrorMessage(res) : PQerrorMessage(conn));
        return NULL;
    }
    return res;
}
