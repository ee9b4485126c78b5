/*
 * product_config.c: the directives of mod_shop_product, server-wide and
 * inherited by VirtualHosts that do not set them.
 */
#include "product.h"

#include "http_log.h"
#include "apr_strings.h"
#include "apr_uri.h"
#include "shop_config.h"
#include "shop_parse.h"

APLOG_USE_MODULE(shop_product);

product_conf_t *product_conf(server_rec *s)
{
    return ap_get_module_config(s->module_config, &shop_product_module);
}

void *product_create_server_conf(apr_pool_t *p, server_rec *s)
{
    product_conf_t *conf = apr_pcalloc(p, sizeof(*conf));

    conf->max_body = conf->upload_max = SHOP_UNSET;
    conf->max_age = conf->cache = SHOP_UNSET;
    conf->cache_size = SHOP_UNSET;
    return conf;
}

void *product_merge_server_conf(apr_pool_t *p, void *basev, void *addv)
{
    product_conf_t *base = basev, *add = addv, *conf = apr_pcalloc(p, sizeof(*conf));

    SHOP_MERGE_INT(max_body);
    SHOP_MERGE_INT(max_age);
    SHOP_MERGE_INT(cache);
    SHOP_MERGE_INT(cache_size);
    SHOP_MERGE_PTR(watch_db);
    SHOP_MERGE_PTR(upload_dir);
    SHOP_MERGE_PTR(upload_url);
    SHOP_MERGE_PTR(public_url);
    SHOP_MERGE_INT(upload_max);
    SHOP_MERGE_PTR(cloudinary_url);
    SHOP_MERGE_PTR(cloudinary_api);
    return conf;
}

void product_conf_finish(server_rec *s)
{
    for (; s; s = s->next) {
        product_conf_t *conf = product_conf(s);

        if (conf->max_body == SHOP_UNSET)   conf->max_body = PRODUCT_DEFAULT_MAX_BODY;
        if (conf->max_age == SHOP_UNSET)    conf->max_age = PRODUCT_DEFAULT_MAX_AGE;
        if (conf->cache == SHOP_UNSET)      conf->cache = conf->watch_db != NULL;
        if (conf->cache_size == SHOP_UNSET) conf->cache_size = PRODUCT_DEFAULT_CACHE_SIZE;
        if (!conf->upload_url)      conf->upload_url = PRODUCT_DEFAULT_UPLOAD_URL;
        if (conf->upload_max == SHOP_UNSET) conf->upload_max = PRODUCT_DEFAULT_UPLOAD_MAX;
        if (!conf->cloudinary_api)  conf->cloudinary_api = PRODUCT_DEFAULT_CLOUDINARY;
    }
}

static product_conf_t *cmd_conf(cmd_parms *cmd)
{
    return product_conf(cmd->server);
}

/* bytes, with an optional K or M suffix, in 1..max */
static const char *parse_size(cmd_parms *cmd, const char *arg, apr_off_t max, apr_off_t *out)
{
    char *end;
    apr_off_t v;

    if (apr_strtoff(&v, arg, &end, 10) != APR_SUCCESS || v < 1)
        return apr_psprintf(cmd->pool, "%s: '%s' is not a size", cmd->cmd->name, arg);
    if (*end == 'K' || *end == 'k')
        v *= 1024, end++;
    else if (*end == 'M' || *end == 'm')
        v *= 1024 * 1024, end++;
    if (*end || v > max)
        return apr_psprintf(cmd->pool, "%s: give bytes (or nK, nM) up to %" APR_OFF_T_FMT,
                            cmd->cmd->name, max);
    *out = v;
    return NULL;
}

static const char *set_max_body(cmd_parms *cmd, void *dummy, const char *arg)
{
    return parse_size(cmd, arg, 1024 * 1024, &cmd_conf(cmd)->max_body);
}

static const char *set_upload_max(cmd_parms *cmd, void *dummy, const char *arg)
{
    return parse_size(cmd, arg, 64 * 1024 * 1024, &cmd_conf(cmd)->upload_max);
}

static const char *set_max_age(cmd_parms *cmd, void *dummy, const char *arg)
{
    long v;

    if (!shop_parse_int(arg, 0, 86400 * 365, &v))
        return "ShopProductMaxAge: give seconds, 0 to a year";
    cmd_conf(cmd)->max_age = (int)v;
    return NULL;
}

static const char *set_cache(cmd_parms *cmd, void *dummy, int on)
{
    const char *err = ap_check_cmd_context(cmd, GLOBAL_ONLY);

    if (err)
        return err;
    cmd_conf(cmd)->cache = on;
    return NULL;
}

static const char *set_cache_size(cmd_parms *cmd, void *dummy, const char *arg)
{
    const char *err = ap_check_cmd_context(cmd, GLOBAL_ONLY);

    if (err)
        return err;
    return parse_size(cmd, arg, 1024 * 1024 * 1024, &cmd_conf(cmd)->cache_size);
}

static const char *set_watch_db(cmd_parms *cmd, void *dummy, const char *conninfo)
{
    const char *err = ap_check_cmd_context(cmd, GLOBAL_ONLY);

    if (err)
        return err;
    if ((err = shop_parse_conninfo(cmd->temp_pool, conninfo)))
        return apr_pstrcat(cmd->pool, "ShopProductCacheDB: ", err, NULL);
    cmd_conf(cmd)->watch_db = conninfo;
    return NULL;
}

static const char *set_upload_dir(cmd_parms *cmd, void *dummy, const char *arg)
{
    const char *dir = ap_server_root_relative(cmd->pool, arg);
    apr_finfo_t info;

    if (!dir || apr_stat(&info, dir, APR_FINFO_TYPE, cmd->temp_pool) != APR_SUCCESS
        || info.filetype != APR_DIR)
        return apr_psprintf(cmd->pool, "ShopProductUploadDir: %s is not a directory", arg);
    cmd_conf(cmd)->upload_dir = dir;
    return NULL;
}

static const char *set_upload_url(cmd_parms *cmd, void *dummy, const char *arg)
{
    if (*arg != '/' && !shop_is_http_url(cmd->temp_pool, arg, 0))
        return "ShopProductUploadURL: give a path (/uploads/) or an http(s) URL prefix";
    cmd_conf(cmd)->upload_url = arg[strlen(arg) - 1] == '/' ? arg : apr_pstrcat(cmd->pool, arg, "/", NULL);
    return NULL;
}

/* http(s)://host[:port][/prefix], no user, query or fragment; kept without trailing slashes */
static const char *set_public_url(cmd_parms *cmd, void *dummy, const char *arg)
{
    apr_uri_t uri;
    char *url;
    apr_size_t len;

    if (!shop_is_http_url(cmd->temp_pool, arg, 0) || strpbrk(arg, "?#\"<>\\ ")
        || apr_uri_parse(cmd->temp_pool, arg, &uri) != APR_SUCCESS || uri.user)
        return "ShopProductPublicURL: give an http(s) URL without user, query, fragment, "
               "spaces or quotes, e.g. https://shop.example or https://cdn.example/shop";
    url = apr_pstrdup(cmd->pool, arg);
    for (len = strlen(url); url[len - 1] == '/'; len--)
        url[len - 1] = '\0';
    cmd_conf(cmd)->public_url = url;
    return NULL;
}

static const char *set_cloudinary(cmd_parms *cmd, void *dummy, const char *arg)
{
    apr_uri_t uri;

    if (apr_uri_parse(cmd->temp_pool, arg, &uri) != APR_SUCCESS || !uri.scheme
        || strcmp(uri.scheme, "cloudinary") || !uri.user || !uri.password || !uri.hostname)
        return "ShopProductCloudinaryURL: give cloudinary://API_KEY:API_SECRET@CLOUD_NAME";
    cmd_conf(cmd)->cloudinary_url = arg;
    return NULL;
}

static const char *set_cloudinary_api(cmd_parms *cmd, void *dummy, const char *arg)
{
    if (!shop_is_http_url(cmd->temp_pool, arg, 0))
        return "ShopProductCloudinaryAPI: give an http(s) URL";
    cmd_conf(cmd)->cloudinary_api = arg;
    return NULL;
}

const command_rec product_cmds[] = {
    AP_INIT_TAKE1("ShopProductMaxBody", set_max_body, NULL, RSRC_CONF,
                  "largest JSON body of a catalog write (default 64K)"),
    AP_INIT_TAKE1("ShopProductMaxAge", set_max_age, NULL, RSRC_CONF,
                  "Cache-Control max-age of catalog reads, seconds (default 0: revalidate)"),
    AP_INIT_FLAG("ShopProductCache", set_cache, NULL, RSRC_CONF,
                 "keep catalog answers in memory (default On when ShopProductCacheDB is set)"),
    AP_INIT_TAKE1("ShopProductCacheSize", set_cache_size, NULL, RSRC_CONF,
                  "bytes of catalog answers each child keeps, least recently used "
                  "evicted first (default 16M)"),
    AP_INIT_TAKE1("ShopProductCacheDB", set_watch_db, NULL, RSRC_CONF,
                  "libpq connection string each child LISTENs on for catalog changes"),
    AP_INIT_TAKE1("ShopProductUploadDir", set_upload_dir, NULL, RSRC_CONF,
                  "directory uploaded images are stored in (served by httpd)"),
    AP_INIT_TAKE1("ShopProductUploadURL", set_upload_url, NULL, RSRC_CONF,
                  "URL prefix the upload directory is served at (default /images/uploads/)"),
    AP_INIT_TAKE1("ShopProductPublicURL", set_public_url, NULL, RSRC_CONF,
                  "http(s)://host[:port][/prefix] that makes image paths in product answers "
                  "absolute URLs (default: paths are answered as stored)"),
    AP_INIT_TAKE1("ShopProductUploadMaxSize", set_upload_max, NULL, RSRC_CONF,
                  "largest image upload (default 5M)"),
    AP_INIT_TAKE1("ShopProductCloudinaryURL", set_cloudinary, NULL, RSRC_CONF,
                  "upload images to Cloudinary: cloudinary://API_KEY:API_SECRET@CLOUD_NAME"),
    AP_INIT_TAKE1("ShopProductCloudinaryAPI", set_cloudinary_api, NULL, RSRC_CONF,
                  "Cloudinary API base URL (default https://api.cloudinary.com)"),
    { NULL }
};
