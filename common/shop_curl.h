/*
 * shop_curl.h: the libcurl calls of the modules (external JWKS, Cloudinary):
 * the process-wide init, an easy handle set up the one safe way, and the
 * answer collected into a pool with a size cap (no httpd types).
 */
#ifndef SHOP_CURL_H
#define SHOP_CURL_H

#include "apr_pools.h"
#include <stddef.h>
#include <curl/curl.h>

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

/*
 * curl_global_init for this process, undone when pchild goes. Call it from
 * child_init, before any thread runs; NULL, or why libcurl cannot start.
 */
const char *shop_curl_start(apr_pool_t *pchild);

/*
 * An easy handle for url, owned by p: http and https only, no signals, at most
 * timeout_ms in all, the answer collected into body (at most max bytes; body
 * is ready, empty, even when this fails). NULL when libcurl has no memory.
 */
CURL *shop_curl_new(apr_pool_t *p, const char *url, long timeout_ms, shop_curl_body_t *body,
                    apr_size_t max);

/* Performs the transfer: the HTTP status, or 0 and *error. */
long shop_curl_perform(apr_pool_t *p, CURL *curl, const char **error);

#pragma GCC visibility pop

#endif
