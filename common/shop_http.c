/*
 * shop_http.c: JSON answers for the mod_shop handlers.
 * Handlers write their own JSON bodies, errors included, because httpd's own
 * error pages are HTML (ap_send_error_response forces text/html).
 */
#include "shop_http.h"

#include "http_protocol.h"
#include "apr_strings.h"

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

int shop_reply_json(request_rec *r, int status, cJSON *json)
{
    char *text = cJSON_PrintUnformatted(json);

    if (!text)
        return HTTP_INTERNAL_SERVER_ERROR;     /* out of memory */
    r->status = status;
    ap_set_content_type(r, "application/json");
    apr_table_setn(r->headers_out, "Cache-Control", "no-store");
    ap_set_content_length(r, strlen(text));
    if (!r->header_only)
        ap_rwrite(text, strlen(text), r);
    cJSON_free(text);
    return OK;
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
