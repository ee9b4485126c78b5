/*
 * shop_event.h: CloudEvents 1.0 envelopes and W3C traceparent values (no httpd types).
 */
#ifndef SHOP_EVENT_H
#define SHOP_EVENT_H

#include "apr_pools.h"
#include <cJSON.h>

#pragma GCC visibility push(hidden)

#define SHOP_EVENT_SOURCE "/mod_shop/"

/*
 * {specversion:"1.0", id, source, type, time, datacontenttype, data}. Takes
 * over data; the caller owns the result (shop_json_own or cJSON_Delete).
 * id NULL: a new UUID. An effect that may be redone (a redelivered message)
 * passes an id derived from what it describes, so a redo repeats the same
 * event and its consumers drop the copy.
 */
cJSON *shop_event_new(const char *id, const char *source, const char *type, cJSON *data);

/* A new traceparent "00-<32 hex trace id>-<16 hex span id>-01". */
const char *shop_traceparent_new(apr_pool_t *p);

/* Whether tp is a well-formed version-00 traceparent with non-zero ids. */
int shop_traceparent_valid(const char *tp);

#pragma GCC visibility pop

#endif
