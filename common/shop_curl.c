/*
 * shop_curl.c: the bounded answer buffer behind the libcurl calls (external
 * JWKS, Cloudinary). It doubles as it grows; the old blocks stay in the pool.
 */
#include "shop_curl.h"

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
