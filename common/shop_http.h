/*
 * shop_http.h: request-side helpers every mod_shop service shares:
 * JSON answers (bodies and errors) and cJSON objects owned by a pool.
 */
#ifndef SHOP_HTTP_H
#define SHOP_HTTP_H

#include "httpd.h"
#include <cJSON.h>

#pragma GCC visibility push(hidden)

/* Frees json when p is cleared or destroyed; returns json. */
cJSON *shop_json_own(apr_pool_t *p, cJSON *json);

/* Writes json with the given status; returns OK. json stays the caller's. */
int shop_reply_json(request_rec *r, int status, cJSON *json);

/* Writes text, a JSON document, with the given status; returns OK. */
int shop_reply_json_text(request_rec *r, int status, const char *text, apr_size_t len);

/* Writes {"message": message} with the given status; returns OK. */
int shop_reply_error(request_rec *r, int status, const char *message);

/* 405 with an Allow header naming the methods of the route (e.g. "GET"). */
int shop_reply_bad_method(request_rec *r, const char *allowed);

/*
 * The query argument name as an integer in [min, max], def when absent.
 * 0 when present but not such an integer (the caller answers 400).
 */
int shop_query_int(request_rec *r, const char *name, long def, long min, long max, long *value);

/* The query string as a table (shop_parse_query). */
apr_table_t *shop_query_table(request_rec *r);

/* The query argument name, or NULL. */
const char *shop_query_arg(request_rec *r, const char *name);

/* The request's W3C traceparent: a valid incoming one, else a new one. */
const char *shop_request_traceparent(request_rec *r);

/*
 * Registers the JSON error handler behind ErrorDocument (SetHandler shop-error),
 * which answers the status of the request that failed with its SHOP_NOTE_ERROR
 * reason. Every service module calls it from its register_hooks, so the error
 * documents are JSON whichever services a server loads; the first one answers.
 */
void shop_error_hook(void);

#pragma GCC visibility pop

#endif
