/*
 * shop_http.c: JSON answers for the mod_shop handlers.
 * Handlers write their own JSON bodies, errors included, because httpd's own
 * error pages are HTML (ap_send_error_response forces text/html).
 */
#include "shop_http.h"

#include "http_config.h"
#include "http_protocol.h"
#include "apr_strings.h"
#include "mod_shop.h"
#include "shop_event.h"
#include "shop_parse.h"
#include "util_script.h"

static apr_status_t json_cleanup(void *json)
{
    cJSON_Delete(json);
    return APR_SUCCESS;
}

cJSON *shop_json_own(apr_pool_t *p, cJSON *json)
{
    if (json)
        apr_pool_cleanup_register(p, json, json_cleanup, apr_pool_cleanup_null);
    return json;
}

int shop_reply_json_text(request_rec *r, int status, const char *text, apr_size_t len)
{
    r->status = status;
    ap_set_content_type(r, "application/json");
    if (!apr_table_get(r->headers_out, "Cache-Control"))
        apr_table_setn(r->headers_out, "Cache-Control", "no-store");
    ap_set_content_length(r, len);
    if (!r->header_only)
        ap_rwrite(text, len, r);
    return OK;
}

int shop_reply_json(request_rec *r, int status, cJSON *json)
{
    char *text = cJSON_PrintUnformatted(json);
    int rv;

    if (!text)
        return HTTP_INTERNAL_SERVER_ERROR;     /* out of memory */
    rv = shop_reply_json_text(r, status, text, strlen(text));
    cJSON_free(text);
    return rv;
}

int shop_reply_error(request_rec *r, int status, const char *message)
{
    cJSON *json = shop_json_own(r->pool, cJSON_CreateObject());

    cJSON_AddStringToObject(json, "message", message);
    return shop_reply_json(r, status, json);
}

int shop_reply_bad_method(request_rec *r, const char *allowed)
{
    apr_table_setn(r->err_headers_out, "Allow", allowed);
    return shop_reply_error(r, HTTP_METHOD_NOT_ALLOWED,
                            apr_psprintf(r->pool, "method %s not allowed here; use %s",
                                         r->method, allowed));
}

apr_table_t *shop_query_table(request_rec *r)
{
    return shop_parse_query(r->pool, r->args);
}

const char *shop_query_arg(request_rec *r, const char *name)
{
    return apr_table_get(shop_query_table(r), name);
}

int shop_query_int(request_rec *r, const char *name, long def, long min, long max, long *value)
{
    const char *arg = shop_query_arg(r, name);

    *value = def;
    return !arg || shop_parse_int(arg, min, max, value);
}

const char *shop_request_traceparent(request_rec *r)
{
    const char *tp = apr_table_get(r->notes, "traceparent");

    if (tp)
        return tp;
    tp = apr_table_get(r->headers_in, "traceparent");
    if (!shop_traceparent_valid(tp))
        tp = shop_traceparent_new(r->pool);
    apr_table_setn(r->notes, "traceparent", tp);
    return tp;
}

static const char *default_message(int status)
{
    switch (status) {
    case HTTP_UNAUTHORIZED:             return "authentication required";
    case HTTP_FORBIDDEN:                return "forbidden";
    case HTTP_NOT_FOUND:                return "not found";
    case HTTP_METHOD_NOT_ALLOWED:       return "method not allowed";
    case HTTP_REQUEST_ENTITY_TOO_LARGE: return "request body too large";
    case HTTP_REQUEST_TIME_OUT:         return "request timed out";
    case HTTP_BAD_GATEWAY:              return "the service gave no valid answer";
    case HTTP_SERVICE_UNAVAILABLE:      return "service unavailable";
    case HTTP_GATEWAY_TIME_OUT:         return "the service did not answer in time";
    default:                            return status < 500 ? "bad request" : "internal error";
    }
}

static int error_handler(request_rec *r)
{
    request_rec *failed = r->prev;
    int status = failed ? failed->status : HTTP_NOT_FOUND;
    const char *message = failed ? apr_table_get(failed->notes, SHOP_NOTE_ERROR) : NULL;

    if (!r->handler || strcmp(r->handler, "shop-error"))
        return DECLINED;
    return shop_reply_error(r, status, message ? message : default_message(status));
}

void shop_error_hook(void)
{
    ap_hook_handler(error_handler, NULL, NULL, APR_HOOK_MIDDLE);
}
