/*
 * kafka_trace.c: following one request through the shop, in the shared module
 * every mod_shop httpd loads (the gateway's included).
 *   - Every request carries a valid W3C traceparent from the moment it is read:
 *     the client's, or a new one put into its headers. So the gateway forwards it,
 *     the services keep it, their events carry it in a Kafka header
 *     (shop_request_traceparent) and the consumers log it with each message.
 *   - ShopAccessLog FILE: one JSON object per request and line, written whole
 *     with one write(2) on an O_APPEND file, so lines from every child and thread
 *     stay intact. Strings are escaped by cJSON; bytes that are not UTF-8 (a path
 *     may hold any) are first written as \xHH by ap_escape_logitem, so every line
 *     is valid JSON.
 */
#include "httpd.h"
#include "http_config.h"
#include "http_core.h"
#include "http_log.h"
#include "http_protocol.h"
#include "http_request.h"
#include "apr_strings.h"
#include <cJSON.h>

#include "kafka.h"
#include "shop_event.h"
#include "shop_parse.h"
#include "shop_log.h"

APLOG_USE_MODULE(shop_kafka);

static apr_file_t *access_log;          /* opened in open_logs, before httpd drops root */

static shop_kafka_conf_t *main_conf(server_rec *s)
{
    return ap_get_module_config(s->module_config, &shop_kafka_module);
}

static int ensure_traceparent(request_rec *r)
{
    if (!shop_traceparent_valid(apr_table_get(r->headers_in, "traceparent")))
        apr_table_set(r->headers_in, "traceparent", shop_traceparent_new(r->pool));
    return DECLINED;
}

const char *shop_trace_set_log(cmd_parms *cmd, void *dummy, const char *arg)
{
    const char *err = ap_check_cmd_context(cmd, GLOBAL_ONLY);

    if (err)
        return err;
    if (!(main_conf(cmd->server)->access_log = ap_server_root_relative(cmd->pool, arg)))
        return apr_psprintf(cmd->pool, "ShopAccessLog: '%s' is not a valid path", arg);
    return NULL;
}

static int open_access_log(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp, server_rec *s)
{
    const char *path = main_conf(s)->access_log;
    apr_status_t rv;

    access_log = NULL;
    if (!path)
        return OK;
    rv = apr_file_open(&access_log, path, APR_FOPEN_WRITE | APR_FOPEN_CREATE | APR_FOPEN_APPEND
                       | APR_FOPEN_LARGEFILE, APR_FPROT_OS_DEFAULT & ~(APR_FPROT_WWRITE), pconf);
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, rv, s,
                     SHOPLOGNO(01042) "ShopAccessLog: cannot open %s", path);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    return OK;
}

/* s as a JSON string's bytes: itself when it is UTF-8, else escaped into ASCII */
static const char *text(apr_pool_t *p, const char *s)
{
    return shop_utf8_valid(s, strlen(s)) ? s : ap_escape_logitem(p, s);
}

static void add_text(cJSON *line, apr_pool_t *p, const char *name, const char *value)
{
    if (value)
        cJSON_AddStringToObject(line, name, text(p, value));
}

static cJSON *access_line(request_rec *r)
{
    cJSON *line = cJSON_CreateObject();
    char time[APR_RFC822_DATE_LEN + 8];
    apr_time_exp_t t;
    apr_size_t len;

    apr_time_exp_gmt(&t, r->request_time);
    apr_strftime(time, &len, sizeof(time), "%Y-%m-%dT%H:%M:%S", &t);
    cJSON_AddStringToObject(line, "time", apr_psprintf(r->pool, "%s.%03dZ", time, t.tm_usec / 1000));
    add_text(line, r->pool, "id", apr_table_get(r->subprocess_env, "UNIQUE_ID"));
    add_text(line, r->pool, "traceparent", apr_table_get(r->headers_in, "traceparent"));
    add_text(line, r->pool, "client", r->useragent_ip);
    add_text(line, r->pool, "host", r->hostname);
    cJSON_AddNumberToObject(line, "port", ap_get_server_port(r));
    add_text(line, r->pool, "method", r->method);
    add_text(line, r->pool, "path", r->uri);
    add_text(line, r->pool, "query", r->args);
    cJSON_AddNumberToObject(line, "status", r->status);
    cJSON_AddNumberToObject(line, "bytes", (double)r->bytes_sent);
    cJSON_AddNumberToObject(line, "us", (double)(apr_time_now() - r->request_time));
    add_text(line, r->pool, "user", r->user);
    add_text(line, r->pool, "handler", r->handler);
    return line;
}

static int log_access(request_rec *r)
{
    cJSON *line;
    char *json;

    if (!access_log)
        return DECLINED;
    line = access_line(r);
    json = cJSON_PrintUnformatted(line);
    cJSON_Delete(line);
    if (json) {
        apr_size_t len = strlen(json);

        json[len] = '\n';               /* over the terminating NUL: one write, one line */
        if (apr_file_write_full(access_log, json, len + 1, NULL) != APR_SUCCESS)
            ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r,
                          SHOPLOGNO(01043) "ShopAccessLog: a line could not be written");
        cJSON_free(json);
    }
    return OK;
}

void shop_trace_register_hooks(void)
{
    ap_hook_post_read_request(ensure_traceparent, NULL, NULL, APR_HOOK_REALLY_FIRST);
    ap_hook_open_logs(open_access_log, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_log_transaction(log_access, NULL, NULL, APR_HOOK_MIDDLE);
}
