/*
 * kafka_worker.c: the mod_shop worker process, forked and supervised by httpd
 * the way mod_cgid runs its daemon.
 *
 * post_config forks it (never in the dry run), registers it as an "other child"
 * and notes it as a subprocess of pconf, so:
 *  - it dies: the MPM reports it and it is forked again, after a backoff that
 *    grows while it keeps dying young; exit code WORKER_SETUP_ERROR (a setup it
 *    cannot fix) stops the restarts;
 *  - httpd stops or restarts gracefully: pconf is cleared, the worker gets
 *    SIGTERM (SIGKILL after 3 s), and a restart forks a fresh one.
 * It closes httpd's listeners, runs as httpd's User/Group, calls itself
 * "mod_shop worker" in ps, and exits if its parent disappears.
 */
#include "kafka.h"
#include "kafka_producer.h"

#include "http_log.h"
#include "ap_listen.h"
#include "ap_mpm.h"
#include "mpm_common.h"
#include "apr_signal.h"
#include "apr_strings.h"
#include "apr_thread_proc.h"
#include "shop_log.h"
#include <signal.h>
#include <fcntl.h>
#include <sys/prctl.h>
#include <unistd.h>

APLOG_USE_MODULE(shop_kafka);

#define WORKER_SETUP_ERROR 254
#define WORKER_YOUNG apr_time_from_sec(10)        /* dying younger counts as a crash loop */
#define WORKER_BACKOFF_MAX 60                     /* seconds */
#define WORKER_TICK apr_time_from_msec(200)
#define WORKER_REPORT_EVERY apr_time_from_sec(2)
#define WORKER_LOG_EVERY apr_time_from_sec(60)

typedef struct {
    server_rec *s;
    const shop_kafka_conf_t *conf;
    apr_pool_t *pconf;
    apr_proc_t proc;
    apr_time_t started;
    int young_deaths;
} worker_t;

static shop_stop_t stop;                        /* in the worker process */

static void on_stop_signal(int sig)
{
    stop.requested = 1;
}

/* The command line area ps shows (fields 48-49 of /proc/self/stat); 0 if unknown. */
static int cmdline_area(unsigned long *start, unsigned long *end)
{
    char buf[2048], *p;
    ssize_t n;
    int fd = open("/proc/self/stat", O_RDONLY), field;

    n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
    if (fd >= 0)
        close(fd);
    if (n <= 0)
        return 0;
    buf[n] = '\0';
    if (!(p = strrchr(buf, ')')))
        return 0;
    for (field = 2; field < 48 && p; field++)       /* ends before field 48 */
        p = strchr(p + 1, ' ');
    return p && sscanf(p + 1, "%lu %lu", start, end) == 2;
}

/* Overwrites the command line shown by ps with title, if argv[0] starts it. */
static void set_title(process_rec *process, const char *title)
{
    unsigned long start, end;
    char *area = (char *)process->argv[0];

    if (cmdline_area(&start, &end) && start == (unsigned long)area && end > start + 1) {
        memset(area, 0, end - start);
        apr_cpystrn(area, title, end - start);
    }
    prctl(PR_SET_NAME, "shop-worker");
}

/* The worker's report: written to shared memory, and now and then to the error log. */
static void report(worker_t *w, apr_pool_t *p, apr_time_t started, int to_log)
{
    cJSON *doc = cJSON_CreateObject(), *consumers = shop_consumers_report();
    char *text;

    cJSON_AddNumberToObject(doc, "pid", (double)getpid());
    cJSON_AddNumberToObject(doc, "uptime", (double)apr_time_sec(apr_time_now() - started));
    if (w->conf->outbox)
        cJSON_AddItemToObject(doc, "relay", shop_relay_report());
    cJSON_AddItemToObject(doc, "consumers", consumers);
    shop_status_publish(p, doc);
    if (to_log && (text = cJSON_PrintUnformatted(doc))) {
        ap_log_error(APLOG_MARK, APLOG_INFO, 0, w->s, SHOPLOGNO(01031) "worker status: %s", text);
        cJSON_free(text);
    }
    cJSON_Delete(doc);
}

static int worker_main(worker_t *w, apr_interval_time_t delay)
{
    const shop_kafka_conf_t *conf = w->conf;
    pid_t parent = getppid();
    apr_thread_t *relay = NULL;
    shop_relay_t relay_conf = { w->s, conf->outbox, conf->outbox_poll, &stop };
    apr_time_t started = apr_time_now(), reported = 0, logged = started;
    apr_pool_t *pool;
    apr_status_t rv;

    apr_signal(SIGTERM, on_stop_signal);
    apr_signal(SIGINT, on_stop_signal);
    apr_signal(SIGHUP, on_stop_signal);
    apr_signal(SIGUSR1, on_stop_signal);
    apr_signal(SIGPIPE, SIG_IGN);
    apr_signal(SIGCHLD, SIG_DFL);
    ap_close_listeners();
    set_title(w->s->process, "apache2: mod_shop worker");
    apr_pool_create(&pool, NULL);
    shop_nap(&stop, delay);
    if (ap_run_drop_privileges(pool, w->s) != 0)
        return WORKER_SETUP_ERROR;
    shop_metrics_process(pool);
    if (shop_producer_start(pool, w->s, conf->brokers, conf->props, 1) != APR_SUCCESS)
        return WORKER_SETUP_ERROR;
    if (conf->outbox
        && (rv = apr_thread_create(&relay, NULL, shop_relay_run, &relay_conf, pool)) != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, rv, w->s,
                     SHOPLOGNO(01032) "cannot start the outbox relay");
        return WORKER_SETUP_ERROR;
    }
    if (!shop_consumers_start(pool, w->s, conf, &stop))
        return WORKER_SETUP_ERROR;
    ap_log_error(APLOG_MARK, APLOG_INFO, 0, w->s,
                 SHOPLOGNO(01033) "worker %d running%s, %d consumer(s)",
                 (int)getpid(), conf->outbox ? " the outbox relay" : "", shop_consumer_count());
    while (!stop.requested && getppid() == parent) {
        apr_time_t now = apr_time_now();
        if (now - reported >= WORKER_REPORT_EVERY) {
            report(w, pool, started, now - logged >= WORKER_LOG_EVERY);
            logged = now - logged >= WORKER_LOG_EVERY ? now : logged;
            reported = now;
        }
        apr_sleep(WORKER_TICK);
    }
    stop.requested = 1;
    if (relay)
        apr_thread_join(&rv, relay);
    shop_consumers_join();
    apr_pool_destroy(pool);                     /* flushes the producer */
    ap_log_error(APLOG_MARK, APLOG_INFO, 0, w->s,
                 SHOPLOGNO(01034) "worker %d stopped", (int)getpid());
    return 0;
}

static apr_status_t worker_fork(worker_t *w, apr_interval_time_t delay);

static void worker_maint(int reason, void *data, apr_wait_t status)
{
    worker_t *w = data;
    int mpm_state = 0, backoff;

    switch (reason) {
    case APR_OC_REASON_DEATH:
    case APR_OC_REASON_LOST:
        apr_proc_other_child_unregister(w);
        if (ap_mpm_query(AP_MPMQ_MPM_STATE, &mpm_state) == APR_SUCCESS
            && mpm_state == AP_MPMQ_STOPPING)
            break;
        if (reason == APR_OC_REASON_DEATH && status == WORKER_SETUP_ERROR) {
            ap_log_error(APLOG_MARK, APLOG_CRIT, 0, w->s, SHOPLOGNO(01035) "the worker could not "
                         "set itself up (see above); not restarting it");
            break;
        }
        w->young_deaths = apr_time_now() - w->started < WORKER_YOUNG ? w->young_deaths + 1 : 0;
        backoff = w->young_deaths ? 1 << (w->young_deaths < 6 ? w->young_deaths : 6) : 0;
        backoff = backoff > WORKER_BACKOFF_MAX ? WORKER_BACKOFF_MAX : backoff;
        ap_log_error(APLOG_MARK, APLOG_ERR, 0, w->s, SHOPLOGNO(01036) "worker %d died (status %d); "
                     "starting a new one in %d s", (int)w->proc.pid, (int)status, backoff);
        shop_status_restarted();
        worker_fork(w, apr_time_from_sec(backoff));
        break;
    case APR_OC_REASON_UNREGISTER:
        kill(w->proc.pid, SIGTERM);             /* pconf goes: restart or stop */
        break;
    }
}

static apr_status_t worker_fork(worker_t *w, apr_interval_time_t delay)
{
    apr_status_t rv = apr_proc_fork(&w->proc, w->pconf);

    if (rv == APR_INCHILD)
        _exit(worker_main(w, delay));           /* never run the parent's cleanups */
    if (rv != APR_INPARENT) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, rv, w->s, SHOPLOGNO(01037) "cannot fork the worker");
        return rv;
    }
    w->started = apr_time_now();
    apr_pool_note_subprocess(w->pconf, &w->proc, APR_KILL_AFTER_TIMEOUT);
    apr_proc_other_child_register(&w->proc, worker_maint, w, NULL, w->pconf);
    return APR_SUCCESS;
}

int shop_worker_start(apr_pool_t *pconf, server_rec *s, const shop_kafka_conf_t *conf)
{
    worker_t *w = apr_pcalloc(pconf, sizeof(*w));

    w->s = s;
    w->conf = conf;
    w->pconf = pconf;
    return worker_fork(w, 0) == APR_SUCCESS ? OK : HTTP_INTERNAL_SERVER_ERROR;
}
