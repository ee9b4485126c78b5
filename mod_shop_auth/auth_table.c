/*
 * auth_table.c: the bounded shared-memory table of auth_table.h.
 *
 * Readers follow the seqlock pattern of Boehm ("Can seqlocks get along with
 * programming language memory models?", 2012): every shared field is read and
 * written with relaxed atomics, the counter is odd while a writer is busy, and
 * a reader that saw it move reads again (after a few tries it takes the mutex).
 */
#include "auth_table.h"

#include "http_log.h"
#include "util_mutex.h"

#include "shop_log.h"
#include "shop_shm.h"

APLOG_USE_MODULE(shop_auth);

#define LOAD(x)      __atomic_load_n(&(x), __ATOMIC_RELAXED)
#define STORE(x, v)  __atomic_store_n(&(x), (v), __ATOMIC_RELAXED)
#define READ_TRIES   8

typedef struct {
    apr_uint64_t k0, k1;
    apr_int64_t value;
    apr_int64_t expires;            /* 0: empty */
    apr_int64_t overflow_until;     /* keys at home here may have been lost until then */
} slot_t;

typedef struct {
    apr_uint32_t seq;               /* odd while a writer is busy */
    apr_uint32_t nslots;
    slot_t slots[1];
} shared_t;

struct auth_table_t {
    shared_t *shared;
    apr_global_mutex_t *mutex;
    int probe;
};

apr_status_t auth_table_pre_config(apr_pool_t *pconf, const char *mutex_type)
{
    return ap_mutex_register(pconf, mutex_type, NULL, APR_LOCK_DEFAULT, 0);
}

apr_status_t auth_table_create(auth_table_t **tp, int slots, const char *mutex_type,
                               apr_pool_t *pconf, server_rec *s)
{
    auth_table_t *t = apr_pcalloc(pconf, sizeof(*t));
    apr_size_t size = APR_OFFSETOF(shared_t, slots) + (apr_size_t)slots * sizeof(slot_t);
    apr_status_t rv;

    if (!(t->shared = shop_shm_zeroed(pconf, size, &rv))) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, rv, s, SHOPLOGNO(02101) "cannot create "
                     "%" APR_SIZE_T_FMT " bytes of shared memory for %s", size, mutex_type);
        return rv;
    }
    if ((rv = ap_global_mutex_create(&t->mutex, NULL, mutex_type, NULL, s, pconf, 0))
        != APR_SUCCESS)
        return rv;                  /* ap_global_mutex_create has logged why */
    t->shared->nslots = (apr_uint32_t)slots;
    t->probe = slots < AUTH_TABLE_PROBE ? slots : AUTH_TABLE_PROBE;
    *tp = t;
    return APR_SUCCESS;
}

apr_status_t auth_table_child_init(auth_table_t *t, apr_pool_t *pchild)
{
    return apr_global_mutex_child_init(&t->mutex, apr_global_mutex_lockfile(t->mutex), pchild);
}

static void split_key(const unsigned char key[16], apr_uint64_t *k0, apr_uint64_t *k1)
{
    memcpy(k0, key, 8);
    memcpy(k1, key + 8, 8);
}

static apr_uint32_t home_of(const auth_table_t *t, apr_uint64_t k0, apr_uint64_t k1)
{
    return (apr_uint32_t)((k0 ^ (k1 * APR_UINT64_C(0x9e3779b97f4a7c15))) % t->shared->nslots);
}

static slot_t *slot_at(auth_table_t *t, apr_uint32_t home, int i)
{
    return &t->shared->slots[(home + (apr_uint32_t)i) % t->shared->nslots];
}

/* One look at the table; the caller checks that no writer ran meanwhile. */
static auth_table_found_t scan(auth_table_t *t, apr_uint64_t k0, apr_uint64_t k1,
                               apr_time_t now, apr_int64_t *value)
{
    apr_uint32_t home = home_of(t, k0, k1);
    int i;

    for (i = 0; i < t->probe; i++) {
        slot_t *e = slot_at(t, home, i);

        if (LOAD(e->expires) > now && LOAD(e->k0) == k0 && LOAD(e->k1) == k1) {
            *value = LOAD(e->value);
            return AUTH_TABLE_FOUND;
        }
    }
    return LOAD(slot_at(t, home, 0)->overflow_until) > now ? AUTH_TABLE_UNKNOWN
                                                           : AUTH_TABLE_ABSENT;
}

auth_table_found_t auth_table_get(auth_table_t *t, const unsigned char key[16], apr_time_t now,
                                  apr_int64_t *value)
{
    apr_uint64_t k0, k1;
    apr_uint32_t seq;
    auth_table_found_t found;
    int tries;

    split_key(key, &k0, &k1);
    for (tries = 0; tries < READ_TRIES; tries++) {
        seq = __atomic_load_n(&t->shared->seq, __ATOMIC_ACQUIRE);
        if (seq & 1)
            continue;
        found = scan(t, k0, k1, now, value);
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        if (__atomic_load_n(&t->shared->seq, __ATOMIC_RELAXED) == seq)
            return found;
    }
    /* writers kept us busy: wait for them */
    if (apr_global_mutex_lock(t->mutex) != APR_SUCCESS)
        return AUTH_TABLE_UNKNOWN;
    found = scan(t, k0, k1, now, value);
    apr_global_mutex_unlock(t->mutex);
    return found;
}

/* The slot to write key into: its own, else the first empty or expired one; NULL if none. */
static slot_t *place(auth_table_t *t, apr_uint32_t home, apr_uint64_t k0, apr_uint64_t k1,
                     apr_time_t now)
{
    slot_t *free_slot = NULL;
    int i;

    for (i = 0; i < t->probe; i++) {
        slot_t *e = slot_at(t, home, i);

        if (e->expires > now && e->k0 == k0 && e->k1 == k1)
            return e;
        if (e->expires <= now && !free_slot)
            free_slot = e;
    }
    if (free_slot) {
        STORE(free_slot->value, APR_INT64_MIN);
        STORE(free_slot->expires, 0);
        STORE(free_slot->k0, k0);
        STORE(free_slot->k1, k1);
    }
    return free_slot;
}

int auth_table_put(auth_table_t *t, const unsigned char key[16], apr_int64_t value,
                   apr_time_t expires, apr_time_t now)
{
    shared_t *sh = t->shared;
    apr_uint64_t k0, k1;
    apr_uint32_t home;
    slot_t *e;

    split_key(key, &k0, &k1);
    home = home_of(t, k0, k1);
    if (apr_global_mutex_lock(t->mutex) != APR_SUCCESS)
        return 0;
    STORE(sh->seq, sh->seq + 1);
    __atomic_thread_fence(__ATOMIC_RELEASE);
    if ((e = place(t, home, k0, k1, now))) {
        if (value > e->value)
            STORE(e->value, value);
        if (expires > e->expires)
            STORE(e->expires, expires);
    }
    else if (expires > slot_at(t, home, 0)->overflow_until)
        STORE(slot_at(t, home, 0)->overflow_until, expires);
    __atomic_store_n(&sh->seq, sh->seq + 1, __ATOMIC_RELEASE);
    apr_global_mutex_unlock(t->mutex);
    return e != NULL;
}
