/*
 * mod_shop_mongo_test.c: a test-only module that lets the Apache::Test suite
 * read and write the orders' MongoDB directly (there is no MongoDB client in
 * Perl here): documents with known dates for the chart, the stored form of an
 * order. Never shipped (built into build/test/).
 *
 *   ShopTestMongoURI mongodb://host:port/db
 *   POST /mongo   body: a database command as MongoDB extended JSON
 *   -> 200 with the reply as relaxed extended JSON, 502 {"message"} on failure
 */
#include "httpd.h"
#include "http_config.h"
#include "http_protocol.h"
#include "apr_strings.h"
#include <mongoc/mongoc.h>

#include "shop_body.h"
#include "shop_http.h"

#define MAX_BODY 1048576

module AP_MODULE_DECLARE_DATA shop_mongo_test_module;

static const char *mongo_uri;

static int run(request_rec *r, const char *json, apr_size_t len)
{
    bson_error_t error;
    bson_t *cmd = bson_new_from_json((const uint8_t *)json, len, &error), reply;
    mongoc_client_t *client = cmd ? mongoc_client_new(mongo_uri) : NULL;
    const mongoc_uri_t *uri = client ? mongoc_client_get_uri(client) : NULL;
    char *text = NULL;
    bool ok = client && mongoc_client_command_simple(client, mongoc_uri_get_database(uri), cmd,
                                                     NULL, &reply, &error);
    int rv;

    if (client) {
        text = bson_as_relaxed_extended_json(&reply, NULL);
        bson_destroy(&reply);
    }
    rv = ok && text ? shop_reply_json_text(r, HTTP_OK, text, strlen(text))
                    : shop_reply_error(r, HTTP_BAD_GATEWAY, cmd ? error.message : "not JSON");
    bson_free(text);
    if (client)
        mongoc_client_destroy(client);
    if (cmd)
        bson_destroy(cmd);
    return rv;
}

static int mongo_handler(request_rec *r)
{
    char *body;
    apr_size_t len;
    int rv;

    if (!r->handler || strcmp(r->handler, "shop-mongo-test"))
        return DECLINED;
    if ((rv = shop_read_body(r, MAX_BODY, &body, &len)) != OK)
        return rv;
    return run(r, body, len);
}

static const char *set_uri(cmd_parms *cmd, void *dummy, const char *uri)
{
    mongo_uri = uri;
    return NULL;
}

static void child_init(apr_pool_t *pchild, server_rec *s)
{
    mongoc_init();
}

static const command_rec cmds[] = {
    AP_INIT_TAKE1("ShopTestMongoURI", set_uri, NULL, RSRC_CONF, "the MongoDB of POST /mongo"),
    { NULL }
};

static void register_hooks(apr_pool_t *p)
{
    ap_hook_child_init(child_init, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_handler(mongo_handler, NULL, NULL, APR_HOOK_MIDDLE);
}

AP_DECLARE_MODULE(shop_mongo_test) = {
    STANDARD20_MODULE_STUFF, NULL, NULL, NULL, NULL, cmds, register_hooks, AP_MODULE_FLAG_NONE
};
