/*
 * shop_outbox.c: one INSERT into outbox per event, on the caller's transaction.
 */
#include "shop_outbox.h"
#include "shop_event.h"
#include "shop_pg.h"

#include "apr_strings.h"

static const char insert_sql[] =
    "insert into outbox (topic, key, payload, headers) values ($1, $2, $3::jsonb, "
    "case when $4::text is null then '{}'::jsonb else jsonb_build_object('traceparent', $4::text) end)";

const char *shop_outbox_add(apr_pool_t *p, PGconn *conn, const char *topic, const char *key,
                            const char *id,
                            const char *source, const char *type, cJSON *data,
                            const char *traceparent)
{
    cJSON *event = shop_event_new(id, source, type, data);
    char *payload = cJSON_PrintUnformatted(event);
    const char *params[4] = { topic, key, payload, traceparent };
    const char *error = NULL;

    cJSON_Delete(event);
    if (!payload)
        return "out of memory";
    shop_pg_exec(p, conn, insert_sql, 4, params, &error);
    cJSON_free(payload);
    return error;
}
