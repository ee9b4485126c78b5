/*
 * mod_shop_order.c: the order service: orders in MongoDB, read and managed over
 * REST, made from payment-events by the order worker.
 *
 * Handler "shop-order" (SetHandler shop-order). Routes (order_routes.c):
 *   GET   /health              MongoDB and Kafka state
 *   GET   /user-orders         the caller's orders, newest first
 *   GET   /orders              admin: every order, newest first (limit, offset, status)
 *   GET   /orders/:id          its owner or an admin
 *   PATCH /orders/:id          admin: {status} along the lifecycle
 *   POST  /orders/:id/refund   admin: {amount?} through mod_shop_payment
 *   GET   /order-chart         admin: orders of the last 6 months
 * Directives: ShopOrderMongoURI, ShopOrderWorker (server-wide).
 * Exports shop_order_for_session (mod_shop.h); the consumer is order_consumer.c.
 */
#include "order.h"
#include "order_mongo.h"

#include "http_log.h"
#include "apr_strings.h"

#include "mod_shop.h"
#include "shop_config.h"
#include "shop_health.h"
#include "shop_route.h"
#include "shop_http.h"
#include "shop_log.h"

static void *create_server_conf(apr_pool_t *p, server_rec *s)
{
    order_conf_t *conf = apr_pcalloc(p, sizeof(order_conf_t));

    conf->worker = SHOP_UNSET;
    return conf;
}

static order_conf_t *main_conf(server_rec *s)
{
    return ap_get_module_config(s->module_config, &shop_order_module);
}

static const char *set_mongo_uri(cmd_parms *cmd, void *dummy, const char *uri)
{
    const char *err = ap_check_cmd_context(cmd, GLOBAL_ONLY);

    if (err)
        return err;
    if ((err = order_mongo_check_uri(cmd->temp_pool, uri)))
        return apr_psprintf(cmd->pool, "ShopOrderMongoURI: %s", err);
    main_conf(cmd->server)->mongo_uri = uri;
    return NULL;
}

static const char *set_worker(cmd_parms *cmd, void *dummy, int on)
{
    const char *err = ap_check_cmd_context(cmd, GLOBAL_ONLY);

    if (err)
        return err;
    if (on && !APR_RETRIEVE_OPTIONAL_FN(shop_kafka_consumer))
        return "ShopOrderWorker On: the order worker runs in mod_shop_kafka's worker process; "
               "load mod_shop_kafka (LoadModule shop_kafka_module) first";
    main_conf(cmd->server)->worker = on;
    return NULL;
}

static int check_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp, server_rec *s)
{
    if (main_conf(s)->worker == 1 && !main_conf(s)->mongo_uri) {
        ap_log_error(APLOG_MARK, APLOG_STARTUP | APLOG_CRIT, 0, s, SHOPLOGNO(04005)
                     "ShopOrderWorker On needs ShopOrderMongoURI: the worker stores orders there");
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    return OK;
}

static int post_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp, server_rec *s)
{
    if (main_conf(s)->worker == 1)
        order_consumer_register(pconf, s, main_conf(s));
    return OK;
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
    { "GET", "/user-orders", order_user_orders },
    { "GET", "/orders", order_list },
    { "GET", "/orders/:id", order_get },
    { "PATCH", "/orders/:id", order_patch },
    { "POST", "/orders/:id/refund", order_refund },
    { "GET", "/order-chart", order_chart },
    { NULL }
};

static int order_handler(request_rec *r)
{
    return shop_dispatch(r, "shop-order", routes);
}

static void child_init(apr_pool_t *pchild, server_rec *s)
{
    order_conf_t *conf = main_conf(s);

    if (conf->mongo_uri
        && order_mongo_start(pchild, s, conf->mongo_uri, order_mongo_child()) != APR_SUCCESS)
        ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s, SHOPLOGNO(04001) "this child has no MongoDB "
                     "client pool (see above); its /health reports mongodb down");
}

static const command_rec order_cmds[] = {
    AP_INIT_TAKE1("ShopOrderMongoURI", set_mongo_uri, NULL, RSRC_CONF,
                  "MongoDB connection string for orders, mongodb://host:port/db"),
    AP_INIT_FLAG("ShopOrderWorker", set_worker, NULL, RSRC_CONF,
                 "On: the worker process consumes payment-events into orders (default Off)"),
    { NULL }
};

static void register_hooks(apr_pool_t *p)
{
    ap_hook_check_config(check_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_post_config(post_config, NULL, NULL, APR_HOOK_MIDDLE);  /* before mod_shop_kafka forks */
    ap_hook_child_init(child_init, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_handler(order_handler, NULL, NULL, APR_HOOK_MIDDLE);
    APR_REGISTER_OPTIONAL_FN(shop_order_for_session);
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
