/*
 * auth_listen.h: a thread per child that follows a PostgreSQL NOTIFY channel
 * on a connection of its own, to keep a copy of some database state current.
 * After each (re)connection it LISTENs first and then calls sync, so no change
 * falls between the two; until sync has succeeded, and whenever the connection
 * is lost, auth_listen_current is 0 and the copy must not be trusted.
 *
 * No request_rec: written to be folded into common/ together with
 * mod_shop_product's catalog watcher (product_cache.c), which has the same shape.
 */
#ifndef AUTH_LISTEN_H
#define AUTH_LISTEN_H

#include "httpd.h"
#include <libpq-fe.h>

#pragma GCC visibility push(hidden)

typedef struct auth_listen_t auth_listen_t;

typedef struct {
    const char *name;               /* for the error log */
    const char *conninfo;
    const char *channel;            /* an SQL identifier */
    /* Reloads the copy after LISTEN; NULL or why it failed (the watcher reconnects). */
    const char *(*sync)(PGconn *conn, void *baton);
    /* Applies one notification; 0 if the payload was not understood (sync again). */
    int (*notified)(const char *payload, void *baton);
    void *baton;
    server_rec *s;
} auth_listen_spec_t;

/* Starts the watcher thread; it is stopped and joined in a pre-cleanup of pchild. */
apr_status_t auth_listen_start(apr_pool_t *pchild, const auth_listen_spec_t *spec,
                               auth_listen_t **l);

/* Whether the copy is current: connected, listening and synced. */
int auth_listen_current(auth_listen_t *l);

#pragma GCC visibility pop

#endif
