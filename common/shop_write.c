/*
 * shop_write.c: BEGIN, the change and its refusals; the outbox row and COMMIT.
 */
#include "shop_write.h"

#include "apr_strings.h"

#include "shop_http.h"
#include "shop_outbox.h"
#include "shop_pg.h"

static shop_error_t *refusal(request_rec *r, const shop_write_t *write, const PGresult *res)
{
    const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
    shop_error_t *err = NULL;

    if (!state || (strcmp(state, "23505") && strcmp(state, "23503")))
        return NULL;
    if (write->refuse)
        err = write->refuse(r->pool, res);
    if (!err && !strcmp(state, "23505"))
        err = shop_fail(r->pool, HTTP_CONFLICT, "already exists");
    if (!err)
        err = shop_fail(r->pool, HTTP_NOT_FOUND, write->missing);
    return err;
}

PGresult *shop_write_begin(request_rec *r, PGconn *conn, const shop_write_t *write,
                           shop_error_t **err)
{
    const char *error = shop_pg_begin(r->pool, conn);

    if (error) {
        *err = shop_fail_db(r->pool, write->what, error);
        return NULL;
    }
    return shop_write_run(r, conn, write, err);
}

PGresult *shop_write_run(request_rec *r, PGconn *conn, const shop_write_t *write,
                         shop_error_t **err)
{
    PGresult *res = shop_pg_run(r->pool, conn, write->sql, write->nparams, write->params);
    if (!res) {
        *err = shop_fail_db(r->pool, write->what, PQerrorMessage(conn));
        return NULL;
    }
    if (shop_pg_failed(res)) {
        if (!(*err = refusal(r, write, res)))
            *err = shop_fail_db(r->pool, write->what, PQresultErrorMessage(res));
        return NULL;
    }
    if (PQntuples(res) != 1) {
        *err = shop_fail(r->pool, HTTP_NOT_FOUND, write->missing);
        return NULL;
    }
    return res;
}

shop_error_t *shop_write_commit(request_rec *r, PGconn *conn, const shop_write_event_t *event)
{
    const char *error = NULL;

    if (event && event->topic)
        error = shop_outbox_add(r->pool, conn, event->topic, event->key, event->id, event->source,
                                event->type, cJSON_Duplicate(event->data, 1),
                                shop_request_traceparent(r));
    if (!error)
        error = shop_pg_commit(r->pool, conn);
    return error ? shop_fail_db(r->pool, "commit", error) : NULL;
}
