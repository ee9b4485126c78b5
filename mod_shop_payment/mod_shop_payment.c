/*
 * mod_shop_payment.c: checkout sessions and payment-provider webhooks
 * (DESIGN §4 payment). Providers: Stripe (payment_stripe.c) or the built-in
 * test provider (payment_testpay.c); every outcome goes through one
 * idempotent completion (payment_complete.c) that writes payment-events
 * through the outbox. Exports shop_payment_refund (payment_refund.c).
 *
 * Handler "shop-payment". Routes:
 *   POST /sessions/create-checkout-session   GET /sessions/:id   (signed-in user)
 *   POST /webhooks/stripe                    (Stripe-Signature)
 *   GET|POST /pay/:id   GET /result/:id      (test provider's pages, open)
 *   GET /health
 */
#include "payment.h"

#include "http_log.h"

#include "shop_curl.h"
#include "shop_health.h"
#include "shop_http.h"
#include "shop_log.h"
#include "shop_route.h"

static int get_health(request_rec *r, const char *id)
{
    shop_health_t *h = shop_health_start(r, "payment");

    shop_health_check_database(h);
    shop_health_check_kafka(h);
    return shop_health_reply(h);
}

static const shop_route_t routes[] = {
    { "POST", "/sessions/create-checkout-session", payment_sessions_create },
    { "GET",  "/sessions/:id",                     payment_sessions_get },
    { "POST", "/webhooks/stripe",                  payment_webhook },
    { "GET",  "/pay/:id",                          payment_testpay_page },
    { "POST", "/pay/:id",                          payment_testpay_submit },
    { "GET",  "/result/:id",                       payment_result_page },
    { "GET",  "/health",                           get_health },
    { NULL }
};

static int payment_handler(request_rec *r)
{
    return shop_dispatch(r, "shop-payment", routes);
}

/* libcurl, for the Stripe provider and for refunds of Stripe payments */
static void child_init(apr_pool_t *pchild, server_rec *s)
{
    const char *error = shop_curl_start(pchild);

    if (error)
        ap_log_error(APLOG_MARK, APLOG_ERR, 0, s, SHOPLOGNO(05012) "libcurl cannot start: %s; "
                     "Stripe cannot be reached", error);
}

static void register_hooks(apr_pool_t *p)
{
    ap_hook_check_config(payment_check_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_child_init(child_init, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_handler(payment_handler, NULL, NULL, APR_HOOK_MIDDLE);
    APR_REGISTER_OPTIONAL_FN(shop_payment_refund);
    shop_error_hook();
}

AP_DECLARE_MODULE(shop_payment) = {
    STANDARD20_MODULE_STUFF,
    NULL,
    NULL,
    payment_create_server_conf,
    payment_merge_server_conf,
    payment_cmds,
    register_hooks,
    AP_MODULE_FLAG_NONE
};
