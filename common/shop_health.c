/*
 * shop_health.c: builds and sends the /health answer from real checks.
 */
#include "shop_health.h"
#include "shop_http.h"
#include "shop_pg.h"
#include "mod_shop.h"

#include "scoreboard.h"
#include "apr_strings.h"

#define SHOP_HEALTH_KAFKA_TIMEOUT_MS 2000

struct shop_health {
    request_rec *r;
    cJSON *body;
    cJSON *checks;
    apr_array_header_t *failed;
};

static apr_int64_t uptime_seconds(void)
{
    if (!ap_scoreboard_image)
        return 0;
    return apr_time_sec(apr_time_now() - ap_scoreboard_image->global->restart_time);
}

shop_health_t *shop_health_start(request_rec *r, const char *service)
{
    shop_health_t *h = apr_pcalloc(r->pool, sizeof(*h));

    h->r = r;
    h->body = shop_json_own(r->pool, cJSON_CreateObject());
    cJSON_AddStringToObject(h->body, "status", "ok");
    cJSON_AddStringToObject(h->body, "service", service);
    cJSON_AddNumberToObject(h->body, "uptime", (double)uptime_seconds());
    h->checks = cJSON_AddObjectToObject(h->body, "checks");
    h->failed = apr_array_make(r->pool, 4, sizeof(const char *));
    return h;
}

void shop_health_add(shop_health_t *h, const char *name, const char *error,
                     apr_time_t started)
{
    cJSON *check = cJSON_AddObjectToObject(h->checks, name);

    cJSON_AddStringToObject(check, "status", error ? "down" : "ok");
    cJSON_AddNumberToObject(check, "ms", apr_time_as_msec(apr_time_now() - started));
    if (error) {
        cJSON_AddStringToObject(check, "error", error);
        APR_ARRAY_PUSH(h->failed, const char *) = name;
    }
}

void shop_health_check_kafka(shop_health_t *h)
{
    APR_OPTIONAL_FN_TYPE(shop_kafka_check) *check = APR_RETRIEVE_OPTIONAL_FN(shop_kafka_check);
    apr_time_t started = apr_time_now();
    const char *error = NULL;

    if (!check)
        error = "mod_shop_kafka is not loaded";
    else
        check(h->r->pool, SHOP_HEALTH_KAFKA_TIMEOUT_MS, &error);
    shop_health_add(h, "kafka", error, started);
}

void shop_health_check_database(shop_health_t *h)
{
    apr_time_t started = apr_time_now();
    const char *error = NULL;
    PGconn *conn = shop_pg_acquire(h->r, &error);

    if (conn)
        shop_pg_exec(h->r->pool, conn, "select 1", 0, NULL, &error);
    shop_health_add(h, "database", error, started);
}

int shop_health_reply(shop_health_t *h)
{
    int down = h->failed->nelts > 0;

    if (!down)
        return shop_reply_json(h->r, HTTP_OK, h->body);
    cJSON_ReplaceItemInObject(h->body, "status", cJSON_CreateString("unavailable"));
    cJSON_AddStringToObject(h->body, "message",
            apr_pstrcat(h->r->pool, "unavailable: ",
                        apr_array_pstrcat(h->r->pool, h->failed, ','), " down", NULL));
    return shop_reply_json(h->r, HTTP_SERVICE_UNAVAILABLE, h->body);
}
