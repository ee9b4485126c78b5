/*
 * kafka_metrics.c: the metrics registry of mod_shop and its page, GET /metrics
 * (SetHandler shop-metrics) in the Prometheus text format.
 *
 * One shared-memory segment, made in post_config before the worker is forked,
 * holds every figure; children and the worker write it with atomics only:
 *  - the counters of include/mod_shop.h (shop_metrics_count);
 *  - per-process gauges (shop_metrics_gauge): one slot per process, claimed by
 *    pid in child_init (and by the worker), summed over the live pids at scrape,
 *    so a child that exits, even by SIGKILL, stops counting;
 *  - requests of the services (log_transaction): a table of ShopMetricsSeries
 *    slots keyed by service, method, route pattern and status, claimed with a
 *    compare-and-swap and never freed; once full, requests of a new key are
 *    counted in shop_http_requests_unrecorded_total. Route patterns come from
 *    the services' route tables, methods are httpd's known ones (else OTHER);
 *  - a latency histogram per service.
 * The figures start from zero when httpd restarts (the segment lives in pconf);
 * Prometheus' rate() takes such resets in its stride.
 */
#include "kafka.h"

#include "http_core.h"
#include "http_log.h"
#include "http_protocol.h"
#include "ap_expr.h"
#include "ap_mpm.h"
#include "apr_atomic.h"
#include "apr_hash.h"
#include "apr_strings.h"
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <unistd.h>

#include "shop_http.h"
#include "shop_log.h"
#include "shop_shm.h"

APLOG_USE_MODULE(shop_kafka);

/* the handlers whose requests are counted, and their service label */
static const char *const services[][2] = {
    { "shop-product", "product" },
    { "shop-order", "order" },
    { "shop-payment", "payment" },
    { "shop-auth", "auth" },
};
#define SERVICES (int)(sizeof(services) / sizeof(services[0]))

static const char *const counters[SHOP_COUNTERS][2] = {
    { "shop_pg_errors_total", "PostgreSQL connections and statements that failed" },
    { "shop_mongo_errors_total", "MongoDB operations that failed" },
    { "shop_kafka_produce_errors_total", "Messages the Kafka producer refused to queue" },
    { "shop_kafka_delivery_errors_total", "Queued messages the Kafka brokers never took" },
    { "shop_kafka_dlq_messages_total", "Messages the consumers sent to a dead letter topic" },
    { "shop_catalog_cache_hits_total", "Catalog answers served from a child's cache" },
    { "shop_catalog_cache_misses_total", "Catalog answers not in the cache" },
    { "shop_catalog_cache_evictions_total", "Catalog answers evicted to make room" },
};

static const char *const gauges[SHOP_GAUGES][2] = {
    { "shop_catalog_cache_bytes", "Bytes held by the catalog caches of all children" },
    { "shop_kafka_producer_queue_messages", "Messages waiting in the Kafka producers" },
};

/* upper bounds of the latency buckets, in seconds (+Inf is the count) */
static const double buckets[] = { 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10 };
#define BUCKETS (int)(sizeof(buckets) / sizeof(buckets[0]))

#define ROUTE_MAX 64
#define METHOD_MAX 16

enum { SLOT_EMPTY, SLOT_WRITING, SLOT_READY };

typedef struct {
    apr_uint32_t state;
    apr_uint32_t status;
    apr_uint32_t service;
    char method[METHOD_MAX];
    char route[ROUTE_MAX];
    apr_uint64_t count;
} series_t;

typedef struct {
    apr_uint64_t bucket[BUCKETS];       /* not cumulated */
    apr_uint64_t count;
    apr_uint64_t sum_us;
} histogram_t;

typedef struct {
    apr_uint32_t pid;                   /* 0: free */
    apr_uint64_t gauge[SHOP_GAUGES];
} process_t;

typedef struct {
    apr_uint64_t counter[SHOP_COUNTERS];
    apr_uint64_t unrecorded;
    histogram_t latency[SERVICES];
    int nprocesses, nseries;
    process_t *processes;
    series_t *series;
} registry_t;

static registry_t *reg;                 /* shared memory, from post_config */
static process_t *mine;                 /* this process's gauges */

apr_status_t shop_metrics_create(apr_pool_t *pconf, server_rec *s, int nseries)
{
    int daemons = 0;
    apr_size_t size;
    apr_status_t rv;

    ap_mpm_query(AP_MPMQ_HARD_LIMIT_DAEMONS, &daemons);
    daemons += 1;                                       /* the worker process */
    size = APR_ALIGN_DEFAULT(sizeof(registry_t))
           + APR_ALIGN_DEFAULT(daemons * sizeof(process_t)) + nseries * sizeof(series_t);
    if (!(reg = shop_shm_zeroed(pconf, size, &rv))) {
        ap_log_error(APLOG_MARK, APLOG_ERR, rv, s,
                     SHOPLOGNO(01199) "no shared memory for the metrics; /metrics is off");
        return rv;
    }
    reg->nprocesses = daemons;
    reg->nseries = nseries;
    reg->processes = (process_t *)((char *)reg + APR_ALIGN_DEFAULT(sizeof(registry_t)));
    reg->series = (series_t *)((char *)reg->processes
                               + APR_ALIGN_DEFAULT(daemons * sizeof(process_t)));
    mine = NULL;
    return APR_SUCCESS;
}

static int alive(apr_uint32_t pid)
{
    return pid && (kill((pid_t)pid, 0) == 0 || errno == EPERM);
}

static apr_status_t process_gone(void *data)
{
    process_t *slot = data;
    int i;

    for (i = 0; i < SHOP_GAUGES; i++)
        apr_atomic_set64(&slot->gauge[i], 0);
    apr_atomic_set32(&slot->pid, 0);
    mine = NULL;
    return APR_SUCCESS;
}

void shop_metrics_process(apr_pool_t *pool)
{
    apr_uint32_t pid = (apr_uint32_t)getpid(), old;
    int i, g;

    for (i = 0; reg && i < reg->nprocesses; i++) {
        old = apr_atomic_read32(&reg->processes[i].pid);
        if (alive(old) || apr_atomic_cas32(&reg->processes[i].pid, pid, old) != old)
            continue;
        mine = &reg->processes[i];
        for (g = 0; g < SHOP_GAUGES; g++)
            apr_atomic_set64(&mine->gauge[g], 0);
        apr_pool_cleanup_register(pool, mine, process_gone, apr_pool_cleanup_null);
        return;
    }
}

void shop_metrics_count(shop_counter_t counter, apr_uint64_t n)
{
    if (reg && counter < SHOP_COUNTERS)
        apr_atomic_add64(&reg->counter[counter], n);
}

void shop_metrics_gauge(shop_gauge_t gauge, apr_uint64_t value)
{
    if (mine && gauge < SHOP_GAUGES)
        apr_atomic_set64(&mine->gauge[gauge], value);
}

/* ---- requests ------------------------------------------------------------ */

/* The handler r runs, or would have run had authorization let it (401/403). */
static const char *handler_of(request_rec *r)
{
    core_dir_config *core = ap_get_core_module_config(r->per_dir_config);
    const char *err = NULL, *handler;

    if (r->handler || !core->expr_handler)
        return r->handler;
    handler = ap_expr_str_exec(r, core->expr_handler, &err);
    return err ? NULL : handler;
}

static int service_of(request_rec *r)
{
    const char *handler = handler_of(r);
    int i;

    for (i = 0; handler && i < SERVICES; i++)
        if (!strcmp(handler, services[i][0]))
            return i;
    return -1;
}

static int series_matches(series_t *slot, int service, const char *method, const char *route,
                          int status)
{
    int spins;

    for (spins = 0; apr_atomic_read32(&slot->state) == SLOT_WRITING && spins < 1000; spins++)
        sched_yield();                  /* another process is filling it in */
    return apr_atomic_read32(&slot->state) == SLOT_READY && slot->service == (apr_uint32_t)service
           && slot->status == (apr_uint32_t)status && !strcmp(slot->method, method)
           && !strcmp(slot->route, route);
}

static void series_fill(series_t *slot, int service, const char *method, const char *route,
                        int status)
{
    slot->service = (apr_uint32_t)service;
    slot->status = (apr_uint32_t)status;
    memcpy(slot->method, method, METHOD_MAX);
    memcpy(slot->route, route, ROUTE_MAX);
    apr_atomic_set32(&slot->state, SLOT_READY);
}

/* The slot of this key, claimed if new; NULL when the table is full. */
static series_t *series_slot(int service, const char *method_in, const char *route_in, int status)
{
    char method[METHOD_MAX] = "", route[ROUTE_MAX] = "", key[ROUTE_MAX + METHOD_MAX + 32];
    apr_ssize_t len;
    unsigned int start;
    int i;

    apr_cpystrn(method, method_in, sizeof(method));
    apr_cpystrn(route, route_in, sizeof(route));
    len = apr_snprintf(key, sizeof(key), "%d %d %s %s", service, status, method, route);
    start = apr_hashfunc_default(key, &len);
    for (i = 0; i < reg->nseries; i++) {
        series_t *slot = &reg->series[(start + i) % reg->nseries];
        if (apr_atomic_cas32(&slot->state, SLOT_WRITING, SLOT_EMPTY) == SLOT_EMPTY) {
            series_fill(slot, service, method, route, status);
            return slot;
        }
        if (series_matches(slot, service, method, route, status))
            return slot;
    }
    return NULL;
}

static void observe(histogram_t *h, apr_interval_time_t took)
{
    double seconds = (double)took / APR_USEC_PER_SEC;
    int i;

    for (i = 0; i < BUCKETS && seconds > buckets[i]; i++)
        ;
    if (i < BUCKETS)
        apr_atomic_inc64(&h->bucket[i]);
    apr_atomic_inc64(&h->count);
    apr_atomic_add64(&h->sum_us, (apr_uint64_t)took);
}

int shop_metrics_log(request_rec *r)
{
    request_rec *last = r;
    const char *route, *method;
    series_t *slot;
    int service;

    if (!reg || (service = service_of(r)) < 0)
        return DECLINED;
    while (last->next)
        last = last->next;
    route = apr_table_get(r->notes, SHOP_NOTE_ROUTE);
    method = r->method_number == M_INVALID ? "OTHER" : r->method;
    slot = series_slot(service, method, route ? route : "none", last->status);
    if (slot)
        apr_atomic_inc64(&slot->count);
    else
        apr_atomic_inc64(&reg->unrecorded);
    observe(&reg->latency[service], apr_time_now() - r->request_time);
    return DECLINED;
}

/* ---- the page ------------------------------------------------------------ */

const char *shop_metrics_label(apr_pool_t *p, const char *value)
{
    char *out = apr_palloc(p, 2 * strlen(value) + 1), *o = out;

    for (; *value; value++) {
        if (*value == '\\' || *value == '"' || *value == '\n')
            *o++ = '\\';
        *o++ = *value == '\n' ? 'n' : *value;
    }
    *o = '\0';
    return out;
}

void shop_metrics_family(request_rec *r, const char *name, const char *type, const char *help)
{
    ap_rprintf(r, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void serve_requests(request_rec *r)
{
    int i;

    shop_metrics_family(r, "shop_http_requests_total", "counter",
                        "Requests answered by the shop services, by route pattern and status");
    for (i = 0; i < reg->nseries; i++) {
        series_t *slot = &reg->series[i];
        if (apr_atomic_read32(&slot->state) != SLOT_READY)
            continue;
        ap_rprintf(r, "shop_http_requests_total{service=\"%s\",method=\"%s\",route=\"%s\","
                   "status=\"%u\"} %" APR_UINT64_T_FMT "\n", services[slot->service][1],
                   shop_metrics_label(r->pool, slot->method),
                   shop_metrics_label(r->pool, slot->route), slot->status,
                   apr_atomic_read64(&slot->count));
    }
    shop_metrics_family(r, "shop_http_requests_unrecorded_total", "counter",
                        "Requests not counted by route: ShopMetricsSeries is full");
    ap_rprintf(r, "shop_http_requests_unrecorded_total %" APR_UINT64_T_FMT "\n",
               apr_atomic_read64(&reg->unrecorded));
}

static void serve_latency(request_rec *r)
{
    const char *name = "shop_http_request_duration_seconds";
    apr_uint64_t cumulated;
    int i, b;

    shop_metrics_family(r, name, "histogram", "Time from the request line to the logged answer");
    for (i = 0; i < SERVICES; i++) {
        histogram_t *h = &reg->latency[i];
        const char *service = services[i][1];
        for (b = 0, cumulated = 0; b < BUCKETS; b++) {
            cumulated += apr_atomic_read64(&h->bucket[b]);
            ap_rprintf(r, "%s_bucket{service=\"%s\",le=\"%g\"} %" APR_UINT64_T_FMT "\n",
                       name, service, buckets[b], cumulated);
        }
        ap_rprintf(r, "%s_bucket{service=\"%s\",le=\"+Inf\"} %" APR_UINT64_T_FMT "\n"
                   "%s_sum{service=\"%s\"} %.6f\n%s_count{service=\"%s\"} %" APR_UINT64_T_FMT "\n",
                   name, service, apr_atomic_read64(&h->count),
                   name, service, (double)apr_atomic_read64(&h->sum_us) / APR_USEC_PER_SEC,
                   name, service, apr_atomic_read64(&h->count));
    }
}

static void serve_counters(request_rec *r)
{
    apr_uint64_t sum;
    int i, g;

    for (i = 0; i < SHOP_COUNTERS; i++) {
        shop_metrics_family(r, counters[i][0], "counter", counters[i][1]);
        ap_rprintf(r, "%s %" APR_UINT64_T_FMT "\n", counters[i][0],
                   apr_atomic_read64(&reg->counter[i]));
    }
    for (g = 0; g < SHOP_GAUGES; g++) {
        for (i = 0, sum = 0; i < reg->nprocesses; i++)
            if (alive(apr_atomic_read32(&reg->processes[i].pid)))
                sum += apr_atomic_read64(&reg->processes[i].gauge[g]);
        shop_metrics_family(r, gauges[g][0], "gauge", gauges[g][1]);
        ap_rprintf(r, "%s %" APR_UINT64_T_FMT "\n", gauges[g][0], sum);
    }
}

int shop_metrics_serve(request_rec *r, int worker_on)
{
    if (r->method_number != M_GET)
        return shop_reply_bad_method(r, "GET");
    if (!reg)
        return shop_reply_error(r, HTTP_SERVICE_UNAVAILABLE, "no shared memory for the metrics");
    ap_set_content_type(r, "text/plain; version=0.0.4; charset=utf-8");
    if (r->header_only)
        return OK;
    serve_requests(r);
    serve_latency(r);
    serve_counters(r);
    shop_status_metrics(r, worker_on);
    return OK;
}
