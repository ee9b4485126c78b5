/*
 * shop_route.h: dispatching a service's requests to its route functions.
 * A route is a method and a path; a path may hold one "/:id" segment, which
 * is captured ("/orders/:id", "/orders/:id/refund"). No match: 404 JSON; path
 * matched but not the method: 405 JSON with Allow. HEAD is served by GET routes.
 */
#ifndef SHOP_ROUTE_H
#define SHOP_ROUTE_H

#include "httpd.h"

#pragma GCC visibility push(hidden)

typedef int (*shop_route_fn)(request_rec *r, const char *id);

typedef struct {
    const char *method;
    const char *path;
    shop_route_fn fn;
} shop_route_t;

/*
 * The handler hook of a service: DECLINED unless r->handler is handler, else
 * the answer of the matching route. routes ends with an entry whose method is NULL.
 */
int shop_dispatch(request_rec *r, const char *handler, const shop_route_t *routes);

#pragma GCC visibility pop

#endif
