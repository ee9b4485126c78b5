/*
 * mod_shop_consumer_test.c: a test-only module that registers a consumer with
 * mod_shop_kafka's worker, so the Apache::Test suite can exercise the consumer
 * framework against real Kafka and PostgreSQL. Never shipped (build/test/).
 *
 *   ShopTestConsumer <topic> <libpq conninfo> [<group>]
 *
 * Each message must be a JSON object with a string "id": its effect is a row in
 * consumer_test_applied (id, key, partition, offset, applied = times applied).
 * Unparseable or id-less messages are rejected (to <topic>.dlq); a database
 * that cannot be reached makes the message retry. Two test hooks:
 *   "hold": true    retry until a row with the id is in consumer_test_released
 *   "sleepUntil": T sleep until T (seconds since the epoch) before applying: a
 *                   handler that hangs, but not in a later run that reads it again
 */
#include "httpd.h"
#include "http_config.h"
#include "http_log.h"
#include "apr_strings.h"
#include <cJSON.h>
#include <libpq-fe.h>

#include "mod_shop.h"

module AP_MODULE_DECLARE_DATA shop_consumer_test_module;

typedef struct {
    const char *topic;
    const char *conninfo;
    const char *group;
    PGconn *conn;                           /* the consumer thread's own, in the worker */
} consumer_test_t;

static const char apply_sql[] =
    "insert into consumer_test_applied (id, key, partition, \"offset\", traceparent, applied)"
    " values ($1, $2, $3::int, $4::bigint, $5, 1)"
    " on conflict (id) do update set applied = consumer_test_applied.applied + 1";

static const char create_sql[] =
    "create table if not exists consumer_test_applied (id text primary key, key text,"
    " partition int, \"offset\" bigint, traceparent text, applied int not null,"
    " at timestamptz not null default now());"
    "create table if not exists consumer_test_released (id text primary key)";

static const char released_sql[] = "select 1 from consumer_test_released where id = $1";

/* "hold": the id is released (1), not yet (0), or the database failed (-1) */
static int released(consumer_test_t *t, const char *id)
{
    PGresult *res = PQexecParams(t->conn, released_sql, 1, NULL, &id, NULL, NULL, 0);
    int rv = PQresultStatus(res) != PGRES_TUPLES_OK ? -1 : PQntuples(res) > 0;

    PQclear(res);
    return rv;
}

static int connected(consumer_test_t *t, apr_pool_t *p, const char **error)
{
    PGresult *res;

    if (t->conn && PQstatus(t->conn) == CONNECTION_OK)
        return 1;
    PQfinish(t->conn);
    t->conn = PQconnectdb(t->conninfo);
    if (PQstatus(t->conn) != CONNECTION_OK) {
        *error = apr_pstrcat(p, "database: ", PQerrorMessage(t->conn), NULL);
        return 0;
    }
    res = PQexec(t->conn, create_sql);
    PQclear(res);
    return 1;
}

static shop_consume_t apply(const shop_message_t *m, void *baton, apr_pool_t *p,
                            const char **error)
{
    consumer_test_t *t = baton;
    cJSON *json = cJSON_ParseWithLength(m->value, m->len);
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(json, "id");
    int hold = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(json, "hold"));
    const cJSON *until = cJSON_GetObjectItemCaseSensitive(json, "sleepUntil");
    const char *params[5];
    PGresult *res;
    int ok;

    while (cJSON_IsNumber(until) && apr_time_now() < apr_time_from_sec((apr_time_t)until->valuedouble))
        apr_sleep(apr_time_from_msec(100));

    if (!cJSON_IsString(id)) {
        cJSON_Delete(json);
        *error = json ? "the message has no string \"id\"" : "the message is not JSON";
        return SHOP_CONSUME_REJECT;
    }
    params[0] = apr_pstrdup(p, id->valuestring);
    cJSON_Delete(json);
    if (!connected(t, p, error))
        return SHOP_CONSUME_RETRY;
    if (hold && (ok = released(t, params[0])) != 1) {
        *error = ok ? "database: reading consumer_test_released failed" : "held by the test";
        return SHOP_CONSUME_RETRY;
    }
    params[1] = m->key;
    params[2] = apr_itoa(p, m->partition);
    params[3] = apr_off_t_toa(p, m->offset);
    params[4] = m->traceparent;
    res = PQexecParams(t->conn, apply_sql, 5, NULL, params, NULL, NULL, 0);
    ok = PQresultStatus(res) == PGRES_COMMAND_OK;
    if (!ok)
        *error = apr_pstrcat(p, "database: ", PQerrorMessage(t->conn), NULL);
    PQclear(res);
    return ok ? SHOP_CONSUME_DONE : SHOP_CONSUME_RETRY;
}

static const char *set_consumer(cmd_parms *cmd, void *dummy, const char *topic,
                                const char *conninfo, const char *group)
{
    consumer_test_t *t = ap_get_module_config(cmd->server->module_config,
                                              &shop_consumer_test_module);

    t->topic = topic;
    t->conninfo = conninfo;
    t->group = group ? group : "shop-consumer-test";
    return NULL;
}

static void *create_server_conf(apr_pool_t *p, server_rec *s)
{
    return apr_pcalloc(p, sizeof(consumer_test_t));
}

static int post_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp, server_rec *s)
{
    APR_OPTIONAL_FN_TYPE(shop_kafka_consumer) *reg = APR_RETRIEVE_OPTIONAL_FN(shop_kafka_consumer);
    consumer_test_t *t = ap_get_module_config(s->module_config, &shop_consumer_test_module);

    if (reg && t->topic)
        reg(pconf, "consumer-test", t->group, t->topic, apply, t);
    return OK;
}

static const command_rec cmds[] = {
    AP_INIT_TAKE23("ShopTestConsumer", set_consumer, NULL, RSRC_CONF,
                   "topic, libpq conninfo and group (default shop-consumer-test) of the "
                   "test consumer"),
    { NULL }
};

static void register_hooks(apr_pool_t *p)
{
    ap_hook_post_config(post_config, NULL, NULL, APR_HOOK_MIDDLE);
}

AP_DECLARE_MODULE(shop_consumer_test) = {
    STANDARD20_MODULE_STUFF, NULL, NULL, create_server_conf, NULL, cmds, register_hooks,
    AP_MODULE_FLAG_NONE
};
