/*
 * kafka.h: what the files of mod_shop_kafka share: the process-wide
 * configuration, the worker process and the outbox relay it runs.
 */
#ifndef KAFKA_H
#define KAFKA_H

#include "httpd.h"
#include "http_config.h"

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

#pragma GCC visibility pop

#endif
