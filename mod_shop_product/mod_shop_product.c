/*
 * mod_shop_product.c: the catalog service (DESIGN §4 product): products,
 * categories and image uploads, fast reads from a per-child cache that every
 * catalog change invalidates at once (product_cache.c).
 *
 * Handler "shop-product". Routes:
 *   GET /products?sort=&category=&search=&limit=&offset=    GET /products/:id
 *   POST /products    PUT /products/:id    DELETE /products/:id     (admin, by conf)
 *   GET /categories   POST /categories     PUT|DELETE /categories/:id (admin, by conf)
 *   POST /uploads     (admin, by conf)
 *   GET /health
 */
#include "product.h"

#include "http_log.h"
#include "http_protocol.h"

#include "shop_curl.h"
#include "shop_health.h"
#include "shop_log.h"
#include "shop_route.h"
#include "shop_http.h"

static int get_health(request_rec *r, const char *id)
{
    shop_health_t *h = shop_health_start(r, "product");

    shop_health_check_database(h);
    shop_health_check_kafka(h);
    return shop_health_reply(h);
}

static const shop_route_t routes[] = {
    { "GET",    "/products",        product_list },
    { "POST",   "/products",        product_post },
    { "GET",    "/products/:id",    product_get },
    { "PUT",    "/products/:id",    product_put },
    { "DELETE", "/products/:id",    product_delete },
    { "GET",    "/categories",      category_list },
    { "POST",   "/categories",      category_post },
    { "PUT",    "/categories/:id",  category_put },
    { "DELETE", "/categories/:id",  category_delete },
    { "POST",   "/uploads",         product_upload },
    { "GET",    "/health",          get_health },
    { NULL }
};

static int product_handler(request_rec *r)
{
    return shop_dispatch(r, "shop-product", routes);
}

static int post_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp, server_rec *s)
{
    product_conf_finish(s);
    product_cache_post_config(pconf, s);
    return OK;
}

static void child_init(apr_pool_t *pchild, server_rec *s)
{
    const char *error = shop_curl_start(pchild);

    if (error)
        ap_log_error(APLOG_MARK, APLOG_ERR, 0, s, SHOPLOGNO(03006) "libcurl: %s; "
                     "Cloudinary uploads will fail", error);
    product_cache_child_init(pchild, s);
}

static void register_hooks(apr_pool_t *p)
{
    ap_hook_post_config(post_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_child_init(child_init, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_handler(product_handler, NULL, NULL, APR_HOOK_MIDDLE);
    shop_error_hook();
}

AP_DECLARE_MODULE(shop_product) = {
    STANDARD20_MODULE_STUFF,
    NULL,
    NULL,
    product_create_server_conf,
    product_merge_server_conf,
    product_cmds,
    register_hooks,
    AP_MODULE_FLAG_NONE
};
