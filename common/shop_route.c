/*
 * shop_route.c: the route table walk behind every mod_shop handler.
 */
#include "shop_route.h"
#include "shop_http.h"
#include "shop_parse.h"

#include "mod_shop.h"
#include "http_protocol.h"
#include "apr_strings.h"

/* 204 with Allow (CORS preflight headers, if any, come from mod_shop_auth) */
static int reply_options(request_rec *r, const char *allowed)
{
    apr_table_setn(r->headers_out, "Allow", apr_pstrcat(r->pool, allowed, ",OPTIONS", NULL));
    r->status = HTTP_NO_CONTENT;
    return OK;
}

static int method_matches(const request_rec *r, const char *method)
{
    return strcmp(r->method, method) == 0
           || (r->header_only && strcmp(method, "GET") == 0);
}

int shop_dispatch(request_rec *r, const char *handler, const shop_route_t *routes)
{
    apr_array_header_t *allowed;
    const shop_route_t *route;
    const char *id;

    if (!r->handler || strcmp(r->handler, handler))
        return DECLINED;
    allowed = apr_array_make(r->pool, 4, sizeof(const char *));
    for (route = routes; route->method; route++) {
        if (!shop_path_match(r->pool, route->path, r->uri, &id))
            continue;
        if (r->method_number == M_OPTIONS) {
            APR_ARRAY_PUSH(allowed, const char *) = route->method;
            continue;
        }
        if (method_matches(r, route->method)) {
            apr_table_setn(r->notes, SHOP_NOTE_ROUTE, route->path);
            if (strcmp(route->method, "POST") && strcmp(route->method, "PUT")
                && strcmp(route->method, "PATCH"))
                ap_discard_request_body(r);
            return route->fn(r, id);
        }
        APR_ARRAY_PUSH(allowed, const char *) = route->method;
    }
    ap_discard_request_body(r);
    if (allowed->nelts && r->method_number == M_OPTIONS)
        return reply_options(r, apr_array_pstrcat(r->pool, allowed, ','));
    if (allowed->nelts)
        return shop_reply_bad_method(r, apr_array_pstrcat(r->pool, allowed, ','));
    return shop_reply_error(r, HTTP_NOT_FOUND,
                            apr_pstrcat(r->pool, "no such resource: ", r->uri, NULL));
}
