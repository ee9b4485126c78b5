/*
 * mod_shop_kafka.c: the shared Kafka module of mod_shop.
 *
 * Owns the process-wide Kafka settings (ShopKafkaBrokers, ShopKafkaProperty),
 * starts one idempotent producer per httpd child, and offers the optional
 * functions of include/mod_shop.h (shop_kafka_publish, shop_kafka_check) that the
 * other modules use instead of linking librdkafka themselves. With
 * ShopKafkaWorker On it runs the worker process (kafka_worker.c), which relays
 * the outbox (ShopKafkaOutbox, ShopKafkaOutboxPoll, kafka_relay.c), and serves
 * its state (SetHandler shop-worker-status, kafka_status.c). Every request gets a
 * traceparent, and ShopAccessLog logs requests as JSON (kafka_trace.c). It also
 * keeps the metrics of every mod_shop module and serves them (SetHandler
 * shop-metrics, ShopMetricsSeries, kafka_metrics.c).
 */
#include "httpd.h"
#include "http_config.h"
#include "http_log.h"
#include "http_core.h"
#include "http_protocol.h"
#include "apr_lib.h"
#include "apr_strings.h"

#include "mod_shop.h"
#include "kafka.h"
#include "kafka_producer.h"
#include "shop_parse.h"
#include "shop_log.h"

#define OUTBOX_POLL_MIN apr_time_from_msec(100)
#define OUTBOX_POLL_MAX apr_time_from_sec(3600)

static void *create_server_conf(apr_pool_t *p, server_rec *s)
{
    shop_kafka_conf_t *conf = apr_pcalloc(p, sizeof(*conf));

    conf->props = apr_array_make(p, 4, sizeof(shop_kafka_prop_t));
    return conf;
}

static shop_kafka_conf_t *shop_kafka_conf(server_rec *s)
{
    return ap_get_module_config(s->module_config, &shop_kafka_module);
}

static shop_kafka_conf_t *main_conf(cmd_parms *cmd)
{
    return shop_kafka_conf(cmd->server);
}

static const char *set_brokers(cmd_parms *cmd, void *dummy, const char *arg)
{
    const char *err = ap_check_cmd_context(cmd, GLOBAL_ONLY);

    if (err)
        return err;
    if ((err = shop_parse_brokers(cmd->temp_pool, arg)))
        return apr_pstrcat(cmd->pool, "ShopKafkaBrokers: ", err, NULL);
    main_conf(cmd)->brokers = arg;
    return NULL;
}

static const char *set_property(cmd_parms *cmd, void *dummy, const char *key, const char *value)
{
    const char *err = ap_check_cmd_context(cmd, GLOBAL_ONLY);
    shop_kafka_prop_t *prop;

    if (err)
        return err;
    if (!strcmp(key, "bootstrap.servers") || !strcmp(key, "metadata.broker.list"))
        return "ShopKafkaProperty: set the brokers with ShopKafkaBrokers";
    if ((err = shop_producer_check_property(cmd->temp_pool, key, value)))
        return apr_psprintf(cmd->pool, "ShopKafkaProperty %s: %s", key, err);
    prop = apr_array_push(main_conf(cmd)->props);
    prop->key = key;
    prop->value = value;
    return NULL;
}

static const char *set_worker(cmd_parms *cmd, void *dummy, int on)
{
    const char *err = ap_check_cmd_context(cmd, GLOBAL_ONLY);

    if (err)
        return err;
    main_conf(cmd)->worker = on;
    return NULL;
}

static const char *set_outbox(cmd_parms *cmd, void *dummy, const char *conninfo)
{
    const char *err = ap_check_cmd_context(cmd, GLOBAL_ONLY);

    if (err)
        return err;
    if ((err = shop_parse_conninfo(cmd->temp_pool, conninfo)))
        return apr_pstrcat(cmd->pool, "ShopKafkaOutbox: ", err, NULL);
    main_conf(cmd)->outbox = conninfo;
    return NULL;
}

static const char *set_outbox_poll(cmd_parms *cmd, void *dummy, const char *arg)
{
    const char *err = ap_check_cmd_context(cmd, GLOBAL_ONLY);
    apr_interval_time_t poll;

    if (err)
        return err;
    if (!apr_isdigit(*arg) || ap_timeout_parameter_parse(arg, &poll, "s") != APR_SUCCESS)
        return apr_psprintf(cmd->pool, "ShopKafkaOutboxPoll: '%s' is not a time (e.g. 2, 2s, "
                            "500ms, 1min)", arg);
    if (poll < OUTBOX_POLL_MIN || poll > OUTBOX_POLL_MAX)
        return "ShopKafkaOutboxPoll: must be between 100ms and 1 hour";
    main_conf(cmd)->outbox_poll = poll;
    return NULL;
}

static const char *set_metrics_series(cmd_parms *cmd, void *dummy, const char *arg)
{
    const char *err = ap_check_cmd_context(cmd, GLOBAL_ONLY);
    long n;

    if (err)
        return err;
    if (!shop_parse_int(arg, 16, 65536, &n))
        return apr_psprintf(cmd->pool, "ShopMetricsSeries: '%s' is not a number of series "
                            "between 16 and 65536", arg);
    main_conf(cmd)->metrics_series = (int)n;
    return NULL;
}

static int check_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp, server_rec *s)
{
    shop_kafka_conf_t *conf = shop_kafka_conf(s);

    if (conf->worker && !conf->brokers) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s,
                     SHOPLOGNO(01038) "ShopKafkaWorker On needs ShopKafkaBrokers");
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    return OK;
}

static int post_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp, server_rec *s)
{
    shop_kafka_conf_t *conf = shop_kafka_conf(s);

    if (ap_state_query(AP_SQ_MAIN_STATE) == AP_SQ_MS_CREATE_PRE_CONFIG)
        return OK;                                      /* the dry run: no processes */
    shop_metrics_create(pconf, s, conf->metrics_series ? conf->metrics_series
                                                       : SHOP_METRICS_SERIES_DEFAULT);  /* logged */
    if (!conf->worker)
        return OK;
    if (!conf->outbox_poll)
        conf->outbox_poll = SHOP_OUTBOX_POLL_DEFAULT;
    if (shop_status_create(pconf, s) != APR_SUCCESS)    /* logged; /health/worker says 503 */
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s, SHOPLOGNO(01039) "the worker runs without "
                     "its status page");
    return shop_worker_start(pconf, s, conf);
}

/* GET /health/worker (SetHandler shop-worker-status), GET /metrics (shop-metrics) */
static int status_handler(request_rec *r)
{
    if (r->handler && !strcmp(r->handler, "shop-worker-status"))
        return shop_status_serve(r, shop_kafka_conf(r->server)->worker);
    if (r->handler && !strcmp(r->handler, "shop-metrics"))
        return shop_metrics_serve(r, shop_kafka_conf(r->server)->worker);
    return DECLINED;
}

static void child_init(apr_pool_t *pchild, server_rec *s)
{
    shop_kafka_conf_t *conf = shop_kafka_conf(s);

    shop_metrics_process(pchild);
    if (!conf->brokers) {
        ap_log_error(APLOG_MARK, APLOG_INFO, 0, s,
                     SHOPLOGNO(01040) "ShopKafkaBrokers is not set; publishing is off");
        return;
    }
    shop_producer_start(pchild, s, conf->brokers, conf->props, 0);
}

static const command_rec shop_kafka_cmds[] = {
    AP_INIT_TAKE1("ShopKafkaBrokers", set_brokers, NULL, RSRC_CONF,
                  "Kafka bootstrap brokers, host:port[,host:port...]"),
    AP_INIT_TAKE2("ShopKafkaProperty", set_property, NULL, RSRC_CONF,
                  "A librdkafka property and its value (e.g. security.protocol SASL_SSL)"),
    AP_INIT_FLAG("ShopKafkaWorker", set_worker, NULL, RSRC_CONF,
                 "Run the mod_shop worker process (outbox relay, event consumers)"),
    AP_INIT_TAKE1("ShopKafkaOutbox", set_outbox, NULL, RSRC_CONF,
                  "libpq connection string of the database whose outbox the worker relays"),
    AP_INIT_TAKE1("ShopKafkaOutboxPoll", set_outbox_poll, NULL, RSRC_CONF,
                  "How often the relay reads the outbox when no NOTIFY woke it (default 2s)"),
    AP_INIT_TAKE1("ShopAccessLog", shop_trace_set_log, NULL, RSRC_CONF,
                  "A file to log every request to as a JSON line (with its traceparent)"),
    AP_INIT_TAKE1("ShopMetricsSeries", set_metrics_series, NULL, RSRC_CONF,
                  "How many request series (service, method, route, status) /metrics keeps "
                  "(default 512)"),
    { NULL }
};

static void register_hooks(apr_pool_t *p)
{
    ap_hook_check_config(check_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_post_config(post_config, NULL, NULL, APR_HOOK_REALLY_LAST);  /* after consumers register */
    ap_hook_child_init(child_init, NULL, NULL, APR_HOOK_MIDDLE);
    APR_REGISTER_OPTIONAL_FN(shop_kafka_publish);
    APR_REGISTER_OPTIONAL_FN(shop_kafka_check);
    APR_REGISTER_OPTIONAL_FN(shop_kafka_consumer);
    APR_REGISTER_OPTIONAL_FN(shop_metrics_count);
    APR_REGISTER_OPTIONAL_FN(shop_metrics_gauge);
    ap_hook_log_transaction(shop_metrics_log, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_handler(status_handler, NULL, NULL, APR_HOOK_MIDDLE);
    shop_trace_register_hooks();
}

AP_DECLARE_MODULE(shop_kafka) = {
    STANDARD20_MODULE_STUFF,
    NULL,
    NULL,
    create_server_conf,
    NULL,
    shop_kafka_cmds,
    register_hooks,
    AP_MODULE_FLAG_NONE
};
