/*
 * shop_body.h: reading a request body, bounded, and parsing it as a JSON object.
 */
#ifndef SHOP_BODY_H
#define SHOP_BODY_H

#include "httpd.h"
#include <cJSON.h>

#include "shop_error.h"

#pragma GCC visibility push(hidden)

/*
 * Reads the whole body (Content-Length or chunked) into *body, NUL-terminated,
 * refusing more than limit bytes. Returns OK or an HTTP status
 * (413, 400, 408...), or AP_FILTER_ERROR when a filter has answered already.
 */
int shop_read_body(request_rec *r, apr_off_t limit, char **body, apr_size_t *len);

/*
 * The body as a JSON object (owned by r->pool), or NULL and *err when the body
 * is too large, unreadable, not UTF-8 or not a JSON object.
 */
cJSON *shop_read_json(request_rec *r, apr_off_t limit, shop_error_t **err);

#pragma GCC visibility pop

#endif
