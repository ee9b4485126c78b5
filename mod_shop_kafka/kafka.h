/*
 * kafka.h: what the files of mod_shop_kafka share: the process-wide
 * configuration, the worker process and the outbox relay it runs.
 */
#ifndef KAFKA_H
#define KAFKA_H

#include "httpd.h"
#include "http_config.h"
#include <cJSON.h>

#include "mod_shop.h"

extern module AP_MODULE_DECLARE_DATA shop_kafka_module;

#pragma GCC visibility push(hidden)

typedef struct {
    const char *brokers;            /* NULL: not set */
    apr_array_header_t *props;      /* shop_kafka_prop_t */
    int worker;                     /* ShopKafkaWorker On */
    const char *outbox;             /* libpq conninfo of the outbox; NULL: no relay */
} shop_kafka_conf_t;

shop_kafka_conf_t *shop_kafka_conf(server_rec *s);

/* kafka_worker.c: forks and supervises the worker process (post_config) */
int shop_worker_start(apr_pool_t *pconf, server_rec *s);

/* Set by the worker's signal handler; every loop of the worker checks it. */
int shop_worker_stopping(void);

/* kafka_relay.c: the outbox relay, run on a thread of the worker */
void *APR_THREAD_FUNC shop_relay_run(apr_thread_t *thread, void *data);

typedef struct {
    server_rec *s;
    const char *conninfo;
} shop_relay_t;

/* The relay's state for the status report; the caller owns it. */
cJSON *shop_relay_report(void);

/* kafka_consumer.c: the registered consumers, each on a thread of the worker */
void shop_kafka_consumer(apr_pool_t *pconf, const char *name, const char *group,
                         const char *topics, shop_consumer_fn fn, void *baton);
int shop_consumer_count(void);
int shop_consumers_start(apr_pool_t *pool, server_rec *s, const shop_kafka_conf_t *conf);
void shop_consumers_join(void);
cJSON *shop_consumers_report(void);

/* kafka_status.c: the worker's state in shared memory, read by the status handler */
apr_status_t shop_status_create(apr_pool_t *pconf, server_rec *s);
void shop_status_restarted(void);
void shop_status_publish(apr_pool_t *p, cJSON *report);
int shop_status_handler(request_rec *r);

#pragma GCC visibility pop

#endif
