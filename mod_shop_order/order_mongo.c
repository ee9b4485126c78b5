/*
 * order_mongo.c: MongoDB access for the order service.
 *
 * One mongoc_client_pool_t per httpd child, created in child_init (the driver
 * starts a monitor thread), and one in the worker process, created by the
 * consumer's thread; each is destroyed by a cleanup of the pool that owns it. Timeouts the URI does
 * not set are bounded here, so a stopped or hung server costs seconds, not the
 * driver's default five minutes.
 */
#include "order_mongo.h"

#include "http_log.h"
#include "apr_strings.h"
#include "shop_log.h"
#include <mongoc/mongoc.h>

APLOG_USE_MODULE(shop_order);

static const struct {
    const char *option;
    int32_t ms;
} default_timeouts[] = {
    { MONGOC_URI_SERVERSELECTIONTIMEOUTMS, 2000 },
    { MONGOC_URI_CONNECTTIMEOUTMS, 2000 },
    { MONGOC_URI_SOCKETTIMEOUTMS, 10000 },
};

/* This child's client pool: set in child_init, cleared by its pool cleanup. */
static mongoc_client_pool_t *child_clients;

mongoc_client_pool_t **order_mongo_child(void)
{
    return &child_clients;
}

const char *order_mongo_check_uri(apr_pool_t *p, const char *uri)
{
    bson_error_t error;
    mongoc_uri_t *parsed = mongoc_uri_new_with_error(uri, &error);

    if (!parsed)
        return apr_pstrdup(p, error.message);
    mongoc_uri_destroy(parsed);
    return NULL;
}

static void on_log(mongoc_log_level_t level, const char *domain, const char *message,
                   void *data)
{
    int aplevel = level <= MONGOC_LOG_LEVEL_ERROR ? APLOG_ERR : APLOG_DEBUG;

    ap_log_error(APLOG_MARK, aplevel, 0, data, SHOPLOGNO(04002) "mongoc %s: %s", domain, message);
}

static apr_status_t clients_stop(void *data)
{
    mongoc_client_pool_t **clients = data;

    mongoc_client_pool_destroy(*clients);
    *clients = NULL;
    mongoc_cleanup();
    return APR_SUCCESS;
}

/* parsed with the timeouts it does not set bounded, and our appname; 0 on failure */
static int bound_uri(mongoc_uri_t *parsed)
{
    size_t i;

    for (i = 0; i < sizeof(default_timeouts) / sizeof(default_timeouts[0]); i++)
        if (!mongoc_uri_has_option(parsed, default_timeouts[i].option)
            && !mongoc_uri_set_option_as_int32(parsed, default_timeouts[i].option,
                                               default_timeouts[i].ms))
            return 0;
    return mongoc_uri_set_appname(parsed, "mod_shop_order");
}

apr_status_t order_mongo_start(apr_pool_t *owner, server_rec *s, const char *uri,
                               mongoc_client_pool_t **clients)
{
    mongoc_uri_t *parsed;
    bson_error_t error;

    mongoc_init();
    mongoc_log_set_handler(on_log, s);
    parsed = mongoc_uri_new_with_error(uri, &error);
    if (!parsed) {
        ap_log_error(APLOG_MARK, APLOG_ERR, 0, s, SHOPLOGNO(04003) "ShopOrderMongoURI: %s",
                     error.message);
        mongoc_cleanup();
        return APR_EINVAL;
    }
    *clients = bound_uri(parsed) ? mongoc_client_pool_new(parsed) : NULL;
    mongoc_uri_destroy(parsed);
    if (!*clients || !mongoc_client_pool_set_error_api(*clients, MONGOC_ERROR_API_VERSION_2)) {
        ap_log_error(APLOG_MARK, APLOG_ERR, 0, s, SHOPLOGNO(04004) "cannot create the MongoDB "
                     "client pool for ShopOrderMongoURI");
        if (*clients)
            mongoc_client_pool_destroy(*clients);
        *clients = NULL;
        mongoc_cleanup();
        return APR_EGENERAL;
    }
    apr_pool_cleanup_register(owner, clients, clients_stop, apr_pool_cleanup_null);
    return APR_SUCCESS;
}

typedef struct {
    mongoc_client_pool_t *clients;
    mongoc_client_t *client;
} borrowed_t;

static apr_status_t client_push(void *data)
{
    borrowed_t *b = data;

    mongoc_client_pool_push(b->clients, b->client);
    return APR_SUCCESS;
}

mongoc_client_t *order_mongo_client(apr_pool_t *p, mongoc_client_pool_t *clients)
{
    borrowed_t *b = apr_palloc(p, sizeof(*b));

    b->clients = clients;
    b->client = mongoc_client_pool_pop(clients);
    apr_pool_cleanup_register(p, b, client_push, apr_pool_cleanup_null);
    return b->client;
}

const char *order_mongo_ping(apr_pool_t *p)
{
    mongoc_client_t *client;
    bson_t *ping;
    bson_error_t error;
    bool ok;

    if (!child_clients)
        return "MongoDB is not configured in this process (ShopOrderMongoURI)";
    client = order_mongo_client(p, child_clients);
    ping = BCON_NEW("ping", BCON_INT32(1));
    ok = mongoc_client_command_simple(client, "admin", ping, NULL, NULL, &error);
    bson_destroy(ping);
    return ok ? NULL : apr_pstrdup(p, error.message);
}
