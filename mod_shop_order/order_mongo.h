/*
 * order_mongo.h: the per-child MongoDB client pool of mod_shop_order.
 */
#ifndef ORDER_MONGO_H
#define ORDER_MONGO_H

#include "httpd.h"

#pragma GCC visibility push(hidden)

/* NULL when uri is a usable MongoDB URI, else the parser's reason. */
const char *order_mongo_check_uri(apr_pool_t *p, const char *uri);

/* Creates this process's client pool for uri; destroyed with pool. */
apr_status_t order_mongo_start(apr_pool_t *pool, server_rec *s, const char *uri);

/* A real round trip (ping); NULL when the server answered, else the reason. */
const char *order_mongo_ping(apr_pool_t *p);

#pragma GCC visibility pop

#endif
