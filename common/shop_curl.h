/*
 * shop_curl.h: collecting an HTTP answer received with libcurl into a pool,
 * with a size cap (no httpd types).
 */
#ifndef SHOP_CURL_H
#define SHOP_CURL_H

#include "apr_pools.h"
#include <stddef.h>

#pragma GCC visibility push(hidden)

typedef struct {
    apr_pool_t *pool;
    char *data;                 /* always NUL-terminated */
    apr_size_t len;
    apr_size_t cap;
    apr_size_t max;
} shop_curl_body_t;

void shop_curl_body_init(shop_curl_body_t *body, apr_pool_t *p, apr_size_t max);

/* CURLOPT_WRITEFUNCTION with a shop_curl_body_t as CURLOPT_WRITEDATA; past max it aborts. */
size_t shop_curl_collect(char *ptr, size_t size, size_t n, void *body);

#pragma GCC visibility pop

#endif
