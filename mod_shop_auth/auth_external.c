/*
 * auth_external.c: the external identity provider's keys. Its JWKS is fetched
 * with libcurl on first use, kept per process, and fetched again when a token
 * names a kid it does not hold (key rotation), at most once per
 * AUTH_JWKS_MIN_REFRESH so forged kids cannot turn into a request flood.
 * Verification runs under the lock so a refresh never frees keys in use.
 */
#include "auth.h"

#include "http_log.h"
#include "apr_strings.h"
#include <curl/curl.h>

#include "shop_curl.h"
#include "shop_log.h"

APLOG_USE_MODULE(shop_auth);

#define AUTH_JWKS_MIN_REFRESH apr_time_from_sec(10)
#define AUTH_JWKS_TIMEOUT_MS 5000L
#define AUTH_JWKS_MAX_BYTES (256 * 1024)

/* GETs url into *body; NULL or the reason. */
static const char *fetch(apr_pool_t *p, const char *url, shop_curl_body_t *d)
{
    CURL *curl = curl_easy_init();
    CURLcode rc;
    long status = 0;

    if (!curl)
        return "cannot start libcurl";
    shop_curl_body_init(d, p, AUTH_JWKS_MAX_BYTES);
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, AUTH_JWKS_TIMEOUT_MS);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, shop_curl_collect);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, d);
    rc = curl_easy_perform(curl);
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(curl);
    if (rc != CURLE_OK)
        return apr_psprintf(p, "fetching %s: %s", url, curl_easy_strerror(rc));
    if (status != 200)
        return apr_psprintf(p, "fetching %s: HTTP %ld", url, status);
    return NULL;
}

/* Replaces the cached keys with a fresh download; caller holds the lock. */
static const char *refresh(request_rec *r, auth_external_t *ext)
{
    apr_pool_t *pool;
    shop_keyset_t *keys;
    shop_curl_body_t d;
    const char *error;

    ext->fetched = apr_time_now();
    apr_pool_create(&pool, ext->pchild);
    keys = shop_keyset_make(pool);
    if (!(error = fetch(r->pool, ext->jwks_url, &d)))
        error = shop_keyset_load_jwks(keys, d.data, d.len);
    if (error) {
        apr_pool_destroy(pool);
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, SHOPLOGNO(02002) "external JWKS: %s", error);
        return "the identity provider's keys are unavailable";
    }
    if (ext->keys_pool)
        apr_pool_destroy(ext->keys_pool);
    ext->keys_pool = pool;
    ext->keys = keys;
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, SHOPLOGNO(02003) "loaded external JWKS from %s",
                  ext->jwks_url);
    return NULL;
}

const char *auth_external_verify(request_rec *r, auth_external_t *ext, const shop_jwt_t *jwt)
{
    const char *error = NULL;

    if (!ext->lock)
        return "the external identity provider is not set up in this process";
    apr_thread_mutex_lock(ext->lock);
    if ((!ext->keys || !shop_keyset_has_kid(ext->keys, shop_jwt_kid(jwt)))
        && apr_time_now() - ext->fetched >= AUTH_JWKS_MIN_REFRESH)
        error = refresh(r, ext);
    if (!error && !ext->keys)
        error = "the identity provider's keys are unavailable";
    if (!error)
        error = shop_jwt_verify(jwt, ext->keys, apr_time_now(), ext->issuer, ext->audience);
    apr_thread_mutex_unlock(ext->lock);
    return error;
}

static apr_status_t curl_cleanup(void *data)
{
    curl_global_cleanup();
    return APR_SUCCESS;
}

void auth_external_child_init(apr_pool_t *pchild, server_rec *s)
{
    int curl_ready = 0;

    for (; s; s = s->next) {
        auth_external_t *ext = auth_conf_get(s)->external;

        if (!ext || ext->lock)
            continue;                                   /* none, or shared with a set-up one */
        if (!curl_ready++) {
            curl_global_init(CURL_GLOBAL_DEFAULT);
            apr_pool_cleanup_register(pchild, NULL, curl_cleanup, apr_pool_cleanup_null);
        }
        apr_thread_mutex_create(&ext->lock, APR_THREAD_MUTEX_DEFAULT, pchild);
        ext->pchild = pchild;
    }
}
