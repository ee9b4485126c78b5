/*
 * mod_shop_refund_test.c: a test-only module that lets the Apache::Test suite
 * call mod_shop_payment's shop_payment_refund optional function, the way
 * mod_shop_order's refund route does. Never shipped (built into build/test/).
 *
 *   POST /refund-test/SESSION_ID?amount=MINOR   (no amount: all that is left)
 *   -> the result's status, {status, message, refundId, amount, refunded, paid}
 */
#include "httpd.h"
#include "http_config.h"
#include "http_protocol.h"
#include "apr_strings.h"

#include "mod_shop.h"
#include "shop_http.h"

static int refund_handler(request_rec *r)
{
    APR_OPTIONAL_FN_TYPE(shop_payment_refund) *refund;
    const char *session, *amount;
    shop_refund_result_t result;
    cJSON *json;

    if (!r->handler || strcmp(r->handler, "shop-refund-test"))
        return DECLINED;
    refund = APR_RETRIEVE_OPTIONAL_FN(shop_payment_refund);
    session = strrchr(r->uri, '/') + 1;
    amount = shop_query_arg(r, "amount");
    if (!refund)
        return shop_reply_error(r, HTTP_SERVICE_UNAVAILABLE, "mod_shop_payment is not loaded");
    refund(r, session, amount ? apr_atoi64(amount) : 0, &result);
    json = shop_json_own(r->pool, cJSON_CreateObject());
    cJSON_AddNumberToObject(json, "status", result.status);
    if (result.message)
        cJSON_AddStringToObject(json, "message", result.message);
    if (result.refund_id)
        cJSON_AddStringToObject(json, "refundId", result.refund_id);
    cJSON_AddNumberToObject(json, "amount", (double)result.amount_minor);
    cJSON_AddNumberToObject(json, "refunded", (double)result.refunded_minor);
    cJSON_AddNumberToObject(json, "paid", (double)result.paid_minor);
    return shop_reply_json(r, result.status, json);
}

static void register_hooks(apr_pool_t *p)
{
    ap_hook_handler(refund_handler, NULL, NULL, APR_HOOK_MIDDLE);
}

AP_DECLARE_MODULE(shop_refund_test) = {
    STANDARD20_MODULE_STUFF, NULL, NULL, NULL, NULL, NULL, register_hooks, AP_MODULE_FLAG_NONE
};
