/*
 * kafka_relay.c: the outbox relay (DESIGN §3), a thread of the worker process.
 *
 * Publishes the unpublished rows of the outbox table in id order, in batches,
 * through the worker's patient producer (acks=all, idempotent, no message
 * timeout), and marks a row published only once the brokers acknowledged it.
 * While Kafka is down the batch simply waits, so nothing is lost or reordered
 * per key. It wakes on LISTEN shop_outbox (and polls every ShopKafkaOutboxPoll as
 * a fallback), and holds a PostgreSQL advisory lock so only one relay per
 * database publishes; the others stand by and retry.
 */
#include "kafka.h"
#include "kafka_producer.h"

#include "http_log.h"
#include "apr_atomic.h"
#include "apr_strings.h"
#include "shop_log.h"
#include <libpq-fe.h>
#include <poll.h>

APLOG_USE_MODULE(shop_kafka);

#define RELAY_BATCH 500
#define RELAY_LOCK_KEY "7310591"                  /* pg advisory lock: one relay per database */
#define RELAY_WAIT_SLICE_MS 500
#define RELAY_BACKOFF_MAX apr_time_from_sec(30)

static const char select_sql[] =
    "select id, topic, key, payload::text, headers->>'traceparent' from outbox"
    " where published_at is null order by id limit " APR_STRINGIFY(RELAY_BATCH);
static const char backlog_sql[] = "select count(*) from outbox where published_at is null";
static const char mark_sql[] =
    "update outbox set published_at = now() where id = any($1::bigint[])";

#define RELAY_COUNT_EVERY apr_time_from_sec(2)

typedef struct {
    server_rec *s;
    const shop_stop_t *stop;
    int poll_ms;
    PGconn *conn;
    apr_interval_time_t backoff;
    apr_time_t counted;
} relay_t;

/* What the status report shows (written by the relay thread, read by the worker's). */
static const char *const state_names[] = { "off", "connecting", "standby", "relaying" };
static volatile apr_uint32_t relay_state;
static volatile apr_uint32_t relay_published;
static volatile apr_uint32_t relay_backlog;
static volatile apr_uint32_t relay_failures;

cJSON *shop_relay_report(void)
{
    cJSON *report = cJSON_CreateObject();

    cJSON_AddStringToObject(report, "state", state_names[apr_atomic_read32(&relay_state) & 3]);
    cJSON_AddNumberToObject(report, "backlog", apr_atomic_read32(&relay_backlog));
    cJSON_AddNumberToObject(report, "published", apr_atomic_read32(&relay_published));
    cJSON_AddNumberToObject(report, "failedDeliveries", apr_atomic_read32(&relay_failures));
    return report;
}

/* Refreshes the backlog figure, at most every RELAY_COUNT_EVERY. */
static void count_backlog(relay_t *rl)
{
    PGresult *res;

    if (apr_time_now() - rl->counted < RELAY_COUNT_EVERY)
        return;
    rl->counted = apr_time_now();
    res = PQexec(rl->conn, backlog_sql);
    if (PQresultStatus(res) == PGRES_TUPLES_OK)
        apr_atomic_set32(&relay_backlog, (apr_uint32_t)atol(PQgetvalue(res, 0, 0)));
    PQclear(res);
}

static void back_off(relay_t *rl)
{
    shop_nap(rl->stop, rl->backoff);
    rl->backoff = rl->backoff * 2 > RELAY_BACKOFF_MAX ? RELAY_BACKOFF_MAX : rl->backoff * 2;
}

/* Connected, leading (advisory lock) and listening; 0 if not (yet). */
static int connect_db(relay_t *rl, const char *conninfo)
{
    PGresult *res;
    int leader;

    apr_atomic_set32(&relay_state, 1);
    rl->conn = PQconnectdb(conninfo);
    if (PQstatus(rl->conn) != CONNECTION_OK) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, rl->s, SHOPLOGNO(01022) "relay: cannot connect "
                     "to the outbox database: %s", PQerrorMessage(rl->conn));
        return 0;
    }
    res = PQexec(rl->conn, "select pg_try_advisory_lock(" RELAY_LOCK_KEY ")");
    leader = PQresultStatus(res) == PGRES_TUPLES_OK && !strcmp(PQgetvalue(res, 0, 0), "t");
    PQclear(res);
    if (!leader) {
        apr_atomic_set32(&relay_state, 2);
        ap_log_error(APLOG_MARK, APLOG_INFO, 0, rl->s,
                     SHOPLOGNO(01023) "relay: another relay holds the outbox; standing by");
        return 0;
    }
    res = PQexec(rl->conn, "listen shop_outbox");
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, rl->s, SHOPLOGNO(01024) "relay: LISTEN "
                     "shop_outbox failed: %s", PQerrorMessage(rl->conn));
        PQclear(res);
        return 0;
    }
    PQclear(res);
    apr_atomic_set32(&relay_state, 3);
    ap_log_error(APLOG_MARK, APLOG_INFO, 0, rl->s, SHOPLOGNO(01025) "relay: relaying the outbox");
    return 1;
}

static void disconnect_db(relay_t *rl)
{
    if (rl->conn && apr_atomic_read32(&relay_state) == 3)
        apr_atomic_set32(&relay_state, 1);
    PQfinish(rl->conn);
    rl->conn = NULL;
}

/* Waits for deliveries; the ids of the acknowledged rows go to published. */
static int await_batch(relay_t *rl, apr_pool_t *p, PGresult *rows, shop_delivery_t **sent,
                       int n, apr_array_header_t *published)
{
    int i, failed = 0;

    for (i = 0; i < n; i++) {
        const char *error = NULL;

        while (!rl->stop->requested && !shop_delivery_wait(sent[i], RELAY_WAIT_SLICE_MS, &error, p))
            count_backlog(rl);                      /* Kafka is slow or down: keep the figure fresh */
        if (rl->stop->requested)
            break;
        if (error)
            apr_atomic_inc32(&relay_failures);
        if (error && !failed++)
            ap_log_error(APLOG_MARK, APLOG_ERR, 0, rl->s, SHOPLOGNO(01026) "relay: outbox row %s "
                         "to %s not published: %s", PQgetvalue(rows, i, 0), PQgetvalue(rows, i, 1), error);
        else if (!error)
            APR_ARRAY_PUSH(published, const char *) = PQgetvalue(rows, i, 0);
    }
    for (i = 0; i < n; i++)
        shop_delivery_release(sent[i]);
    return failed;
}

/* Publishes one batch. The number of rows published, or -1 (database) / -2 (Kafka). */
static int relay_batch(relay_t *rl, apr_pool_t *p)
{
    PGresult *rows = PQexec(rl->conn, select_sql), *res;
    apr_array_header_t *published = apr_array_make(p, RELAY_BATCH, sizeof(const char *));
    shop_delivery_t **sent;
    const char *error = NULL, *ids;
    int n, i, failed;

    if (PQresultStatus(rows) != PGRES_TUPLES_OK) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, rl->s, SHOPLOGNO(01027) "relay: reading the "
                     "outbox: %s", PQerrorMessage(rl->conn));
        PQclear(rows);
        return -1;
    }
    n = PQntuples(rows);
    sent = apr_pcalloc(p, (n + 1) * sizeof(*sent));
    for (i = 0; i < n; i++) {
        const char *tp = PQgetisnull(rows, i, 4) ? NULL : PQgetvalue(rows, i, 4);
        if (!(sent[i] = shop_producer_send(p, PQgetvalue(rows, i, 1), PQgetvalue(rows, i, 2),
                                           PQgetvalue(rows, i, 3), PQgetlength(rows, i, 3),
                                           shop_event_headers(p, tp), &error)))
            break;
    }
    if (i < n)
        ap_log_error(APLOG_MARK, APLOG_ERR, 0, rl->s, SHOPLOGNO(01028) "relay: %s", error);
    failed = await_batch(rl, p, rows, sent, i, published) || i < n;
    apr_atomic_add32(&relay_published, published->nelts);
    if (published->nelts) {
        ids = apr_pstrcat(p, "{", apr_array_pstrcat(p, published, ','), "}", NULL);
        res = PQexecParams(rl->conn, mark_sql, 1, NULL, &ids, NULL, NULL, 0);
        if (PQresultStatus(res) != PGRES_COMMAND_OK)
            ap_log_error(APLOG_MARK, APLOG_ERR, 0, rl->s, SHOPLOGNO(01029) "relay: marking %d rows "
                         "published: %s (they will be published again)", published->nelts,
                         PQerrorMessage(rl->conn));
        PQclear(res);
    }
    PQclear(rows);
    return failed ? -2 : published->nelts;
}

/*
 * Sleeps until a NOTIFY arrives, the poll interval passes or a stop is
 * requested (checked every RELAY_WAIT_SLICE_MS); 0 if the connection broke.
 */
static int await_notify(relay_t *rl)
{
    apr_time_t until = apr_time_now() + apr_time_from_msec(rl->poll_ms), left;
    struct pollfd pfd = { PQsocket(rl->conn), POLLIN, 0 };
    PGnotify *note;
    int woken = 0;

    while (!woken && !rl->stop->requested && (left = until - apr_time_now()) > 0) {
        int slice = (int)apr_time_as_msec(left) + 1;

        slice = slice < RELAY_WAIT_SLICE_MS ? slice : RELAY_WAIT_SLICE_MS;
        if (poll(&pfd, 1, slice) > 0 && !PQconsumeInput(rl->conn))
            return 0;
        while ((note = PQnotifies(rl->conn))) {
            woken = 1;
            PQfreemem(note);
        }
    }
    return PQstatus(rl->conn) == CONNECTION_OK;
}

static void relay_connected(relay_t *rl, apr_pool_t *pool)
{
    apr_pool_t *iter;
    int n;

    apr_pool_create(&iter, pool);
    while (!rl->stop->requested) {
        apr_pool_clear(iter);
        n = relay_batch(rl, iter);
        if (n == -1)
            break;                                  /* reconnect */
        if (n == -2) {
            back_off(rl);
            continue;
        }
        rl->backoff = apr_time_from_sec(1);
        count_backlog(rl);
        if (n < RELAY_BATCH && !await_notify(rl))
            break;
    }
    apr_pool_destroy(iter);
}

void *APR_THREAD_FUNC shop_relay_run(apr_thread_t *thread, void *data)
{
    shop_relay_t *conf = data;
    relay_t rl = { conf->s, conf->stop, (int)apr_time_as_msec(conf->poll), NULL,
                   apr_time_from_sec(1), 0 };
    apr_pool_t *pool;

    apr_pool_create(&pool, NULL);
    while (!rl.stop->requested) {
        if (connect_db(&rl, conf->conninfo)) {
            rl.backoff = apr_time_from_sec(1);
            relay_connected(&rl, pool);
        }
        disconnect_db(&rl);
        back_off(&rl);
    }
    apr_pool_destroy(pool);
    apr_thread_exit(thread, APR_SUCCESS);
    return NULL;
}
