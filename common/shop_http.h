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

/* Writes {"message": message} with the given status; returns OK. */
int shop_reply_error(request_rec *r, int status, const char *message);

/* 405 with an Allow header naming the methods of the route (e.g. "GET"). */
int shop_reply_bad_method(request_rec *r, const char *allowed);

#pragma GCC visibility pop

#endif
