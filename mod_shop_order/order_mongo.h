/*
 * order_mongo.h: the MongoDB client pools of mod_shop_order: one per httpd
 * child (for the routes) and one in the worker process (for the consumer).
 */
#ifndef ORDER_MONGO_H
#define ORDER_MONGO_H

#include "httpd.h"
#include <mongoc/mongoc.h>

#pragma GCC visibility push(hidden)

/* NULL when uri is a usable MongoDB URI, else the parser's reason. */
const char *order_mongo_check_uri(apr_pool_t *p, const char *uri);

/*
 * Creates a client pool for uri into *clients; owner's cleanup destroys it
 * and sets *clients back to NULL. APR_SUCCESS, or an error (logged).
 */
apr_status_t order_mongo_start(apr_pool_t *owner, server_rec *s, const char *uri,
                               mongoc_client_pool_t **clients);

/* This child's client pool (order_mongo_start from child_init), or NULL. */
mongoc_client_pool_t **order_mongo_child(void);

/* A client of clients, pushed back when p goes. */
mongoc_client_t *order_mongo_client(apr_pool_t *p, mongoc_client_pool_t *clients);

/* A real round trip (ping) on this child's pool; NULL when the server answered, else the reason. */
const char *order_mongo_ping(apr_pool_t *p);

#pragma GCC visibility pop

#endif
