/*
 * mod_shop_product.c: the catalog service: products, categories and image uploads.
 *
 * Handler "shop-product" (SetHandler shop-product). Routes:
 *   GET /health   state of the dependencies this service uses
 */
#include "httpd.h"
#include "http_config.h"

#include "shop_health.h"
#include "shop_route.h"

module AP_MODULE_DECLARE_DATA shop_product_module;

static int get_health(request_rec *r, const char *id)
{
    shop_health_t *h = shop_health_start(r, "product");

    shop_health_check_database(h);
    shop_health_check_kafka(h);
    return shop_health_reply(h);
}

static const shop_route_t routes[] = {
    { "GET", "/health", get_health },
    { NULL }
};

static int product_handler(request_rec *r)
{
    if (!r->handler || strcmp(r->handler, "shop-product"))
        return DECLINED;
    return shop_dispatch(r, routes);
}

static void register_hooks(apr_pool_t *p)
{
    ap_hook_handler(product_handler, NULL, NULL, APR_HOOK_MIDDLE);
}

AP_DECLARE_MODULE(shop_product) = {
    STANDARD20_MODULE_STUFF,
    NULL,
    NULL,
    NULL,
    NULL,
    NULL,
    register_hooks,
    AP_MODULE_FLAG_NONE
};
