/*
 * mod_shop_order.c: the order service: orders in MongoDB, read and managed over REST.
 *
 * Handler "shop-order" (SetHandler shop-order). Routes:
 *   GET /health   MongoDB and Kafka state
 * Directives: ShopOrderMongoURI (server-wide).
 */
#include "httpd.h"
#include "http_config.h"
#include "http_log.h"
#include "apr_strings.h"

#include "shop_health.h"
#include "shop_route.h"
#include "order_mongo.h"
#include "shop_http.h"
#include "shop_log.h"

module AP_MODULE_DECLARE_DATA shop_order_module;

typedef struct {
    const char *mongo_uri;          /* NULL: not set */
} order_conf_t;

static void *create_server_conf(apr_pool_t *p, server_rec *s)
{
    return apr_pcalloc(p, sizeof(order_conf_t));
}

static const char *set_mongo_uri(cmd_parms *cmd, void *dummy, const char *uri)
{
    const char *err = ap_check_cmd_context(cmd, GLOBAL_ONLY);
    order_conf_t *conf = ap_get_module_config(cmd->server->module_config, &shop_order_module);

    if (err)
        return err;
    if ((err = order_mongo_check_uri(cmd->temp_pool, uri)))
        return apr_psprintf(cmd->pool, "ShopOrderMongoURI: %s", err);
    conf->mongo_uri = uri;
    return NULL;
}

static int get_health(request_rec *r, const char *id)
{
    shop_health_t *h = shop_health_start(r, "order");
    apr_time_t started = apr_time_now();

    shop_health_add(h, "mongodb", order_mongo_ping(r->pool), started);
    shop_health_check_kafka(h);
    return shop_health_reply(h);
}

static const shop_route_t routes[] = {
    { "GET", "/health", get_health },
    { NULL }
};

static int order_handler(request_rec *r)
{
    return shop_dispatch(r, "shop-order", routes);
}

static void child_init(apr_pool_t *pchild, server_rec *s)
{
    order_conf_t *conf = ap_get_module_config(s->module_config, &shop_order_module);

    if (conf->mongo_uri && order_mongo_start(pchild, s, conf->mongo_uri) != APR_SUCCESS)
        ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s, SHOPLOGNO(04001) "this child has no MongoDB "
                     "client pool (see above); its /health reports mongodb down");
}

static const command_rec order_cmds[] = {
    AP_INIT_TAKE1("ShopOrderMongoURI", set_mongo_uri, NULL, RSRC_CONF,
                  "MongoDB connection string for orders, mongodb://host:port/db"),
    { NULL }
};

static void register_hooks(apr_pool_t *p)
{
    ap_hook_child_init(child_init, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_handler(order_handler, NULL, NULL, APR_HOOK_MIDDLE);
    shop_error_hook();
}

AP_DECLARE_MODULE(shop_order) = {
    STANDARD20_MODULE_STUFF,
    NULL,
    NULL,
    create_server_conf,
    NULL,
    order_cmds,
    register_hooks,
    AP_MODULE_FLAG_NONE
};
