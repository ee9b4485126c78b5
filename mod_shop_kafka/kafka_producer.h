/*
 * kafka_producer.h: the per-child idempotent librdkafka producer of mod_shop_kafka.
 */
#ifndef KAFKA_PRODUCER_H
#define KAFKA_PRODUCER_H

#include "httpd.h"

#pragma GCC visibility push(hidden)

typedef struct {
    const char *key;
    const char *value;
} shop_kafka_prop_t;

typedef struct shop_delivery shop_delivery_t;

/*
 * Creates this process's producer; it is flushed and destroyed with pool.
 * patient: messages never time out in the queue (the outbox relay's producer).
 */
apr_status_t shop_producer_start(apr_pool_t *pool, server_rec *s, const char *brokers,
                                 const apr_array_header_t *props, int patient);

/*
 * Queues one message with the headers given as name, value, ..., NULL pairs
 * (may be NULL); its delivery is followed by the returned record, or NULL and *error.
 */
shop_delivery_t *shop_producer_send(apr_pool_t *p, const char *topic, const char *key,
                                    const char *value, apr_size_t len,
                                    const char *const *headers, const char **error);

/* The headers of an event: content-type (CloudEvents JSON) and traceparent if given. */
const char *const *shop_event_headers(apr_pool_t *p, const char *traceparent);

/*
 * Waits up to wait_ms for d's report: 1 when it came (*error NULL when the brokers
 * took the message, else librdkafka's reason), 0 when still pending.
 */
int shop_delivery_wait(shop_delivery_t *d, int wait_ms, const char **error, apr_pool_t *p);

/* Done with d (pending or not). */
void shop_delivery_release(shop_delivery_t *d);

/* Sets one librdkafka property on a scratch configuration: NULL or the reason it is refused. */
const char *shop_producer_check_property(apr_pool_t *p, const char *key, const char *value);

apr_status_t shop_kafka_publish(apr_pool_t *p, const char *topic, const char *key,
                                   const char *json, const char *traceparent, int wait_ms,
                                   const char **error);

apr_status_t shop_kafka_check(apr_pool_t *p, int timeout_ms, const char **error);

#pragma GCC visibility pop

#endif
