/*
 * order.h: what the files of mod_shop_order share: its configuration, the
 * order documents in MongoDB (order_store.c), the routes (order_routes.c) and
 * the payment-events consumer (order_consumer.c).
 *
 * Money is kept as integer minor units in MongoDB and shown as major units
 * (39.99) in REST answers and events, as DESIGN §4 and mod_shop.h say.
 */
#ifndef ORDER_H
#define ORDER_H

#include "httpd.h"
#include "http_config.h"
#include <cJSON.h>
#include <mongoc/mongoc.h>

extern module AP_MODULE_DECLARE_DATA shop_order_module;

#pragma GCC visibility push(hidden)

#define ORDER_SOURCE "/mod_shop/order"
#define ORDER_TOPIC "order-events"
#define ORDER_CHART_MONTHS 6

typedef struct {
    const char *mongo_uri;          /* NULL: not set */
    int worker;                     /* ShopOrderWorker On; SHOP_UNSET */
} order_conf_t;

/* ---- order_store.c: the orders collection -------------------------------- */

/* Creates the indexes (checkoutSessionId unique, userId, month). NULL or why not. */
const char *order_store_indexes(apr_pool_t *p, mongoc_client_t *c);

/*
 * Inserts doc; when an order of its checkoutSessionId exists already (the
 * unique index), that one is read instead and *created is 0. *stored is the
 * order as stored (owned by p). NULL or MongoDB's error.
 */
const char *order_store_create(apr_pool_t *p, mongoc_client_t *c, const bson_t *doc,
                               const bson_t **stored, int *created);

/* The first order matching filter into *doc (owned by p; NULL when none). NULL or the error. */
const char *order_store_find(apr_pool_t *p, mongoc_client_t *c, const bson_t *filter,
                             const bson_t **doc);

/* Appends the REST form of the orders matching filter, newest first, to list. */
const char *order_store_list(apr_pool_t *p, mongoc_client_t *c, const bson_t *filter,
                             long limit, long offset, cJSON *list);

/*
 * Applies update ({"$set": ...}) to the order matching filter and reads it
 * back into *doc (owned by p; NULL when nothing matched). NULL or the error.
 */
const char *order_store_update(apr_pool_t *p, mongoc_client_t *c, const bson_t *filter,
                               const bson_t *update, const bson_t **doc);

/*
 * counts[i] = the orders of months[i] ("YYYY-MM"), only those whose payment
 * succeeded when successful is set. One $group accumulator per pipeline (see
 * the README: FerretDB computes only the first). NULL or the error.
 */
const char *order_store_month_counts(apr_pool_t *p, mongoc_client_t *c,
                                     const char *const *months, int n, int successful,
                                     long *counts);

/* The order's REST form (owned by p). */
cJSON *order_json(apr_pool_t *p, const bson_t *doc);

/* The order's id as text (owned by p), "" when it has none. */
const char *order_id(apr_pool_t *p, const bson_t *doc);

/* The string field name of doc (owned by p), or NULL. */
const char *order_string(apr_pool_t *p, const bson_t *doc, const char *name);

/* The integer field name of doc (minor units), or 0. */
apr_int64_t order_int(const bson_t *doc, const char *name);

/* "YYYY-MM" of t in UTC (owned by p). */
const char *order_month(apr_pool_t *p, apr_time_t t);

/* Frees doc when p goes; returns doc. */
bson_t *order_bson_own(apr_pool_t *p, bson_t *doc);

/* Minor units of a JSON money amount (>= 0, at most two decimals); 0 if not one. */
int order_minor(const cJSON *amount, apr_int64_t *minor);

/* The order's CloudEvent (order.created / order.updated) as text, owned by p. */
const char *order_event(apr_pool_t *p, const char *id, const char *type, const bson_t *doc);

/* ---- order_routes.c ------------------------------------------------------------- */

int order_user_orders(request_rec *r, const char *id);
int order_list(request_rec *r, const char *id);
int order_get(request_rec *r, const char *id);
int order_patch(request_rec *r, const char *id);
int order_refund(request_rec *r, const char *id);
int order_chart(request_rec *r, const char *id);

/* shop_order_for_session (mod_shop.h) */
const char *shop_order_for_session(request_rec *r, const char *session_id, const char **error);

/* ---- order_consumer.c ------------------------------------------------------------- */

/* Registers the payment-events consumer with mod_shop_kafka's worker (post_config). */
void order_consumer_register(apr_pool_t *pconf, server_rec *s, const order_conf_t *conf);

#pragma GCC visibility pop

#endif
