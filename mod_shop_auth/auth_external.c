/*
 * auth_external.c: the external identity provider's keys. Its JWKS is fetched
 * with libcurl on first use, kept per process, and fetched again when a token
 * names a kid it does not hold (key rotation), at most once per
 * AUTH_JWKS_MIN_REFRESH so forged kids cannot turn into a request flood.
 * No lock is held across the download or a verification: the lock only
 * guards which key set is current and the reference counts that keep a
 * replaced set alive until its last user is done. One thread downloads at a
 * time; the others go on with the keys they have, or, before the first
 * download has ended, wait for it (on a condition, which releases the lock).
 */
#include "auth.h"

#include "http_log.h"
#include "apr_strings.h"

#include "shop_curl.h"
#include "shop_log.h"

APLOG_USE_MODULE(shop_auth);

#define AUTH_JWKS_MIN_REFRESH apr_time_from_sec(10)
#define AUTH_JWKS_TIMEOUT_MS 5000L
#define AUTH_JWKS_MAX_BYTES (256 * 1024)

/* GETs url into *body; NULL or the reason. */
static const char *fetch(apr_pool_t *p, const char *url, shop_curl_body_t *body)
{
    CURL *curl = shop_curl_new(p, url, AUTH_JWKS_TIMEOUT_MS, body, AUTH_JWKS_MAX_BYTES);
    const char *error = NULL;
    long status;

    if (!curl)
        return "cannot start libcurl";
    status = shop_curl_perform(p, curl, &error);
    if (error)
        return apr_psprintf(p, "fetching %s: %s", url, error);
    if (status != 200)
        return apr_psprintf(p, "fetching %s: HTTP %ld", url, status);
    return NULL;
}

/* A downloaded key set, shared by the threads that verify with it. */
typedef struct auth_external_keys {
    apr_pool_t *pool;               /* unmanaged: destroyed with the last reference */
    shop_keyset_t *set;
    int refs;                       /* under ext->lock; the current set holds one */
} keys_t;

/* Another reference to k (may be NULL); caller holds the lock. */
static keys_t *hold(keys_t *k)
{
    if (k)
        k->refs++;
    return k;
}

/* Drops a reference to k (may be NULL); the last one frees the keys. */
static void release(auth_external_t *ext, keys_t *k)
{
    int last;

    if (!k)
        return;
    apr_thread_mutex_lock(ext->lock);
    last = !--k->refs;
    apr_thread_mutex_unlock(ext->lock);
    if (last)
        apr_pool_destroy(k->pool);
}

/* Downloads the JWKS, holding no lock: new keys with one reference, or NULL. */
static keys_t *download(request_rec *r, auth_external_t *ext)
{
    apr_pool_t *pool;
    shop_curl_body_t d;
    const char *error;
    keys_t *k;

    if (apr_pool_create_unmanaged_ex(&pool, NULL, NULL) != APR_SUCCESS)
        return NULL;
    k = apr_pcalloc(pool, sizeof(*k));
    k->pool = pool;
    k->set = shop_keyset_make(pool);
    k->refs = 1;
    if (!(error = fetch(r->pool, ext->jwks_url, &d)))
        error = shop_keyset_load_jwks(k->set, d.data, d.len);
    if (error) {
        apr_pool_destroy(pool);
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, SHOPLOGNO(02002) "external JWKS: %s", error);
        return NULL;
    }
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, SHOPLOGNO(02003) "loaded external JWKS from %s",
                  ext->jwks_url);
    return k;
}

/* Whether this thread should download the keys now (and claims it); caller holds the lock. */
static int claim_download(auth_external_t *ext, const char *kid, apr_time_t now)
{
    if ((ext->keys && shop_keyset_has_kid(ext->keys->set, kid)) || ext->fetching
        || now - ext->fetched < AUTH_JWKS_MIN_REFRESH)
        return 0;
    ext->fetching = 1;
    ext->fetched = now;
    return 1;
}

/*
 * Ends a download: fresh (if it worked) becomes the current set. The keys to
 * verify with, a reference: fresh, or held (the caller's) when it failed.
 */
static keys_t *install(auth_external_t *ext, keys_t *fresh, keys_t *held)
{
    keys_t *old;

    apr_thread_mutex_lock(ext->lock);
    ext->fetching = 0;
    apr_thread_cond_broadcast(ext->fetched_cond);
    old = fresh ? ext->keys : NULL;
    if (fresh)
        ext->keys = hold(fresh);
    apr_thread_mutex_unlock(ext->lock);
    if (!fresh)
        return held;
    release(ext, old);
    release(ext, held);
    return fresh;
}

const char *auth_external_verify(request_rec *r, auth_external_t *ext, const shop_jwt_t *jwt)
{
    const char *error;
    keys_t *keys;
    int fetch;

    if (!ext->lock)
        return "the external identity provider is not set up in this process";
    apr_thread_mutex_lock(ext->lock);
    fetch = claim_download(ext, shop_jwt_kid(jwt), apr_time_now());
    if (!fetch && !ext->keys && ext->fetching)      /* the first download: wait for it */
        apr_thread_cond_timedwait(ext->fetched_cond, ext->lock,
                                  apr_time_from_msec(AUTH_JWKS_TIMEOUT_MS + 1000));
    keys = hold(ext->keys);
    apr_thread_mutex_unlock(ext->lock);
    if (fetch)
        keys = install(ext, download(r, ext), keys);
    error = keys ? shop_jwt_verify(jwt, keys->set, apr_time_now(), ext->issuer, ext->audience)
                 : "the identity provider's keys are unavailable";
    release(ext, keys);
    return error;
}

/* At child exit: the current set's reference. */
static apr_status_t drop_keys(void *data)
{
    auth_external_t *ext = data;

    release(ext, ext->keys);
    ext->keys = NULL;
    return APR_SUCCESS;
}

void auth_external_child_init(apr_pool_t *pchild, server_rec *s)
{
    const char *curl_error = NULL;
    int curl_ready = 0;
    apr_status_t rv;

    for (; s; s = s->next) {
        auth_external_t *ext = auth_conf_get(s)->external;

        if (!ext || ext->lock)
            continue;                                   /* none, or shared with a set-up one */
        if (!curl_ready++ && (curl_error = shop_curl_start(pchild)))
            ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s, SHOPLOGNO(02114) "libcurl: %s; the "
                         "external identity provider's keys cannot be fetched", curl_error);
        if ((rv = apr_thread_mutex_create(&ext->lock, APR_THREAD_MUTEX_DEFAULT, pchild))
            != APR_SUCCESS
            || (rv = apr_thread_cond_create(&ext->fetched_cond, pchild)) != APR_SUCCESS) {
            ap_log_error(APLOG_MARK, APLOG_CRIT, rv, s, SHOPLOGNO(02110) "cannot create the "
                         "lock of the external identity provider: its tokens are refused");
            ext->lock = NULL;
            continue;
        }
        apr_pool_cleanup_register(pchild, ext, drop_keys, apr_pool_cleanup_null);
    }
}
