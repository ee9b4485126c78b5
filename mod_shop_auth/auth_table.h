/*
 * auth_table.h: a bounded table in shared memory, shared by every child of one
 * httpd: 16-byte keys, a 64-bit value each, entries that expire. Readers take
 * no lock (a sequence counter tells them to read again when a writer was
 * busy); writers take a global mutex (its type can be set with httpd's Mutex
 * directive). A key lives in one of AUTH_TABLE_PROBE slots after its home
 * slot; when none is free, the home slot remembers until when it overflowed,
 * and lookups of keys at that home answer "unknown" until then, never "absent".
 *
 * No request_rec: written to be folded into common/ (its segment comes from
 * common's shop_shm_zeroed, like mod_shop_kafka's worker status).
 */
#ifndef AUTH_TABLE_H
#define AUTH_TABLE_H

#include "httpd.h"
#include "apr_global_mutex.h"

#pragma GCC visibility push(hidden)

#define AUTH_TABLE_PROBE 16
#define AUTH_TABLE_FOREVER APR_INT64_MAX        /* expires: never */

typedef struct auth_table_t auth_table_t;

typedef enum {
    AUTH_TABLE_ABSENT,                          /* not in the table, and none was lost */
    AUTH_TABLE_FOUND,
    AUTH_TABLE_UNKNOWN                          /* not in the table, but it overflowed there */
} auth_table_found_t;

/* Registers the mutex type; call in pre_config. */
apr_status_t auth_table_pre_config(apr_pool_t *pconf, const char *mutex_type);

/* A table of slots entries in anonymous shared memory, for pconf's lifetime; post_config. */
apr_status_t auth_table_create(auth_table_t **t, int slots, const char *mutex_type,
                               apr_pool_t *pconf, server_rec *s);

/* Reattaches the mutex in a child. */
apr_status_t auth_table_child_init(auth_table_t *t, apr_pool_t *pchild);

/*
 * Keeps the larger of value and the stored one for key, until expires (the
 * later of both). 0 if there was no room: the key's home slot then answers
 * AUTH_TABLE_UNKNOWN until expires.
 */
int auth_table_put(auth_table_t *t, const unsigned char key[16], apr_int64_t value,
                   apr_time_t expires, apr_time_t now);

/* The value of key at time now. */
auth_table_found_t auth_table_get(auth_table_t *t, const unsigned char key[16], apr_time_t now,
                                  apr_int64_t *value);

#pragma GCC visibility pop

#endif
