/*
 * mod_shop_payment.c: checkout sessions and payment-provider webhooks.
 *
 * Handler "shop-payment" (SetHandler shop-payment). Routes:
 *   GET /health   state of the dependencies this service uses
 */
#include "httpd.h"
#include "http_config.h"

#include "shop_health.h"
#include "shop_route.h"
#include "shop_http.h"

module AP_MODULE_DECLARE_DATA shop_payment_module;

static int get_health(request_rec *r, const char *id)
{
    shop_health_t *h = shop_health_start(r, "payment");

    shop_health_check_kafka(h);
    return shop_health_reply(h);
}

static const shop_route_t routes[] = {
    { "GET", "/health", get_health },
    { NULL }
};

static int payment_handler(request_rec *r)
{
    return shop_dispatch(r, "shop-payment", routes);
}

static void register_hooks(apr_pool_t *p)
{
    ap_hook_handler(payment_handler, NULL, NULL, APR_HOOK_MIDDLE);
    shop_error_hook();
}

AP_DECLARE_MODULE(shop_payment) = {
    STANDARD20_MODULE_STUFF,
    NULL,
    NULL,
    NULL,
    NULL,
    NULL,
    register_hooks,
    AP_MODULE_FLAG_NONE
};
