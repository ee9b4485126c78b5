/*
 * kafka.h: what the files of mod_shop_kafka share: the process-wide
 * configuration, the worker process and the outbox relay it runs.
 *
 * Calls run one way: mod_shop_kafka.c (hooks, directives) calls the worker and
 * the status page; the worker calls the relay, the consumers and the status
 * page. None of them calls back up: the configuration and the worker's stop
 * flag are passed down.
 */
#ifndef KAFKA_H
#define KAFKA_H

#include "httpd.h"
#include "http_config.h"
#include <cJSON.h>
#include <signal.h>

#include "mod_shop.h"

extern module AP_MODULE_DECLARE_DATA shop_kafka_module;

#pragma GCC visibility push(hidden)

typedef struct {
    const char *brokers;            /* NULL: not set */
    apr_array_header_t *props;      /* shop_kafka_prop_t */
    int worker;                     /* ShopKafkaWorker On */
    const char *outbox;             /* libpq conninfo of the outbox; NULL: no relay */
    apr_interval_time_t outbox_poll;    /* ShopKafkaOutboxPoll; 0: the default */
    const char *access_log;             /* ShopAccessLog; NULL: none */
    int metrics_series;             /* ShopMetricsSeries; 0: the default */
} shop_kafka_conf_t;

#define SHOP_METRICS_SERIES_DEFAULT 512

#define SHOP_OUTBOX_POLL_DEFAULT apr_time_from_sec(2)

/* kafka_stop.c: the worker's stop request, set by its signal handler and read
 * by every loop of the worker (threads included). */
typedef struct {
    volatile sig_atomic_t requested;
} shop_stop_t;

/* Sleeps up to t, waking early once a stop is requested. */
void shop_nap(const shop_stop_t *stop, apr_interval_time_t t);

/* kafka_worker.c: forks and supervises the worker process (post_config) */
int shop_worker_start(apr_pool_t *pconf, server_rec *s, const shop_kafka_conf_t *conf);

/* kafka_relay.c: the outbox relay, run on a thread of the worker */
typedef struct {
    server_rec *s;
    const char *conninfo;
    apr_interval_time_t poll;       /* idle poll when no NOTIFY comes */
    const shop_stop_t *stop;
} shop_relay_t;

void *APR_THREAD_FUNC shop_relay_run(apr_thread_t *thread, void *data);

/* The relay's state for the status report; the caller owns it. */
cJSON *shop_relay_report(void);

/* kafka_consumer.c: the registered consumers, each on a thread of the worker */
void shop_kafka_consumer(apr_pool_t *pconf, const char *name, const char *group,
                         const char *topics, shop_consumer_fn fn, void *baton);
int shop_consumer_count(void);
int shop_consumers_start(apr_pool_t *pool, server_rec *s, const shop_kafka_conf_t *conf,
                         const shop_stop_t *stop);
void shop_consumers_join(void);
cJSON *shop_consumers_report(void);

/* kafka_status.c: the worker's state in shared memory, read by the status handler */
apr_status_t shop_status_create(apr_pool_t *pconf, server_rec *s);
void shop_status_restarted(void);
void shop_status_publish(apr_pool_t *p, cJSON *report);

/* Answers GET /health/worker; worker_on: ShopKafkaWorker is On. */
int shop_status_serve(request_rec *r, int worker_on);

/* Writes the worker's figures (up, restarts, outbox backlog, consumer lag) to /metrics. */
void shop_status_metrics(request_rec *r, int worker_on);

/* kafka_metrics.c: the shared counters and GET /metrics */
apr_status_t shop_metrics_create(apr_pool_t *pconf, server_rec *s, int nseries);

/* Gives the calling process (a child, the worker) its gauges, released with pool. */
void shop_metrics_process(apr_pool_t *pool);

void shop_metrics_count(shop_counter_t counter, apr_uint64_t n);
void shop_metrics_gauge(shop_gauge_t gauge, apr_uint64_t value);

/* log_transaction: counts a request of a service, by route and status, and its latency. */
int shop_metrics_log(request_rec *r);

/* Answers GET /metrics; worker_on: ShopKafkaWorker is On. */
int shop_metrics_serve(request_rec *r, int worker_on);

/* A label value escaped for the text format (in p); a family's HELP and TYPE lines. */
const char *shop_metrics_label(apr_pool_t *p, const char *value);
void shop_metrics_family(request_rec *r, const char *name, const char *type, const char *help);

#pragma GCC visibility pop

/* kafka_trace.c: a traceparent on every request, and ShopAccessLog */
const char *shop_trace_set_log(cmd_parms *cmd, void *dummy, const char *arg);
void shop_trace_register_hooks(void);

#endif
