/*
 * mod_shop_publish_test.c: a test-only module that lets the Apache::Test suite
 * publish through mod_shop_kafka's shop_kafka_publish optional function, the way
 * the service modules do. Never shipped (built into build/test/).
 *
 *   POST /publish?topic=T&key=K   body: the JSON value
 *   -> 204 once the broker acknowledged it, 503 {"message"} otherwise
 */
#include "httpd.h"
#include "http_config.h"
#include "http_protocol.h"
#include "util_script.h"
#include "apr_strings.h"

#include "mod_shop.h"
#include "shop_http.h"

#define PUBLISH_WAIT_MS 10000
#define MAX_BODY 65536

static const char *query_arg(request_rec *r, const char *name)
{
    apr_table_t *args;

    ap_args_to_table(r, &args);
    return apr_table_get(args, name);
}

static const char *read_body(request_rec *r)
{
    char *body = apr_palloc(r->pool, MAX_BODY + 1);
    apr_size_t len = 0;
    long n;

    if (ap_setup_client_block(r, REQUEST_CHUNKED_DECHUNK) != OK || !ap_should_client_block(r))
        return "";
    while (len < MAX_BODY && (n = ap_get_client_block(r, body + len, MAX_BODY - len)) > 0)
        len += n;
    body[len] = '\0';
    return body;
}

static int publish_handler(request_rec *r)
{
    APR_OPTIONAL_FN_TYPE(shop_kafka_publish) *publish;
    const char *topic, *key, *error = NULL;

    if (!r->handler || strcmp(r->handler, "shop-publish-test"))
        return DECLINED;
    publish = APR_RETRIEVE_OPTIONAL_FN(shop_kafka_publish);
    topic = query_arg(r, "topic");
    key = query_arg(r, "key");
    if (!publish || !topic || !key)
        return shop_reply_error(r, HTTP_BAD_REQUEST, "need mod_shop_kafka, topic and key");
    if (publish(r->pool, topic, key, read_body(r), query_arg(r, "traceparent"),
                PUBLISH_WAIT_MS, &error) != APR_SUCCESS)
        return shop_reply_error(r, HTTP_SERVICE_UNAVAILABLE, error);
    r->status = HTTP_NO_CONTENT;
    return OK;
}

static void register_hooks(apr_pool_t *p)
{
    ap_hook_handler(publish_handler, NULL, NULL, APR_HOOK_MIDDLE);
}

AP_DECLARE_MODULE(shop_publish_test) = {
    STANDARD20_MODULE_STUFF, NULL, NULL, NULL, NULL, NULL, register_hooks, AP_MODULE_FLAG_NONE
};
