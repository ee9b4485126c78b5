/*
 * product_lru.c: this child's catalog answers, bounded in bytes
 * (ShopProductCacheSize), the least recently used evicted first.
 *
 * An answer is one malloc'd block (entry, key, ETag, body) counted at what it
 * really costs, and freed as soon as it is evicted or the catalog version moves
 * on, so the memory goes back to the allocator at once. Requests hold the
 * entries they are sending (a reference count, released with the request's
 * pool): eviction unlinks an entry at once but frees it after its last reader.
 * One mutex guards the table, the list and the counts; it is held for lookups
 * and links only, never across I/O, a copy of a body or an allocation of one.
 * Once a quarter of the bound has been freed, glibc's malloc is asked to give
 * its free pages back to the system (malloc_trim), so that a child's memory
 * follows the bound rather than the most it ever held across its arenas.
 */
#include "product.h"

#include "http_log.h"
#include "apr_hash.h"
#include "apr_thread_mutex.h"
#include <stdlib.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "shop_log.h"
#include "shop_metrics.h"

APLOG_USE_MODULE(shop_product);

/* per entry, besides its block: malloc's header, the table's node and bucket */
#define ENTRY_OVERHEAD 64

typedef struct entry_t entry_t;
struct entry_t {
    entry_t *prev, *next;               /* the ring, most recently used first */
    apr_size_t cost;                    /* bytes counted against the bound */
    unsigned refs;                      /* requests sending it */
    int linked;                         /* in the table and the ring */
    const char *key;
    product_answer_t answer;            /* body and etag point into data */
    char data[];                        /* key, etag, body, each NUL-terminated */
};

typedef struct {
    apr_thread_mutex_t *lock;
    apr_hash_t *table;                  /* key -> entry; its nodes are reused */
    entry_t ring;                       /* sentinel of the LRU ring */
    apr_size_t bytes, max;
    apr_size_t freed;                   /* bytes freed since the last trim */
    apr_uint64_t version;               /* of the entries */
} lru_t;

typedef struct {
    int n;
    entry_t **held;
} hold_t;

static lru_t *lru;                      /* this child's, from child_init */

static void ring_remove(entry_t *e)
{
    e->prev->next = e->next;
    e->next->prev = e->prev;
}

static void ring_push(entry_t *e)
{
    e->next = lru->ring.next;
    e->prev = &lru->ring;
    lru->ring.next->prev = e;
    lru->ring.next = e;
}

/* Frees an entry no request holds any more (locked). */
static void entry_free(entry_t *e)
{
    lru->freed += e->cost;
    free(e);
}

/* Takes e out of the table and the ring; frees it unless a request holds it. */
static void unlink_entry(entry_t *e)
{
    apr_hash_set(lru->table, e->key, APR_HASH_KEY_STRING, NULL);
    ring_remove(e);
    lru->bytes -= e->cost;
    shop_gauge(SHOP_GAUGE_CACHE_BYTES, lru->bytes);
    e->linked = 0;
    if (!e->refs)
        entry_free(e);
}

/* Whether malloc should give free pages back now (locked); restarts the count. */
static int trim_due(void)
{
    if (lru->freed < lru->max / 4)
        return 0;
    lru->freed = 0;
    return 1;
}

static void trim(void)
{
#ifdef __GLIBC__
    malloc_trim(0);
#endif
}

/* Whether entries of version may be read and stored; a newer version drops them all. */
static int current(apr_uint64_t version)
{
    if (!version)
        return 0;
    if (version > lru->version) {
        while (lru->ring.prev != &lru->ring)
            unlink_entry(lru->ring.prev);
        lru->version = version;
    }
    return version == lru->version;
}

static apr_status_t release(void *data)
{
    hold_t *hold = data;
    int i;

    apr_thread_mutex_lock(lru->lock);
    for (i = 0; i < hold->n; i++)
        if (!--hold->held[i]->refs && !hold->held[i]->linked)
            entry_free(hold->held[i]);
    apr_thread_mutex_unlock(lru->lock);
    return APR_SUCCESS;
}

int product_lru_get(request_rec *r, apr_uint64_t version, int n, const char *const *keys,
                    product_answer_t *answers)
{
    hold_t *hold;
    entry_t *e;
    int i;

    memset(answers, 0, n * sizeof(*answers));
    if (!lru || !version)
        return 0;
    hold = apr_palloc(r->pool, sizeof(*hold));
    hold->held = apr_palloc(r->pool, n * sizeof(*hold->held));
    hold->n = 0;
    apr_thread_mutex_lock(lru->lock);
    for (i = 0; current(version) && i < n; i++)
        if ((e = apr_hash_get(lru->table, keys[i], APR_HASH_KEY_STRING))) {
            e->refs++;
            ring_remove(e);
            ring_push(e);
            answers[i] = e->answer;
            hold->held[hold->n++] = e;
        }
    apr_thread_mutex_unlock(lru->lock);
    shop_count(SHOP_COUNT_CACHE_HITS, hold->n);
    shop_count(SHOP_COUNT_CACHE_MISSES, n - hold->n);
    if (hold->n)
        apr_pool_cleanup_register(r->pool, hold, release, apr_pool_cleanup_null);
    return hold->n;
}

/* The bytes of the block holding key and answer. */
static apr_size_t entry_size(const char *key, const product_answer_t *answer)
{
    return sizeof(entry_t) + strlen(key) + 1 + strlen(answer->etag) + 1 + answer->len + 1;
}

/* A block holding key and a copy of answer, or NULL (no memory). */
static entry_t *entry_make(const char *key, const product_answer_t *answer)
{
    apr_size_t klen = strlen(key) + 1, tlen = strlen(answer->etag) + 1;
    apr_size_t size = entry_size(key, answer);
    entry_t *e = malloc(size);
    char *body;

    if (!e)
        return NULL;
    e->cost = size + ENTRY_OVERHEAD;
    e->refs = 0;
    e->linked = 1;
    e->key = memcpy(e->data, key, klen);
    e->answer.etag = memcpy(e->data + klen, answer->etag, tlen);
    body = e->data + klen + tlen;
    memcpy(body, answer->body, answer->len);
    body[answer->len] = '\0';
    e->answer.body = body;
    e->answer.len = answer->len;
    return e;
}

/* Links e in (locked), evicting the coldest entries for room; 0 if e is of an old version. */
static int insert(apr_uint64_t version, entry_t *e)
{
    entry_t *old;

    if (!current(version))
        return 0;
    if ((old = apr_hash_get(lru->table, e->key, APR_HASH_KEY_STRING)))
        unlink_entry(old);
    while (lru->bytes + e->cost > lru->max) {
        unlink_entry(lru->ring.prev);
        shop_count(SHOP_COUNT_CACHE_EVICTIONS, 1);
    }
    apr_hash_set(lru->table, e->key, APR_HASH_KEY_STRING, e);
    ring_push(e);
    lru->bytes += e->cost;
    shop_gauge(SHOP_GAUGE_CACHE_BYTES, lru->bytes);
    return 1;
}

void product_lru_put(apr_uint64_t version, const char *key, const product_answer_t *answer)
{
    entry_t *e;
    int inserted, trimming;

    if (!lru || !version || entry_size(key, answer) + ENTRY_OVERHEAD > lru->max
        || !(e = entry_make(key, answer)))
        return;
    apr_thread_mutex_lock(lru->lock);
    inserted = insert(version, e);
    trimming = trim_due();
    apr_thread_mutex_unlock(lru->lock);
    if (!inserted)
        free(e);
    if (trimming)
        trim();
}

/* At child exit: every entry goes (no request holds one any more). */
static apr_status_t lru_free(void *data)
{
    while (lru->ring.prev != &lru->ring)
        unlink_entry(lru->ring.prev);
    lru = NULL;
    return APR_SUCCESS;
}

void product_lru_child_init(apr_pool_t *pchild, server_rec *s, apr_size_t max)
{
    lru_t *l = apr_pcalloc(pchild, sizeof(*l));
    apr_pool_t *table_pool;
    apr_status_t rv;

    if ((rv = apr_thread_mutex_create(&l->lock, APR_THREAD_MUTEX_DEFAULT, pchild)) != APR_SUCCESS
        || (rv = apr_pool_create(&table_pool, pchild)) != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_ERR, rv, s, SHOPLOGNO(03101) "no lock for the catalog "
                     "cache; answers will not be cached");
        return;
    }
    l->table = apr_hash_make(table_pool);
    l->ring.next = l->ring.prev = &l->ring;
    l->max = max;
    lru = l;
    apr_pool_cleanup_register(pchild, NULL, lru_free, apr_pool_cleanup_null);
}
