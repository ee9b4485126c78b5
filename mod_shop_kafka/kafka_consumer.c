/*
 * kafka_consumer.c: the consumers the modules register (shop_kafka_consumer),
 * each a librdkafka high-level consumer on its own thread of the worker.
 *
 * A message's offset is committed (asynchronously) only after its handler said
 * the effect is durable (DONE) or after it reached <topic>.dlq (REJECT). A
 * RETRY pauses just that partition and seeks back to the message, so the other
 * partitions keep flowing; the partition resumes after a backoff that doubles
 * from 1 s to 60 s while the same message keeps failing. Messages are handled
 * one at a time between polls, so a rebalance never finds work half-done.
 */
#include "kafka.h"
#include "kafka_producer.h"
#include "mod_shop.h"

#include "http_log.h"
#include "apr_hash.h"
#include "apr_strings.h"
#include "apr_thread_mutex.h"
#include "apr_thread_proc.h"
#include "shop_log.h"
#include <librdkafka/rdkafka.h>
#include <cJSON.h>

APLOG_USE_MODULE(shop_kafka);

#define POLL_MS 200
#define BACKOFF_MAX_SECONDS 60
#define DLQ_WAIT_SLICE_MS 500

typedef struct {
    const char *topic;
    int partition;
    apr_time_t resume_at;
} paused_t;

struct shop_consumer {
    const char *name, *group, *topics;
    shop_consumer_fn fn;
    void *baton;
    /* in the worker */
    server_rec *s;
    const shop_stop_t *stop;
    rd_kafka_t *rk;
    apr_pool_t *pool;
    apr_thread_t *thread;
    apr_thread_mutex_t *lock;               /* guards what the status report reads */
    apr_uint64_t processed, retried, rejected;
    const char *state;
    cJSON *lag;                             /* {"topic/partition": lag} from the statistics */
    cJSON *assigned;                        /* ["topic/partition", ...] this member holds */
    apr_hash_t *attempts;                   /* "topic/partition" -> failed attempts in a row */
    apr_array_header_t *paused;             /* paused_t */
};

typedef struct shop_consumer shop_consumer_t;

/* The registrations of this configuration cycle (in pconf). */
static apr_array_header_t *registered;

static apr_status_t forget_registrations(void *data)
{
    registered = NULL;
    return APR_SUCCESS;
}

void shop_kafka_consumer(apr_pool_t *pconf, const char *name, const char *group,
                         const char *topics, shop_consumer_fn fn, void *baton)
{
    shop_consumer_t *c = apr_pcalloc(pconf, sizeof(*c));

    if (!registered) {
        registered = apr_array_make(pconf, 4, sizeof(shop_consumer_t *));
        apr_pool_cleanup_register(pconf, NULL, forget_registrations, apr_pool_cleanup_null);
    }
    c->name = apr_pstrdup(pconf, name);
    c->group = apr_pstrdup(pconf, group);
    c->topics = apr_pstrdup(pconf, topics);
    c->fn = fn;
    c->baton = baton;
    APR_ARRAY_PUSH(registered, shop_consumer_t *) = c;
}

int shop_consumer_count(void)
{
    return registered ? registered->nelts : 0;
}

static void set_state(shop_consumer_t *c, const char *state)
{
    apr_thread_mutex_lock(c->lock);
    c->state = state;
    apr_thread_mutex_unlock(c->lock);
}

/* ---- statistics: lag per partition ------------------------------------- */

static int on_stats(rd_kafka_t *rk, char *json, size_t len, void *opaque)
{
    shop_consumer_t *c = opaque;
    cJSON *stats = cJSON_ParseWithLength(json, len), *lag = cJSON_CreateObject();
    const cJSON *topic, *part;
    char name[512];

    cJSON_ArrayForEach(topic, cJSON_GetObjectItem(stats, "topics"))
        cJSON_ArrayForEach(part, cJSON_GetObjectItem(topic, "partitions")) {
            const cJSON *id = cJSON_GetObjectItem(part, "partition");
            const cJSON *value = cJSON_GetObjectItem(part, "consumer_lag");
            if (cJSON_IsNumber(id) && id->valueint >= 0 && cJSON_IsNumber(value)
                && value->valuedouble >= 0) {
                apr_snprintf(name, sizeof(name), "%s/%d", topic->string, id->valueint);
                cJSON_AddNumberToObject(lag, name, value->valuedouble);
            }
        }
    cJSON_Delete(stats);
    apr_thread_mutex_lock(c->lock);
    cJSON_Delete(c->lag);
    c->lag = lag;
    apr_thread_mutex_unlock(c->lock);
    return 0;                               /* librdkafka frees json */
}

/* ---- rebalances and pauses ----------------------------------------------- */

/* Remembers the partitions the group gave this member (none when revoked). */
static void set_assigned(shop_consumer_t *c, const rd_kafka_topic_partition_list_t *parts)
{
    cJSON *assigned = cJSON_CreateArray();
    char name[512];
    int i;

    for (i = 0; parts && i < parts->cnt; i++) {
        apr_snprintf(name, sizeof(name), "%s/%d", parts->elems[i].topic, parts->elems[i].partition);
        cJSON_AddItemToArray(assigned, cJSON_CreateString(name));
    }
    apr_thread_mutex_lock(c->lock);
    cJSON_Delete(c->assigned);
    c->assigned = assigned;
    apr_thread_mutex_unlock(c->lock);
}

/*
 * librdkafka keeps a partition's pause across assignments: one paused for a
 * retry (retry_later) and revoked before its resume would come back paused and
 * never be read again, so each assignment starts resumed.
 */
static void resume_assigned(shop_consumer_t *c, rd_kafka_t *rk,
                            rd_kafka_topic_partition_list_t *parts)
{
    rd_kafka_resp_err_t err = rd_kafka_resume_partitions(rk, parts);

    if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
        ap_log_error(APLOG_MARK, APLOG_ERR, 0, c->s, SHOPLOGNO(01044) "consumer %s: resuming %d "
                     "assigned partition(s) failed: %s", c->name, parts->cnt, rd_kafka_err2str(err));
}

static void on_rebalance(rd_kafka_t *rk, rd_kafka_resp_err_t err,
                         rd_kafka_topic_partition_list_t *parts, void *opaque)
{
    shop_consumer_t *c = opaque;
    int assigning = err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS;
    rd_kafka_resp_err_t rv;

    apr_array_clear(c->paused);             /* a new assignment starts from committed offsets */
    ap_log_error(APLOG_MARK, APLOG_INFO, 0, c->s,
                 SHOPLOGNO(01001) "consumer %s: %d partition(s) %s",
                 c->name, parts->cnt, assigning ? "assigned" : "revoked");
    rv = rd_kafka_assign(rk, assigning ? parts : NULL);
    set_assigned(c, assigning && rv == RD_KAFKA_RESP_ERR_NO_ERROR ? parts : NULL);
    if (rv != RD_KAFKA_RESP_ERR_NO_ERROR)
        ap_log_error(APLOG_MARK, APLOG_ERR, 0, c->s, SHOPLOGNO(01002) "consumer %s: %s %d "
                     "partition(s) failed: %s", c->name, assigning ? "taking" : "giving up",
                     parts->cnt, rd_kafka_err2str(rv));
    else if (assigning)
        resume_assigned(c, rk, parts);
}

static rd_kafka_topic_partition_list_t *one_partition(const char *topic, int partition,
                                                      apr_int64_t offset)
{
    rd_kafka_topic_partition_list_t *list = rd_kafka_topic_partition_list_new(1);

    rd_kafka_topic_partition_list_add(list, topic, partition)->offset = offset;
    return list;
}

/* Pauses the message's partition and rewinds it to the message, for a later retry. */
static void retry_later(shop_consumer_t *c, const rd_kafka_message_t *msg, int attempt)
{
    int seconds = 1 << (attempt < 7 ? attempt - 1 : 6);
    rd_kafka_topic_partition_list_t *list;
    rd_kafka_error_t *error;
    rd_kafka_resp_err_t err;
    paused_t *pause;

    seconds = seconds > BACKOFF_MAX_SECONDS ? BACKOFF_MAX_SECONDS : seconds;
    list = one_partition(rd_kafka_topic_name(msg->rkt), msg->partition, msg->offset);
    if ((err = rd_kafka_pause_partitions(c->rk, list)) != RD_KAFKA_RESP_ERR_NO_ERROR)
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, c->s, SHOPLOGNO(01003) "consumer %s: pause: %s",
                     c->name, rd_kafka_err2str(err));
    if ((error = rd_kafka_seek_partitions(c->rk, list, 5000))) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, c->s, SHOPLOGNO(01004) "consumer %s: seek: %s",
                     c->name, rd_kafka_error_string(error));
        rd_kafka_error_destroy(error);
    }
    rd_kafka_topic_partition_list_destroy(list);
    pause = apr_array_push(c->paused);
    pause->topic = apr_pstrdup(c->pool, rd_kafka_topic_name(msg->rkt));
    pause->partition = msg->partition;
    pause->resume_at = apr_time_now() + apr_time_from_sec(seconds);
}

static void resume_due(shop_consumer_t *c)
{
    apr_time_t now = apr_time_now();
    rd_kafka_resp_err_t err;
    int i;

    for (i = 0; i < c->paused->nelts; i++) {
        paused_t *pause = &APR_ARRAY_IDX(c->paused, i, paused_t);
        rd_kafka_topic_partition_list_t *list;

        if (pause->resume_at > now)
            continue;
        list = one_partition(pause->topic, pause->partition, RD_KAFKA_OFFSET_INVALID);
        if ((err = rd_kafka_resume_partitions(c->rk, list)) != RD_KAFKA_RESP_ERR_NO_ERROR)
            ap_log_error(APLOG_MARK, APLOG_WARNING, 0, c->s, SHOPLOGNO(01005) "consumer %s: resume "
                         "%s/%d: %s", c->name, pause->topic, pause->partition, rd_kafka_err2str(err));
        rd_kafka_topic_partition_list_destroy(list);
        *pause = APR_ARRAY_IDX(c->paused, c->paused->nelts - 1, paused_t);
        c->paused->nelts--;
        i--;
    }
}

/* ---- one message ------------------------------------------------------------ */

static const char *header(const rd_kafka_message_t *msg, apr_pool_t *p, const char *name)
{
    rd_kafka_headers_t *headers = NULL;
    const void *value;
    size_t size;

    if (rd_kafka_message_headers(msg, &headers) != RD_KAFKA_RESP_ERR_NO_ERROR
        || rd_kafka_header_get_last(headers, name, &value, &size) != RD_KAFKA_RESP_ERR_NO_ERROR)
        return NULL;
    return apr_pstrmemdup(p, value, size);
}

static void to_message(const rd_kafka_message_t *msg, apr_pool_t *p, shop_message_t *m)
{
    m->topic = rd_kafka_topic_name(msg->rkt);
    m->partition = msg->partition;
    m->offset = msg->offset;
    m->key = msg->key ? apr_pstrmemdup(p, msg->key, msg->key_len) : "";
    m->value = apr_pstrmemdup(p, msg->payload ? msg->payload : "", msg->len);
    m->len = msg->len;
    m->traceparent = header(msg, p, "traceparent");
}

/* Sends the message to <topic>.dlq with why; 1 once the brokers took it. */
static int to_dead_letters(shop_consumer_t *c, const shop_message_t *m, const char *why,
                           apr_pool_t *p)
{
    const char *headers[] = {
        "error", why, "original-topic", m->topic,
        "original-partition", apr_itoa(p, m->partition),
        "original-offset", apr_off_t_toa(p, m->offset),
        "consumer-group", c->group,
        m->traceparent ? "traceparent" : NULL, m->traceparent, NULL
    };
    const char *dlq = apr_pstrcat(p, m->topic, ".dlq", NULL), *error = NULL;
    shop_delivery_t *d = shop_producer_send(p, dlq, m->key, m->value, m->len, headers, &error);
    int done = 0;

    while (d && !c->stop->requested && !(done = shop_delivery_wait(d, DLQ_WAIT_SLICE_MS, &error, p)))
        ;
    if (d)
        shop_delivery_release(d);
    if (!done || error) {
        ap_log_error(APLOG_MARK, APLOG_ERR, 0, c->s,
                     SHOPLOGNO(01006) "consumer %s: cannot write to "
                     "%s: %s", c->name, dlq, error ? error : "stopped");
        return 0;
    }
    shop_metrics_count(SHOP_COUNT_DLQ_MESSAGES, 1);
    return 1;
}

/*
 * The offset after msg, committed asynchronously: the effect is durable
 * already, so a commit lost to a crash only brings the message again (to an
 * idempotent handler), while waiting for each commit would cap a consumer at
 * one broker round trip per message. Outcomes arrive at on_commit.
 */
static void commit(shop_consumer_t *c, const rd_kafka_message_t *msg)
{
    rd_kafka_resp_err_t err = rd_kafka_commit_message(c->rk, msg, 1);

    if (err)
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, c->s, SHOPLOGNO(01007) "consumer %s: commit of "
                     "%s/%d@%" APR_INT64_T_FMT ": %s (it may be handled again)", c->name,
                     rd_kafka_topic_name(msg->rkt), msg->partition, (apr_int64_t)msg->offset,
                     rd_kafka_err2str(err));
}

static void on_commit(rd_kafka_t *rk, rd_kafka_resp_err_t err,
                      rd_kafka_topic_partition_list_t *offsets, void *opaque)
{
    shop_consumer_t *c = opaque;

    if (err && err != RD_KAFKA_RESP_ERR__NO_OFFSET)
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, c->s, SHOPLOGNO(01041) "consumer %s: a commit "
                     "failed: %s (its messages may be handled again)", c->name,
                     rd_kafka_err2str(err));
}

static void handle(shop_consumer_t *c, const rd_kafka_message_t *msg, apr_pool_t *p)
{
    shop_message_t m;
    const char *error = NULL, *where;
    int *attempts;
    shop_consume_t result;

    to_message(msg, p, &m);
    where = apr_psprintf(p, "%s/%d", m.topic, m.partition);
    ap_log_error(APLOG_MARK, APLOG_INFO, 0, c->s,
                 SHOPLOGNO(01008) "consumer %s: %s@%" APR_INT64_T_FMT
                 " key=%s traceparent=%s", c->name, where, m.offset, m.key,
                 m.traceparent ? m.traceparent : "-");
    result = c->fn(&m, c->baton, p, &error);
    if (!(attempts = apr_hash_get(c->attempts, where, APR_HASH_KEY_STRING))) {
        attempts = apr_pcalloc(c->pool, sizeof(*attempts));
        apr_hash_set(c->attempts, apr_pstrdup(c->pool, where), APR_HASH_KEY_STRING, attempts);
    }
    if (result == SHOP_CONSUME_REJECT) {
        ap_log_error(APLOG_MARK, APLOG_ERR, 0, c->s,
                     SHOPLOGNO(01009) "consumer %s: %s@%" APR_INT64_T_FMT
                     " rejected: %s; to the dead letter topic", c->name, where, m.offset,
                     error ? error : "no reason");
        if (!to_dead_letters(c, &m, error ? error : "rejected", p))
            result = SHOP_CONSUME_RETRY;
    }
    if (result == SHOP_CONSUME_RETRY) {
        ++*attempts;
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, c->s, SHOPLOGNO(01010) "consumer %s: %s@%"
                     APR_INT64_T_FMT " failed (attempt %d): %s; retrying later", c->name, where,
                     m.offset, *attempts, error ? error : "no reason");
        retry_later(c, msg, *attempts);
    }
    else {
        commit(c, msg);
        *attempts = 0;
    }
    apr_thread_mutex_lock(c->lock);
    c->state = result == SHOP_CONSUME_RETRY ? "retrying" : "consuming";
    if (result == SHOP_CONSUME_DONE)
        c->processed++;
    else if (result == SHOP_CONSUME_REJECT)
        c->rejected++;
    else
        c->retried++;
    apr_thread_mutex_unlock(c->lock);
}

/* ---- the thread --------------------------------------------------------------- */

static rd_kafka_t *make_consumer(shop_consumer_t *c, const shop_kafka_conf_t *conf)
{
    static const char *const settings[][2] = {
        { "enable.auto.commit", "false" },
        { "enable.auto.offset.store", "false" },
        { "auto.offset.reset", "earliest" },
        { "statistics.interval.ms", "5000" },
        { "session.timeout.ms", "10000" },      /* a killed worker's partitions move on in 10 s */
        { "heartbeat.interval.ms", "1000" },
        { "reconnect.backoff.max.ms", "1000" },
    };
    rd_kafka_conf_t *kc = rd_kafka_conf_new();
    char err[512];
    rd_kafka_t *rk;
    int i, ok = rd_kafka_conf_set(kc, "bootstrap.servers", conf->brokers, err, sizeof(err)) == RD_KAFKA_CONF_OK
                && rd_kafka_conf_set(kc, "group.id", c->group, err, sizeof(err)) == RD_KAFKA_CONF_OK;

    for (i = 0; ok && i < (int)(sizeof(settings) / sizeof(settings[0])); i++)
        ok = rd_kafka_conf_set(kc, settings[i][0], settings[i][1], err, sizeof(err)) == RD_KAFKA_CONF_OK;
    for (i = 0; ok && i < conf->props->nelts; i++) {
        const shop_kafka_prop_t *prop = &APR_ARRAY_IDX(conf->props, i, shop_kafka_prop_t);
        rd_kafka_conf_set(kc, prop->key, prop->value, err, sizeof(err));  /* producer-only ones are ignored */
    }
    rd_kafka_conf_set_opaque(kc, c);
    rd_kafka_conf_set_rebalance_cb(kc, on_rebalance);
    rd_kafka_conf_set_offset_commit_cb(kc, on_commit);
    rd_kafka_conf_set_stats_cb(kc, on_stats);
    if (!ok || !(rk = rd_kafka_new(RD_KAFKA_CONSUMER, kc, err, sizeof(err)))) {
        rd_kafka_conf_destroy(kc);
        ap_log_error(APLOG_MARK, APLOG_CRIT, 0, c->s,
                     SHOPLOGNO(01011) "consumer %s: %s", c->name, err);
        return NULL;
    }
    rd_kafka_poll_set_consumer(rk);
    return rk;
}

static int subscribe(shop_consumer_t *c)
{
    rd_kafka_topic_partition_list_t *topics = rd_kafka_topic_partition_list_new(4);
    char *list = apr_pstrdup(c->pool, c->topics), *topic, *state;
    rd_kafka_resp_err_t err;

    for (topic = apr_strtok(list, ", ", &state); topic; topic = apr_strtok(NULL, ", ", &state))
        rd_kafka_topic_partition_list_add(topics, topic, RD_KAFKA_PARTITION_UA);
    err = rd_kafka_subscribe(c->rk, topics);
    rd_kafka_topic_partition_list_destroy(topics);
    if (err)
        ap_log_error(APLOG_MARK, APLOG_CRIT, 0, c->s,
                     SHOPLOGNO(01012) "consumer %s: subscribe to %s: "
                     "%s", c->name, c->topics, rd_kafka_err2str(err));
    return !err;
}

static void *APR_THREAD_FUNC consume(apr_thread_t *thread, void *data)
{
    shop_consumer_t *c = data;
    apr_pool_t *iter;
    rd_kafka_message_t *msg;

    apr_pool_create(&iter, c->pool);
    set_state(c, "consuming");
    while (!c->stop->requested) {
        resume_due(c);
        if (!(msg = rd_kafka_consumer_poll(c->rk, POLL_MS)))
            continue;
        if (!msg->err)
            handle(c, msg, iter);
        else if (msg->err != RD_KAFKA_RESP_ERR__PARTITION_EOF)
            ap_log_error(APLOG_MARK, APLOG_WARNING, 0, c->s, SHOPLOGNO(01013) "consumer %s: %s",
                         c->name, rd_kafka_message_errstr(msg));
        rd_kafka_message_destroy(msg);
        apr_pool_clear(iter);
    }
    set_state(c, "stopping");
    rd_kafka_consumer_close(c->rk);
    rd_kafka_destroy(c->rk);
    apr_thread_exit(thread, APR_SUCCESS);
    return NULL;
}

int shop_consumers_start(apr_pool_t *pool, server_rec *s, const shop_kafka_conf_t *conf,
                         const shop_stop_t *stop)
{
    apr_status_t rv;
    int i;

    for (i = 0; registered && i < registered->nelts; i++) {
        shop_consumer_t *c = APR_ARRAY_IDX(registered, i, shop_consumer_t *);

        c->s = s;
        c->stop = stop;
        apr_pool_create(&c->pool, pool);
        if ((rv = apr_thread_mutex_create(&c->lock, APR_THREAD_MUTEX_DEFAULT, c->pool))) {
            ap_log_error(APLOG_MARK, APLOG_CRIT, rv, s, SHOPLOGNO(01014) "consumer %s: no mutex",
                         c->name);
            return 0;
        }
        c->attempts = apr_hash_make(c->pool);
        c->paused = apr_array_make(c->pool, 4, sizeof(paused_t));
        c->state = "starting";
        if (!(c->rk = make_consumer(c, conf)) || !subscribe(c)
            || apr_thread_create(&c->thread, NULL, consume, c, c->pool) != APR_SUCCESS)
            return 0;
        ap_log_error(APLOG_MARK, APLOG_INFO, 0, s, SHOPLOGNO(01015) "consumer %s (group %s) on %s",
                     c->name, c->group, c->topics);
    }
    return 1;
}

void shop_consumers_join(void)
{
    apr_status_t rv;
    int i;

    for (i = 0; registered && i < registered->nelts; i++) {
        shop_consumer_t *c = APR_ARRAY_IDX(registered, i, shop_consumer_t *);
        if (c->thread)
            apr_thread_join(&rv, c->thread);
        cJSON_Delete(c->lag);
        cJSON_Delete(c->assigned);
    }
}

cJSON *shop_consumers_report(void)
{
    cJSON *list = cJSON_CreateArray();
    int i;

    for (i = 0; registered && i < registered->nelts; i++) {
        shop_consumer_t *c = APR_ARRAY_IDX(registered, i, shop_consumer_t *);
        cJSON *item = cJSON_CreateObject();

        cJSON_AddStringToObject(item, "name", c->name);
        cJSON_AddStringToObject(item, "group", c->group);
        cJSON_AddStringToObject(item, "topics", c->topics);
        apr_thread_mutex_lock(c->lock);
        cJSON_AddStringToObject(item, "state", c->state);
        cJSON_AddNumberToObject(item, "processed", (double)c->processed);
        cJSON_AddNumberToObject(item, "retried", (double)c->retried);
        cJSON_AddNumberToObject(item, "deadLettered", (double)c->rejected);
        cJSON_AddItemToObject(item, "lag", c->lag ? cJSON_Duplicate(c->lag, 1) : cJSON_CreateObject());
        cJSON_AddItemToObject(item, "partitions",
                              c->assigned ? cJSON_Duplicate(c->assigned, 1) : cJSON_CreateArray());
        apr_thread_mutex_unlock(c->lock);
        cJSON_AddItemToArray(list, item);
    }
    return list;
}
