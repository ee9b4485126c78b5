/*
 * kafka_producer.c: one idempotent producer (acks=all) per process: each httpd
 * child (from child_init) and the worker process (for the outbox relay).
 *
 * Created after the fork, never before: librdkafka's threads do not survive
 * fork(). A poller thread serves delivery reports; a sender that wants the
 * broker's acknowledgement waits on a condition variable for its own report. The
 * delivery record is freed by whichever side is last: the waiter, or the report
 * arriving after the waiter gave up.
 */
#include "kafka_producer.h"

#include "http_log.h"
#include "apr_strings.h"
#include "apr_thread_proc.h"
#include "apr_thread_mutex.h"
#include "apr_thread_cond.h"
#include "shop_log.h"
#include "shop_metrics.h"
#include <librdkafka/rdkafka.h>
#include <stdlib.h>

APLOG_USE_MODULE(shop_kafka);

#define SHOP_PRODUCER_POLL_MS 100
#define SHOP_PRODUCER_FLUSH_MS 5000

typedef struct {
    server_rec *s;
    rd_kafka_t *rk;
    apr_thread_t *poller;
    volatile int stopping;
    apr_thread_mutex_t *lock;
    apr_thread_cond_t *delivered;
} shop_producer_t;

struct shop_delivery {
    shop_producer_t *producer;
    rd_kafka_resp_err_t err;
    int done;
    int abandoned;
};

/* The process's producer: set in child_init, cleared by its pool cleanup. */
static shop_producer_t *producer;

static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *msg, void *opaque)
{
    shop_producer_t *pr = opaque;
    shop_delivery_t *d = msg->_private;

    if (msg->err) {
        shop_count(SHOP_COUNT_KAFKA_DELIVERY_ERRORS, 1);
        ap_log_error(APLOG_MARK, APLOG_ERR, 0, pr->s,
                     SHOPLOGNO(01016) "delivery to topic %s failed: %s",
                     rd_kafka_topic_name(msg->rkt), rd_kafka_err2str(msg->err));
    }
    if (!d)
        return;
    apr_thread_mutex_lock(pr->lock);
    d->err = msg->err;
    d->done = 1;
    if (d->abandoned)
        free(d);
    else
        apr_thread_cond_broadcast(pr->delivered);
    apr_thread_mutex_unlock(pr->lock);
}

static void on_log(const rd_kafka_t *rk, int level, const char *facility, const char *buf)
{
    shop_producer_t *pr = rd_kafka_opaque(rk);

    ap_log_error(APLOG_MARK, level > APLOG_DEBUG ? APLOG_DEBUG : level, 0, pr->s,
                 SHOPLOGNO(01017) "librdkafka %s: %s", facility, buf);
}

static void *APR_THREAD_FUNC poll_deliveries(apr_thread_t *thread, void *data)
{
    shop_producer_t *pr = data;

    while (!pr->stopping) {
        rd_kafka_poll(pr->rk, SHOP_PRODUCER_POLL_MS);
        shop_gauge(SHOP_GAUGE_PRODUCER_QUEUE, (apr_uint64_t)rd_kafka_outq_len(pr->rk));
    }
    return NULL;                /* its pool goes with the parent's, after the join */
}

static apr_status_t producer_stop(void *data)
{
    shop_producer_t *pr = data;
    apr_status_t rv;
    int unsent;

    pr->stopping = 1;
    apr_thread_join(&rv, pr->poller);
    rd_kafka_flush(pr->rk, SHOP_PRODUCER_FLUSH_MS);
    unsent = rd_kafka_outq_len(pr->rk);
    if (unsent > 0)
        ap_log_error(APLOG_MARK, APLOG_ERR, 0, pr->s,
                     SHOPLOGNO(01018) "%d message(s) not delivered at shutdown", unsent);
    rd_kafka_destroy(pr->rk);
    producer = NULL;
    return APR_SUCCESS;
}

/* Sets key=value on conf; NULL or librdkafka's reason. */
static const char *conf_set(apr_pool_t *p, rd_kafka_conf_t *conf, const char *key,
                            const char *value)
{
    char err[512];

    if (rd_kafka_conf_set(conf, key, value, err, sizeof(err)) != RD_KAFKA_CONF_OK)
        return apr_pstrdup(p, err);
    return NULL;
}

const char *shop_producer_check_property(apr_pool_t *p, const char *key, const char *value)
{
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    const char *error = conf_set(p, conf, key, value);

    rd_kafka_conf_destroy(conf);
    return error;
}

static int has_prop(const apr_array_header_t *props, const char *key)
{
    int i;

    for (i = 0; i < props->nelts; i++)
        if (!strcmp(APR_ARRAY_IDX(props, i, shop_kafka_prop_t).key, key))
            return 1;
    return 0;
}

static rd_kafka_conf_t *producer_conf(apr_pool_t *p, const char *brokers,
                                      const apr_array_header_t *props, int patient,
                                      const char **error)
{
    static const char *const defaults[][2] = {
        { "enable.idempotence", "true" },
        { "acks", "all" },
        { "linger.ms", "5" },
        { "reconnect.backoff.max.ms", "1000" },
        { "client.id", "mod_shop" },
    };
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    int i;

    *error = conf_set(p, conf, "bootstrap.servers", brokers);
    for (i = 0; !*error && i < (int)(sizeof(defaults) / sizeof(defaults[0])); i++)
        *error = conf_set(p, conf, defaults[i][0], defaults[i][1]);
    for (i = 0; !*error && i < props->nelts; i++) {
        const shop_kafka_prop_t *prop = &APR_ARRAY_IDX(props, i, shop_kafka_prop_t);
        *error = conf_set(p, conf, prop->key, prop->value);
    }
    if (!*error && patient)             /* keep messages until the brokers take them */
        *error = conf_set(p, conf, "message.timeout.ms", "0");
    /*
     * The worker's consumers wait for each event they publish before they go on:
     * no linger (a busy queue is still sent in batches). ShopKafkaProperty wins.
     */
    if (!*error && patient && !has_prop(props, "linger.ms"))
        *error = conf_set(p, conf, "linger.ms", "0");
    if (*error) {
        rd_kafka_conf_destroy(conf);
        return NULL;
    }
    return conf;
}

apr_status_t shop_producer_start(apr_pool_t *pool, server_rec *s, const char *brokers,
                                 const apr_array_header_t *props, int patient)
{
    shop_producer_t *pr = apr_pcalloc(pool, sizeof(*pr));
    const char *error;
    char err[512];
    rd_kafka_conf_t *conf = producer_conf(pool, brokers, props, patient, &error);
    apr_status_t rv;

    if (!conf) {
        ap_log_error(APLOG_MARK, APLOG_ERR, 0, s, SHOPLOGNO(01019) "producer config: %s", error);
        return APR_EINVAL;
    }
    pr->s = s;
    rd_kafka_conf_set_opaque(conf, pr);
    rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
    rd_kafka_conf_set_log_cb(conf, on_log);
    pr->rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
    if (!pr->rk) {
        rd_kafka_conf_destroy(conf);
        ap_log_error(APLOG_MARK, APLOG_ERR, 0, s,
                     SHOPLOGNO(01020) "cannot create producer: %s", err);
        return APR_EGENERAL;
    }
    if ((rv = apr_thread_mutex_create(&pr->lock, APR_THREAD_MUTEX_DEFAULT, pool)) != APR_SUCCESS
        || (rv = apr_thread_cond_create(&pr->delivered, pool)) != APR_SUCCESS
        || (rv = apr_thread_create(&pr->poller, NULL, poll_deliveries, pr, pool)) != APR_SUCCESS) {
        rd_kafka_destroy(pr->rk);
        ap_log_error(APLOG_MARK, APLOG_ERR, rv, s, SHOPLOGNO(01021) "cannot start the producer");
        return rv;
    }
    /* a pre-cleanup: the poller thread must be joined before its pool (a subpool) goes */
    apr_pool_pre_cleanup_register(pool, pr, producer_stop);
    producer = pr;
    return APR_SUCCESS;
}

const char *const *shop_event_headers(apr_pool_t *p, const char *traceparent)
{
    const char **h = apr_pcalloc(p, 5 * sizeof(*h));

    h[0] = "content-type";
    h[1] = "application/cloudevents+json; charset=UTF-8";
    h[2] = traceparent ? "traceparent" : NULL;
    h[3] = traceparent;
    return h;
}

shop_delivery_t *shop_producer_send(apr_pool_t *p, const char *topic, const char *key,
                                    const char *value, apr_size_t len,
                                    const char *const *headers, const char **error)
{
    shop_producer_t *pr = producer;
    rd_kafka_headers_t *hdrs;
    rd_kafka_resp_err_t err;
    shop_delivery_t *d;

    if (!pr) {
        *error = "Kafka is not configured in this process (ShopKafkaBrokers)";
        return NULL;
    }
    if (!(d = calloc(1, sizeof(*d)))) {
        *error = "out of memory";
        return NULL;
    }
    d->producer = pr;
    hdrs = rd_kafka_headers_new(4);
    for (; headers && headers[0]; headers += 2)
        rd_kafka_header_add(hdrs, headers[0], -1, headers[1], -1);
    err = rd_kafka_producev(pr->rk,
                            RD_KAFKA_V_TOPIC(topic),
                            RD_KAFKA_V_KEY(key, strlen(key)),
                            RD_KAFKA_V_VALUE((void *)value, len),
                            RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                            RD_KAFKA_V_HEADERS(hdrs),
                            RD_KAFKA_V_OPAQUE(d),
                            RD_KAFKA_V_END);
    if (err) {
        shop_count(SHOP_COUNT_KAFKA_PRODUCE_ERRORS, 1);
        rd_kafka_headers_destroy(hdrs);
        free(d);
        *error = apr_psprintf(p, "publishing to %s: %s", topic, rd_kafka_err2str(err));
        return NULL;
    }
    return d;
}

int shop_delivery_wait(shop_delivery_t *d, int wait_ms, const char **error, apr_pool_t *p)
{
    shop_producer_t *pr = d->producer;
    apr_time_t deadline = apr_time_now() + apr_time_from_msec(wait_ms);
    int done;

    apr_thread_mutex_lock(pr->lock);
    while (!d->done && apr_time_now() < deadline)
        apr_thread_cond_timedwait(pr->delivered, pr->lock, deadline - apr_time_now());
    done = d->done;
    if (done && d->err)
        *error = apr_pstrdup(p, rd_kafka_err2str(d->err));
    else if (done)
        *error = NULL;
    apr_thread_mutex_unlock(pr->lock);
    return done;
}

void shop_delivery_release(shop_delivery_t *d)
{
    shop_producer_t *pr = d->producer;
    int done;

    apr_thread_mutex_lock(pr->lock);
    done = d->done;
    d->abandoned = !done;               /* the report frees it when it comes */
    apr_thread_mutex_unlock(pr->lock);
    if (done)
        free(d);
}

apr_status_t shop_kafka_publish(apr_pool_t *p, const char *topic, const char *key,
                                const char *json, const char *traceparent, int wait_ms,
                                const char **error)
{
    shop_delivery_t *d = shop_producer_send(p, topic, key, json, strlen(json),
                                            shop_event_headers(p, traceparent), error);
    const char *failure = NULL;
    int done;

    if (!d)
        return APR_EGENERAL;
    done = wait_ms <= 0 || shop_delivery_wait(d, wait_ms, &failure, p);
    shop_delivery_release(d);
    if (!done)
        failure = "no acknowledgement from the brokers in time";
    if (wait_ms > 0 && failure) {
        *error = apr_psprintf(p, "publishing to %s: %s", topic, failure);
        return APR_EGENERAL;
    }
    return APR_SUCCESS;
}

apr_status_t shop_kafka_check(apr_pool_t *p, int timeout_ms, const char **error)
{
    const struct rd_kafka_metadata *md;
    rd_kafka_resp_err_t err;

    if (!producer) {
        *error = "Kafka is not configured in this process (ShopKafkaBrokers)";
        return APR_ENOTIMPL;
    }
    err = rd_kafka_metadata(producer->rk, 0, NULL, &md, timeout_ms);
    if (err) {
        *error = apr_psprintf(p, "no broker answered: %s", rd_kafka_err2str(err));
        return APR_EGENERAL;
    }
    rd_kafka_metadata_destroy(md);
    return APR_SUCCESS;
}
