/*
 * shop_write.h: the transactional write (DESIGN §3). A change to PostgreSQL
 * and the event that tells the other services about it commit together, or
 * neither does:
 *
 *     res = shop_write_begin(r, conn, &write, &err);    BEGIN, the statement, refusals
 *     ... the event's data from the written row ...
 *     err = shop_write_commit(r, conn, &event);          the outbox row, COMMIT
 *
 * A handler that returns between the two leaves nothing behind: the pool's
 * cleanup rolls the transaction back.
 */
#ifndef SHOP_WRITE_H
#define SHOP_WRITE_H

#include "httpd.h"
#include <cJSON.h>
#include <libpq-fe.h>

#include "shop_error.h"

#pragma GCC visibility push(hidden)

typedef struct shop_write_t {
    const char *what;               /* names the change in the error log ("create user") */
    const char *sql;                /* the change, RETURNING the changed row */
    int nparams;
    const char *const *params;
    const char *missing;            /* 404 message when no row comes back */
    /*
     * The answer to a broken unique (23505) or foreign key (23503) constraint,
     * from the failed result; NULL (or returning NULL) means 409 "already
     * exists" and 404 missing.
     */
    shop_error_t *(*refuse)(apr_pool_t *p, const PGresult *res);
} shop_write_t;

typedef struct shop_write_event_t {
    const char *topic;              /* NULL: the write has no event */
    const char *key;                /* the Kafka key (the entity's id) */
    const char *id;                 /* the event's id; NULL: a new one */
    const char *source;             /* CloudEvents source */
    const char *type;               /* CloudEvents type, e.g. "user.created" */
    const cJSON *data;              /* the caller's (e.g. owned by the pool); the outbox gets a copy */
} shop_write_event_t;

/*
 * BEGIN and the change. The result (exactly one row), or NULL and *err:
 * 503 when the database fails, the refusal of a broken constraint, 404 when no row.
 */
PGresult *shop_write_begin(request_rec *r, PGconn *conn, const shop_write_t *write,
                           shop_error_t **err);

/* A further statement of the open transaction, checked as shop_write_begin checks. */
PGresult *shop_write_run(request_rec *r, PGconn *conn, const shop_write_t *write,
                         shop_error_t **err);

/* The event, if any (with the request's traceparent), and COMMIT. NULL, or a 503. */
shop_error_t *shop_write_commit(request_rec *r, PGconn *conn, const shop_write_event_t *event);

#pragma GCC visibility pop

#endif
