/*
 * product_cache.c: catalog answers kept in memory, per child, and dropped the
 * moment the catalog changes, on this httpd or any other.
 *
 * The catalog version (table catalog_version, bumped by a trigger on every
 * change, which also NOTIFYs shop_catalog) is kept in shared memory, so all
 * children see a new version at once: a write stores the version it made right
 * after its commit, and a watcher thread in every child LISTENs for the writes
 * of other servers. Answers are cached (product_lru.c) under the version they
 * were read at and served only while it is current. While a child's watcher is
 * not connected, its version is unknown and nothing is cached or served from
 * the cache.
 */
#include "product.h"

#include "http_log.h"
#include "apr_atomic.h"
#include <stdlib.h>

#include "shop_listen.h"
#include "shop_log.h"
#include "shop_shm.h"

APLOG_USE_MODULE(shop_product);

typedef struct {
    apr_uint64_t version;
    apr_uint64_t changed;                   /* apr_time_t */
} catalog_state_t;

static catalog_state_t *state;              /* shared memory, from post_config */
static shop_listen_t *watcher;              /* this child's, from child_init */

apr_status_t product_cache_post_config(apr_pool_t *pconf, server_rec *s)
{
    apr_status_t rv;

    if (!(state = shop_shm_zeroed(pconf, sizeof(catalog_state_t), &rv)))
        ap_log_error(APLOG_MARK, APLOG_ERR, rv, s, SHOPLOGNO(03001) "no shared memory for the "
                     "catalog version; answers will not be cached");
    return rv;
}

apr_uint64_t product_cache_version(void)
{
    if (!state || !shop_listen_current(watcher))
        return 0;
    return apr_atomic_read64(&state->version);
}

apr_time_t product_cache_changed(void)
{
    return state ? (apr_time_t)apr_atomic_read64(&state->changed) : 0;
}

void product_cache_saw(apr_uint64_t version, apr_time_t changed)
{
    apr_uint64_t seen;

    if (!state)
        return;
    while ((seen = apr_atomic_read64(&state->version)) < version)
        if (apr_atomic_cas64(&state->version, version, seen) == seen) {
            apr_atomic_set64(&state->changed, (apr_uint64_t)changed);
            break;
        }
}

/* The sync of the watcher: reads the current version into the shared state. */
static const char *read_version(PGconn *conn, void *baton)
{
    PGresult *res = PQexec(conn, "select version, (extract(epoch from changed_at) * 1000000)::bigint"
                                 " from catalog_version");
    const char *error = NULL;

    if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1)
        product_cache_saw(strtoull(PQgetvalue(res, 0, 0), NULL, 10),
                          (apr_time_t)strtoll(PQgetvalue(res, 0, 1), NULL, 10));
    else
        error = PQresultStatus(res) == PGRES_TUPLES_OK ? "no catalog_version row"
                                                      : PQerrorMessage(conn);
    PQclear(res);
    return error;
}

/* A NOTIFY shop_catalog carries the version only: read it with its time. */
static int catalog_changed(PGconn *conn, const char *payload, void *baton)
{
    return read_version(conn, baton) == NULL;
}

void product_cache_child_init(apr_pool_t *pchild, server_rec *s)
{
    product_conf_t *conf = product_conf(s);
    shop_listen_spec_t spec = { "catalog cache", "nothing is served from the cache",
                                conf->watch_db, "shop_catalog", read_version, catalog_changed,
                                NULL, s };

    if (!conf->cache || !conf->watch_db || !state)
        return;
    product_lru_child_init(pchild, s, (apr_size_t)conf->cache_size);
    if (shop_listen_start(pchild, &spec, &watcher) != APR_SUCCESS)
        watcher = NULL;                     /* logged; nothing is cached */
}
