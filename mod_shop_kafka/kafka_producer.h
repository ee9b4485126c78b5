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

/* Creates this process's producer; it is flushed and destroyed with pool. */
apr_status_t shop_producer_start(apr_pool_t *pool, server_rec *s, const char *brokers,
                                 const apr_array_header_t *props);

/* Sets one librdkafka property on a scratch configuration: NULL or the reason it is refused. */
const char *shop_producer_check_property(apr_pool_t *p, const char *key, const char *value);

apr_status_t shop_kafka_publish(apr_pool_t *p, const char *topic, const char *key,
                                   const char *json, const char *traceparent, int wait_ms,
                                   const char **error);

apr_status_t shop_kafka_check(apr_pool_t *p, int timeout_ms, const char **error);

#pragma GCC visibility pop

#endif
