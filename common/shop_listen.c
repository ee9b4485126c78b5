/*
 * shop_listen.c: the NOTIFY watcher of shop_listen.h.
 */
#include "shop_listen.h"

#include "http_log.h"
#include "apr_atomic.h"
#include "apr_strings.h"
#include "apr_thread_proc.h"
#include <poll.h>

#include "shop_log.h"

#define LISTEN_POLL_MS 500
#define LISTEN_RETRY_MS 2000

struct shop_listen_t {
    shop_listen_spec_t spec;
    volatile apr_uint32_t current;
    volatile apr_uint32_t stopping;
    apr_thread_t *thread;
};

int shop_listen_current(shop_listen_t *l)
{
    return l && apr_atomic_read32(&l->current);
}

static int stopping(shop_listen_t *l)
{
    return apr_atomic_read32(&l->stopping) != 0;
}

/* LISTEN channel, then sync. NULL or why not. */
static const char *subscribe(shop_listen_t *l, PGconn *conn)
{
    char *channel = PQescapeIdentifier(conn, l->spec.channel, strlen(l->spec.channel));
    PGresult *res;
    const char *error = NULL;
    char sql[256];

    if (!channel)
        return PQerrorMessage(conn);
    apr_snprintf(sql, sizeof(sql), "listen %s", channel);
    PQfreemem(channel);
    res = PQexec(conn, sql);
    if (PQresultStatus(res) != PGRES_COMMAND_OK)
        error = PQerrorMessage(conn);
    PQclear(res);
    return error ? error : l->spec.sync(conn, l->spec.baton);
}

/* Follows notifications: 1 when the copy must be synced again, 0 when the connection is lost. */
static int follow(shop_listen_t *l, PGconn *conn)
{
    struct pollfd pfd = { PQsocket(conn), POLLIN, 0 };
    PGnotify *note;
    int understood = 1;

    while (!stopping(l) && PQstatus(conn) == CONNECTION_OK) {
        if (poll(&pfd, 1, LISTEN_POLL_MS) <= 0)
            continue;
        if (!PQconsumeInput(conn))
            return 0;
        while ((note = PQnotifies(conn))) {
            understood &= l->spec.notified(conn, note->extra, l->spec.baton);
            PQfreemem(note);
        }
        if (!understood)
            return 1;
    }
    return 0;
}

static void watch(shop_listen_t *l, PGconn *conn)
{
    const char *error;

    while (!stopping(l)) {
        if ((error = subscribe(l, conn))) {
            ap_log_error(APLOG_MARK, APLOG_WARNING, 0, l->spec.s, SHOPLOGNO(00002)
                         "%s: cannot follow the database (%s); %s",
                         l->spec.name, error, l->spec.meanwhile);
            return;
        }
        apr_atomic_set32(&l->current, 1);
        ap_log_error(APLOG_MARK, APLOG_DEBUG, 0, l->spec.s, SHOPLOGNO(00003)
                     "%s: following NOTIFY %s", l->spec.name, l->spec.channel);
        if (!follow(l, conn))
            break;
        apr_atomic_set32(&l->current, 0);
    }
    if (apr_atomic_read32(&l->current) && !stopping(l))
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, l->spec.s, SHOPLOGNO(00004)
                     "%s: lost the database connection; %s until it is back",
                     l->spec.name, l->spec.meanwhile);
    apr_atomic_set32(&l->current, 0);
}

static void *APR_THREAD_FUNC run(apr_thread_t *thread, void *data)
{
    shop_listen_t *l = data;
    int waited, failures = 0;

    while (!stopping(l)) {
        PGconn *conn = PQconnectdb(l->spec.conninfo);

        if (PQstatus(conn) == CONNECTION_OK) {
            failures = 0;
            watch(l, conn);
        }
        else if (!failures++)           /* once per outage */
            ap_log_error(APLOG_MARK, APLOG_WARNING, 0, l->spec.s, SHOPLOGNO(00005)
                         "%s: cannot connect (%s); %s until it can",
                         l->spec.name, PQerrorMessage(conn), l->spec.meanwhile);
        PQfinish(conn);
        for (waited = 0; waited < LISTEN_RETRY_MS && !stopping(l); waited += LISTEN_POLL_MS)
            apr_sleep(apr_time_from_msec(LISTEN_POLL_MS));
    }
    return NULL;                /* its pool goes with the parent's, after the join */
}

static apr_status_t stop(void *data)
{
    shop_listen_t *l = data;
    apr_status_t rv;

    apr_atomic_set32(&l->stopping, 1);
    apr_thread_join(&rv, l->thread);
    return APR_SUCCESS;
}

apr_status_t shop_listen_start(apr_pool_t *pchild, const shop_listen_spec_t *spec,
                               shop_listen_t **lp)
{
    shop_listen_t *l = apr_pcalloc(pchild, sizeof(*l));
    apr_status_t rv;

    l->spec = *spec;
    if ((rv = apr_thread_create(&l->thread, NULL, run, l, pchild)) != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_ERR, rv, spec->s, SHOPLOGNO(00006) "%s: "
                     "cannot start the watcher thread", spec->name);
        return rv;
    }
    /* a pre-cleanup: the thread must be joined before its pool (a subpool) goes */
    apr_pool_pre_cleanup_register(pchild, l, stop);
    *lp = l;
    return APR_SUCCESS;
}
