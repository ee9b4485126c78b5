/*
 * shop_outbox.h: writing events to the transactional outbox (DESIGN §3).
 * The caller inserts in the same transaction as the change the event describes;
 * mod_shop_kafka's worker publishes the rows and marks them published.
 */
#ifndef SHOP_OUTBOX_H
#define SHOP_OUTBOX_H

#include "apr_pools.h"
#include <cJSON.h>
#include <libpq-fe.h>

#pragma GCC visibility push(hidden)

/*
 * Queues a CloudEvent of the given type with data (taken over) for topic/key,
 * with the traceparent header (may be NULL). id: the event's id, NULL for a
 * new one (shop_event_new). NULL, or the database's error.
 */
const char *shop_outbox_add(apr_pool_t *p, PGconn *conn, const char *topic, const char *key,
                            const char *id,
                            const char *source, const char *type, cJSON *data,
                            const char *traceparent);

#pragma GCC visibility pop

#endif
