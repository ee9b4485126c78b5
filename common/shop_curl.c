/*
 * shop_curl.c: libcurl for the modules: its process-wide init (the one owner of
 * curl_global_init), easy handles owned by a pool, and the bounded answer
 * buffer (it doubles as it grows; the old blocks stay in the pool).
 */
#include "shop_curl.h"

#include "apr_strings.h"
#include <string.h>

void shop_curl_body_init(shop_curl_body_t *body, apr_pool_t *p, apr_size_t max)
{
    body->pool = p;
    body->data = "";
    body->len = body->cap = 0;
    body->max = max;
}

size_t shop_curl_collect(char *ptr, size_t size, size_t n, void *arg)
{
    shop_curl_body_t *b = arg;
    apr_size_t add = size * n;
    char *grown;

    if (b->len + add > b->max)
        return 0;                                   /* aborts the transfer */
    if (b->len + add + 1 > b->cap) {
        b->cap = (b->len + add + 1) * 2;
        grown = apr_palloc(b->pool, b->cap);
        memcpy(grown, b->data, b->len);
        b->data = grown;
    }
    memcpy(b->data + b->len, ptr, add);
    b->len += add;
    b->data[b->len] = '\0';
    return add;
}

static apr_status_t global_cleanup(void *data)
{
    curl_global_cleanup();
    return APR_SUCCESS;
}

const char *shop_curl_start(apr_pool_t *pchild)
{
    CURLcode rc = curl_global_init(CURL_GLOBAL_DEFAULT);

    if (rc != CURLE_OK)
        return curl_easy_strerror(rc);
    apr_pool_cleanup_register(pchild, NULL, global_cleanup, apr_pool_cleanup_null);
    return NULL;
}

static apr_status_t easy_cleanup(void *curl)
{
    curl_easy_cleanup(curl);
    return APR_SUCCESS;
}

CURL *shop_curl_new(apr_pool_t *p, const char *url, long timeout_ms, shop_curl_body_t *body,
                    apr_size_t max)
{
    CURL *curl = curl_easy_init();

    shop_curl_body_init(body, p, max);
    if (!curl)
        return NULL;
    apr_pool_cleanup_register(p, curl, easy_cleanup, apr_pool_cleanup_null);
    if (curl_easy_setopt(curl, CURLOPT_URL, url) != CURLE_OK
        || curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https") != CURLE_OK
        || curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, timeout_ms) != CURLE_OK
        || curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L) != CURLE_OK
        || curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, shop_curl_collect) != CURLE_OK
        || curl_easy_setopt(curl, CURLOPT_WRITEDATA, body) != CURLE_OK)
        return NULL;
    return curl;
}

long shop_curl_perform(apr_pool_t *p, CURL *curl, const char **error)
{
    CURLcode rc = curl_easy_perform(curl);
    long status = 0;

    if (rc == CURLE_OK)
        rc = curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    if (rc != CURLE_OK) {
        *error = apr_pstrdup(p, curl_easy_strerror(rc));
        return 0;
    }
    return status;
}
