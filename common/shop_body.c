/*
 * shop_body.c: bounded request bodies. The cap is checked against the declared
 * Content-Length first and against the bytes that actually arrive, so a chunked
 * body cannot slip past it.
 */
#include "shop_body.h"
#include "shop_http.h"
#include "shop_parse.h"

#include "http_protocol.h"
#include "http_request.h"
#include "util_filter.h"
#include "apr_strings.h"

static int declared_too_large(request_rec *r, apr_off_t limit)
{
    const char *cl = apr_table_get(r->headers_in, "Content-Length");
    apr_off_t declared;

    return cl && ap_parse_strict_length(&declared, cl) && declared > limit;
}

/* Counts the bytes of bb against limit (APR_ENOSPC past it) and notes EOS. */
static apr_status_t count_brigade(apr_bucket_brigade *bb, apr_off_t *total, apr_off_t limit,
                                  int *eos)
{
    apr_bucket *b;

    for (b = APR_BRIGADE_FIRST(bb); b != APR_BRIGADE_SENTINEL(bb); b = APR_BUCKET_NEXT(b)) {
        const char *data;
        apr_size_t n;
        apr_status_t rv;

        if (APR_BUCKET_IS_EOS(b))
            *eos = 1;
        if (APR_BUCKET_IS_METADATA(b))
            continue;
        if ((rv = apr_bucket_read(b, &data, &n, APR_BLOCK_READ)) != APR_SUCCESS)
            return rv;
        if ((*total += n) > limit)
            return APR_ENOSPC;
    }
    return APR_SUCCESS;
}

int shop_read_body(request_rec *r, apr_off_t limit, char **body, apr_size_t *len)
{
    apr_bucket_brigade *bb, *kept;
    apr_off_t total = 0;
    int eos = 0;
    apr_status_t rv;

    if (declared_too_large(r, limit)) {
        r->connection->keepalive = AP_CONN_CLOSE;
        return HTTP_REQUEST_ENTITY_TOO_LARGE;
    }
    bb = apr_brigade_create(r->pool, r->connection->bucket_alloc);
    kept = apr_brigade_create(r->pool, r->connection->bucket_alloc);
    while (!eos) {
        rv = ap_get_brigade(r->input_filters, bb, AP_MODE_READBYTES, APR_BLOCK_READ,
                            HUGE_STRING_LEN);
        if (rv == APR_SUCCESS)
            rv = count_brigade(bb, &total, limit, &eos);
        if (rv == APR_SUCCESS)
            rv = ap_save_brigade(NULL, &kept, &bb, r->pool);
        apr_brigade_cleanup(bb);
        if (rv == AP_FILTER_ERROR)
            return AP_FILTER_ERROR;
        if (rv != APR_SUCCESS) {
            r->connection->keepalive = AP_CONN_CLOSE;
            return ap_map_http_request_error(rv, HTTP_BAD_REQUEST);
        }
    }
    *len = (apr_size_t)total;
    *body = apr_palloc(r->pool, *len + 1);
    apr_brigade_flatten(kept, *body, len);
    (*body)[*len] = '\0';
    apr_brigade_destroy(kept);
    return OK;
}

static const char *read_error_message(int status)
{
    switch (status) {
    case HTTP_REQUEST_ENTITY_TOO_LARGE: return "request body too large";
    case HTTP_REQUEST_TIME_OUT:         return "timed out reading the request body";
    default:                            return "could not read the request body";
    }
}

cJSON *shop_read_json(request_rec *r, apr_off_t limit, shop_error_t **err)
{
    char *body;
    apr_size_t len;
    cJSON *json;
    const char *why;
    int rv = shop_read_body(r, limit, &body, &len);

    if (rv != OK) {
        *err = shop_fail(r->pool, rv, read_error_message(rv));
        return NULL;
    }
    if ((why = shop_parse_json_object(body, len, &json))) {
        *err = shop_fail(r->pool, HTTP_BAD_REQUEST, why);
        return NULL;
    }
    return shop_json_own(r->pool, json);
}
