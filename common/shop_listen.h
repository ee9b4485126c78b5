/*
 * shop_listen.h: a thread per child that follows a PostgreSQL NOTIFY channel
 * on a connection of its own, to keep a copy of some database state current
 * (the catalog version of mod_shop_product, the token revocations of
 * mod_shop_auth). After each (re)connection it LISTENs first and then calls
 * sync, so no change falls between the two; until sync has succeeded, and
 * whenever the connection is lost, shop_listen_current is 0 and the copy must
 * not be trusted.
 */
#ifndef SHOP_LISTEN_H
#define SHOP_LISTEN_H

#include "httpd.h"
#include <libpq-fe.h>

#pragma GCC visibility push(hidden)

typedef struct shop_listen_t shop_listen_t;

typedef struct {
    const char *name;               /* for the error log */
    const char *meanwhile;          /* for the error log: what happens while not current */
    const char *conninfo;
    const char *channel;            /* an SQL identifier */
    /* Reloads the copy after LISTEN; NULL or why it failed (the watcher reconnects). */
    const char *(*sync)(PGconn *conn, void *baton);
    /* Applies one notification (conn is the watcher's, to read more if the
     * payload does not carry all that changed); 0 when the payload was not
     * understood and the copy must be synced again. */
    int (*notified)(PGconn *conn, const char *payload, void *baton);
    void *baton;
    server_rec *s;
} shop_listen_spec_t;

/* Starts the watcher thread; it is stopped and joined in a pre-cleanup of pchild. */
apr_status_t shop_listen_start(apr_pool_t *pchild, const shop_listen_spec_t *spec,
                               shop_listen_t **l);

/* Whether the copy is current: connected, listening and synced. */
int shop_listen_current(shop_listen_t *l);

#pragma GCC visibility pop

#endif
