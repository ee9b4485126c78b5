/*
 * shop_error.h: one way to answer a failure. Helpers never write the reply:
 * they return a shop_error_t (allocated from the request's pool) and the handler
 * answers it once with shop_reply_failure.
 *
 *     if (!(body = shop_read_json(r, limit, &err)))
 *         return shop_reply_failure(r, err);
 */
#ifndef SHOP_ERROR_H
#define SHOP_ERROR_H

#include "httpd.h"
#include <cJSON.h>

#pragma GCC visibility push(hidden)

typedef struct shop_error_t {
    int status;             /* the HTTP status to answer */
    const char *message;    /* {"message": ...}, what the client reads */
    cJSON *body;            /* or this whole JSON body (owned by the pool); may be NULL */
    const char *cause;      /* what the error log gets for a 5xx; never shown */
} shop_error_t;

/* A failure the client caused or should know about: status and message. */
shop_error_t *shop_fail(apr_pool_t *p, int status, const char *message);

/* A failure answered with a JSON body of its own (e.g. per-field reasons). */
shop_error_t *shop_fail_body(apr_pool_t *p, int status, cJSON *body);

/* 503 "the database is unavailable"; what and cause go to the error log. */
shop_error_t *shop_fail_db(apr_pool_t *p, const char *what, const char *cause);

/* 503 with message; what and cause go to the error log. */
shop_error_t *shop_fail_unavailable(apr_pool_t *p, const char *message, const char *what,
                                    const char *cause);

/*
 * Answers err (logging the cause of a 5xx) and returns what the handler
 * returns. An err with status AP_FILTER_ERROR (a filter has answered already)
 * is returned as it is.
 */
int shop_reply_failure(request_rec *r, const shop_error_t *err);

#pragma GCC visibility pop

#endif
