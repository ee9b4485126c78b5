/*
 * kafka_status.c: what an operator sees of the worker. The worker writes a JSON
 * report (relay state, outbox backlog, consumers with lag per partition, dead
 * letters) into shared memory every couple of seconds; the parent counts its
 * restarts there. shop_status_serve answers the "shop-worker-status" handler
 * (claimed in mod_shop_kafka.c): 200 while reports are fresh, 503 when the
 * worker is off, gone or stuck.
 */
#include "kafka.h"

#include "http_log.h"
#include "http_protocol.h"
#include "apr_atomic.h"
#include "apr_strings.h"

#include "shop_http.h"
#include "shop_shm.h"
#include "shop_log.h"

APLOG_USE_MODULE(shop_kafka);

#define STATUS_BYTES 32768
#define STATUS_STALE apr_time_from_sec(10)

typedef struct {
    apr_uint32_t seq;                       /* odd while the worker writes */
    apr_uint32_t restarts;
    apr_uint64_t updated;                   /* apr_time_t of the last report */
    apr_uint32_t len;
    char json[STATUS_BYTES];
} status_t;

static status_t *status;                    /* shared memory, from post_config */

apr_status_t shop_status_create(apr_pool_t *pconf, server_rec *s)
{
    apr_status_t rv;

    if (!(status = shop_shm_zeroed(pconf, sizeof(status_t), &rv)))
        ap_log_error(APLOG_MARK, APLOG_ERR, rv, s,
                     SHOPLOGNO(01030) "no shared memory for the worker's status");
    return rv;
}

void shop_status_restarted(void)
{
    if (status)
        apr_atomic_inc32(&status->restarts);
}

void shop_status_publish(apr_pool_t *p, cJSON *report)
{
    char *text = cJSON_PrintUnformatted(report);
    apr_size_t len = text ? strlen(text) : 0;

    if (status && text && len < STATUS_BYTES) {
        apr_atomic_inc32(&status->seq);
        memcpy(status->json, text, len + 1);
        status->len = (apr_uint32_t)len;
        status->updated = (apr_uint64_t)apr_time_now();
        apr_atomic_inc32(&status->seq);
    }
    cJSON_free(text);
}

/* A consistent copy of the last report (NULL if none); *updated its time. */
static char *read_report(apr_pool_t *p, apr_time_t *updated)
{
    char *copy = apr_palloc(p, STATUS_BYTES);
    apr_uint32_t before, after;
    int tries;

    for (tries = 0; tries < 100; tries++) {
        before = apr_atomic_read32(&status->seq);
        if (before & 1)
            continue;
        memcpy(copy, status->json, STATUS_BYTES);
        *updated = (apr_time_t)status->updated;
        after = apr_atomic_read32(&status->seq);
        if (before == after) {
            copy[STATUS_BYTES - 1] = '\0';
            return *updated ? copy : NULL;
        }
    }
    return NULL;
}

/*
 * The last report (an empty object if none), owned by r->pool; *age_ms its age
 * (-1: none yet), *fresh whether it is recent.
 */
static cJSON *last_report(request_rec *r, double *age_ms, int *fresh)
{
    apr_time_t updated = 0;
    char *text = read_report(r->pool, &updated);
    cJSON *report = shop_json_own(r->pool, text ? cJSON_Parse(text) : NULL);

    *fresh = text && apr_time_now() - updated < STATUS_STALE;
    *age_ms = text ? (double)apr_time_as_msec(apr_time_now() - updated) : -1;
    return report ? report : shop_json_own(r->pool, cJSON_CreateObject());
}

int shop_status_serve(request_rec *r, int worker_on)
{
    cJSON *report;
    double age_ms;
    int fresh;

    if (r->method_number != M_GET)
        return shop_reply_bad_method(r, "GET");
    if (!status || !worker_on)
        return shop_reply_error(r, HTTP_SERVICE_UNAVAILABLE, "the worker is off (ShopKafkaWorker)");
    report = last_report(r, &age_ms, &fresh);
    cJSON_AddStringToObject(report, "status", fresh ? "ok" : "unavailable");
    cJSON_AddNumberToObject(report, "restarts", apr_atomic_read32(&status->restarts));
    cJSON_AddNumberToObject(report, "reportAgeMs", age_ms);
    if (!fresh)
        cJSON_AddStringToObject(report, "message", age_ms >= 0 ? "the worker stopped reporting"
                                                               : "no report from the worker yet");
    return shop_reply_json(r, fresh ? HTTP_OK : HTTP_SERVICE_UNAVAILABLE, report);
}

/* shop_consumer_lag: the lag of each partition of each consumer, as last reported */
static void serve_lag(request_rec *r, const cJSON *report)
{
    const cJSON *consumer, *lag;
    const char *name;
    char *slash;

    shop_metrics_family(r, "shop_consumer_lag", "gauge",
                        "Messages behind the end of each partition, per consumer");
    cJSON_ArrayForEach(consumer, cJSON_GetObjectItem(report, "consumers")) {
        name = cJSON_GetStringValue(cJSON_GetObjectItem(consumer, "name"));
        cJSON_ArrayForEach(lag, cJSON_GetObjectItem(consumer, "lag")) {
            char *topic = apr_pstrdup(r->pool, lag->string);
            if (!name || !cJSON_IsNumber(lag) || !(slash = strrchr(topic, '/')))
                continue;
            *slash = '\0';
            ap_rprintf(r, "shop_consumer_lag{consumer=\"%s\",topic=\"%s\",partition=\"%s\"} %.0f\n",
                       shop_metrics_label(r->pool, name), shop_metrics_label(r->pool, topic),
                       shop_metrics_label(r->pool, slash + 1), lag->valuedouble);
        }
    }
}

void shop_status_metrics(request_rec *r, int worker_on)
{
    cJSON *report, *backlog;
    double age_ms;
    int fresh = 0;

    report = status && worker_on ? last_report(r, &age_ms, &fresh) : NULL;
    shop_metrics_family(r, "shop_worker_up", "gauge",
                        "1 while the worker process reports, 0 when it is off, gone or stuck");
    ap_rprintf(r, "shop_worker_up %d\n", fresh);
    shop_metrics_family(r, "shop_worker_restarts_total", "counter",
                        "Times the worker process died and was started again");
    ap_rprintf(r, "shop_worker_restarts_total %u\n",
               status ? apr_atomic_read32(&status->restarts) : 0);
    backlog = cJSON_GetObjectItem(cJSON_GetObjectItem(report, "relay"), "backlog");
    shop_metrics_family(r, "shop_outbox_backlog", "gauge",
                        "Outbox events not yet published to Kafka, as last reported");
    ap_rprintf(r, "shop_outbox_backlog %.0f\n", cJSON_IsNumber(backlog) ? backlog->valuedouble : 0);
    if (report)
        serve_lag(r, report);
}
