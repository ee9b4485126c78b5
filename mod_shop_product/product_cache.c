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
#include "apr_shm.h"
#include "apr_thread_proc.h"
#include <poll.h>
#include <stdlib.h>
#include "shop_log.h"

APLOG_USE_MODULE(shop_product);

#define WATCH_POLL_MS 1000
#define WATCH_RETRY apr_time_from_sec(2)

typedef struct {
    apr_uint64_t version;
    apr_uint64_t changed;                   /* apr_time_t */
} catalog_state_t;

typedef struct {
    server_rec *s;
    const char *conninfo;
    volatile apr_uint32_t watching;
    volatile int stopping;
    apr_thread_t *watcher;
} cache_t;

static catalog_state_t *state;              /* shared memory, from post_config */
static cache_t *cache;                      /* this child's, from child_init */

apr_status_t product_cache_post_config(apr_pool_t *pconf, server_rec *s)
{
    apr_shm_t *shm;
    apr_status_t rv = apr_shm_create(&shm, sizeof(catalog_state_t), NULL, pconf);

    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_ERR, rv, s, SHOPLOGNO(03001) "no shared memory for the "
                     "catalog version; answers will not be cached");
        state = NULL;
        return rv;
    }
    state = apr_shm_baseaddr_get(shm);
    memset(state, 0, sizeof(*state));
    return APR_SUCCESS;
}

apr_uint64_t product_cache_version(void)
{
    if (!cache || !state || !apr_atomic_read32(&cache->watching))
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

/* Reads the current version into the shared state; 0 if the query failed. */
static int read_version(PGconn *conn)
{
    PGresult *res = PQexec(conn, "select version, (extract(epoch from changed_at) * 1000000)::bigint"
                                 " from catalog_version");
    int ok = PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1;

    if (ok)
        product_cache_saw(strtoull(PQgetvalue(res, 0, 0), NULL, 10),
                          (apr_time_t)strtoll(PQgetvalue(res, 0, 1), NULL, 10));
    PQclear(res);
    return ok;
}

/* Follows NOTIFY shop_catalog until the connection breaks or the child stops. */
static void watch(PGconn *conn)
{
    struct pollfd pfd = { PQsocket(conn), POLLIN, 0 };
    PGnotify *note;
    int changed;

    while (!cache->stopping && PQstatus(conn) == CONNECTION_OK) {
        if (poll(&pfd, 1, WATCH_POLL_MS) <= 0)
            continue;
        if (!PQconsumeInput(conn))
            break;
        for (changed = 0; (note = PQnotifies(conn)); changed = 1)
            PQfreemem(note);
        if (changed && !read_version(conn))
            break;
    }
}

static void *APR_THREAD_FUNC watcher_run(apr_thread_t *thread, void *data)
{
    while (!cache->stopping) {
        PGconn *conn = PQconnectdb(cache->conninfo);
        PGresult *res = NULL;

        if (PQstatus(conn) == CONNECTION_OK)
            res = PQexec(conn, "listen shop_catalog");
        if (res && PQresultStatus(res) == PGRES_COMMAND_OK && read_version(conn)) {
            apr_atomic_set32(&cache->watching, 1);
            watch(conn);
            apr_atomic_set32(&cache->watching, 0);
        }
        PQclear(res);
        PQfinish(conn);
        if (!cache->stopping)
            apr_sleep(WATCH_RETRY);
    }
    return NULL;                /* its pool goes with the parent's, after the join */
}

static apr_status_t cache_stop(void *data)
{
    apr_status_t rv;

    cache->stopping = 1;
    apr_thread_join(&rv, cache->watcher);
    cache = NULL;
    return APR_SUCCESS;
}

void product_cache_child_init(apr_pool_t *pchild, server_rec *s)
{
    product_conf_t *conf = product_conf(s);
    cache_t *c;

    if (!conf->cache || !conf->watch_db || !state)
        return;
    c = apr_pcalloc(pchild, sizeof(*c));
    c->s = s;
    c->conninfo = conf->watch_db;
    product_lru_child_init(pchild, s, (apr_size_t)conf->cache_size);
    cache = c;
    if (apr_thread_create(&c->watcher, NULL, watcher_run, NULL, pchild) != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_ERR, 0, s, SHOPLOGNO(03002) "cannot start the cache watcher");
        cache = NULL;
        return;
    }
    /* a pre-cleanup: the watcher must be joined before its pool (a subpool) goes */
    apr_pool_pre_cleanup_register(pchild, NULL, cache_stop);
}
