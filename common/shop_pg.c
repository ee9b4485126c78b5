/*
 * shop_pg.c: acquiring mod_dbd connections and running parameterized SQL on them.
 */
#include "shop_pg.h"

#include "apr_strings.h"
#include "apr_optional.h"
#include "apr_dbd.h"
#include "mod_dbd.h"

#include "shop_metrics.h"

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
        shop_count(SHOP_COUNT_PG_ERRORS, 1);
        *error = "cannot connect to PostgreSQL (see the error log)";
        return NULL;
    }
    if (strcmp(apr_dbd_name(dbd->driver), "pgsql") != 0) {
        *error = "DBDriver must be pgsql";
        return NULL;
    }
    return apr_dbd_native_handle(dbd->driver, dbd->handle);
}

PGconn *shop_pg_connection(request_rec *r, shop_error_t **err)
{
    const char *error = NULL;
    PGconn *conn = shop_pg_acquire(r, &error);

    if (!conn)
        *err = shop_fail_db(r->pool, "database", error);
    return conn;
}

static apr_status_t result_cleanup(void *result)
{
    PQclear(result);
    return APR_SUCCESS;
}

int shop_pg_failed(const PGresult *res)
{
    ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;

    return st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK;
}

/* Whether res failed because the named statement is not prepared on this connection. */
static int statement_missing(const PGresult *res)
{
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;

    return state && !strcmp(state, "26000");
}

/*
 * Runs the statement once: with its text, or, when it has a name and no
 * transaction is open (a failure would abort it), as a statement prepared on
 * this connection, preparing it the first time (and again after a reset).
 */
static PGresult *exec_once(PGconn *conn, const char *name, const char *sql, int n,
                           const char *const *params)
{
    PGresult *res;

    if (!name || PQtransactionStatus(conn) != PQTRANS_IDLE)
        return PQexecParams(conn, sql, n, NULL, params, NULL, NULL, 0);
    res = PQexecPrepared(conn, name, n, params, NULL, NULL, 0);
    if (!statement_missing(res))
        return res;
    PQclear(res);
    res = PQprepare(conn, name, sql, n, NULL);
    if (PQresultStatus(res) != PGRES_COMMAND_OK)
        return res;
    PQclear(res);
    return PQexecPrepared(conn, name, n, params, NULL, NULL, 0);
}

/* Whether a failed res is a constraint's refusal (SQLSTATE class 23): an answer, not an error. */
static int answered_by_constraint(const PGresult *res)
{
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;

    return state && !strncmp(state, "23", 2);
}

static PGresult *run(apr_pool_t *p, PGconn *conn, const char *name, const char *sql, int n,
                     const char *const *params)
{
    int idle = PQtransactionStatus(conn) == PQTRANS_IDLE;
    PGresult *res = exec_once(conn, name, sql, n, params);

    if (shop_pg_failed(res) && idle && PQstatus(conn) == CONNECTION_BAD) {
        PQclear(res);
        PQreset(conn);
        res = exec_once(conn, name, sql, n, params);
    }
    if (shop_pg_failed(res) && !answered_by_constraint(res))
        shop_count(SHOP_COUNT_PG_ERRORS, 1);
    if (res)
        apr_pool_cleanup_register(p, res, result_cleanup, apr_pool_cleanup_null);
    return res;
}

PGresult *shop_pg_run(apr_pool_t *p, PGconn *conn, const char *sql, int n,
                      const char *const *params)
{
    return run(p, conn, NULL, sql, n, params);
}

static PGresult *checked(apr_pool_t *p, PGconn *conn, PGresult *res, const char **error)
{
    if (shop_pg_failed(res)) {
        *error = apr_pstrdup(p, res ? PQresultErrorMessage(res) : PQerrorMessage(conn));
        return NULL;
    }
    return res;
}

PGresult *shop_pg_exec(apr_pool_t *p, PGconn *conn, const char *sql, int n,
                       const char *const *params, const char **error)
{
    return checked(p, conn, run(p, conn, NULL, sql, n, params), error);
}

PGresult *shop_pg_exec_named(apr_pool_t *p, PGconn *conn, const char *name, const char *sql,
                             int n, const char *const *params, const char **error)
{
    return checked(p, conn, run(p, conn, name, sql, n, params), error);
}

int shop_pg_unique_violation(const PGresult *res)
{
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;

    return state && !strcmp(state, "23505");
}

static apr_status_t rollback_if_open(void *conn)
{
    if (PQtransactionStatus(conn) != PQTRANS_IDLE)
        PQclear(PQexec(conn, "rollback"));
    return APR_SUCCESS;
}

const char *shop_pg_begin(apr_pool_t *p, PGconn *conn)
{
    const char *error = NULL;

    if (shop_pg_exec(p, conn, "begin", 0, NULL, &error))
        apr_pool_cleanup_register(p, conn, rollback_if_open, apr_pool_cleanup_null);
    return error;
}

const char *shop_pg_commit(apr_pool_t *p, PGconn *conn)
{
    const char *error = NULL;

    shop_pg_exec(p, conn, "commit", 0, NULL, &error);
    return error;
}
