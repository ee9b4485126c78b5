/*
 * shop_parse.h: small parsers with no httpd types, shared by the modules and
 * unit-tested on their own (t/unit).
 */
#ifndef SHOP_PARSE_H
#define SHOP_PARSE_H

#include "apr_pools.h"
#include "apr_tables.h"
#include <cJSON.h>

#pragma GCC visibility push(hidden)

/*
 * Checks a Kafka broker list "host:port[,host:port...]" (spaces around commas
 * allowed). NULL when valid, else a sentence naming the bad entry.
 */
const char *shop_parse_brokers(apr_pool_t *p, const char *list);

/*
 * Whether path matches a route pattern. A pattern may hold one "/:id"
 * ("/orders/:id", "/orders/:id/refund"), which matches one non-empty segment,
 * returned in *id (else *id is NULL).
 */
int shop_path_match(apr_pool_t *p, const char *pattern, const char *path, const char **id);

/* Whether s is a UUID in its canonical 8-4-4-4-12 hex form. */
int shop_is_uuid(const char *s);

/* Whether s looks like a deliverable email address (local@domain.tld, no spaces). */
int shop_is_email(const char *s);

/*
 * Parses a decimal integer in [min, max] (no sign, no junk); 1 and *value
 * set, or 0.
 */
int shop_parse_int(const char *s, long min, long max, long *value);

/* Whether the len bytes at s are well-formed UTF-8 (no overlongs, surrogates or NUL). */
int shop_utf8_valid(const char *s, apr_size_t len);

/* Whether JSON text holds a \u0000 escape (a NUL a C string would cut short). */
int shop_json_has_nul_escape(const char *s, apr_size_t len);

/*
 * A query string (NULL: none) as a table, decoded as a browser encodes a form
 * (application/x-www-form-urlencoded: '+' is a space, %XX a byte; a malformed
 * escape stays as written, and so does %00, which would cut the value short);
 * the last of repeated names
 * wins, a name without '=' has the value "".
 */
apr_table_t *shop_parse_query(apr_pool_t *p, const char *args);

/*
 * Whether an Authorization header is a Bearer one ("Bearer" is case-insensitive,
 * spaces before the token skipped); if so *token is the token, or NULL when empty.
 */
int shop_bearer_token(const char *header, const char **token);

/*
 * Parses a request body as a JSON object: UTF-8, no \u0000 escape, an object,
 * finite numbers.
 * NULL and *json (the caller's to cJSON_Delete), or why not (*json NULL).
 */
const char *shop_parse_json_object(const char *body, apr_size_t len, cJSON **json);

/*
 * Whether s is an absolute http(s) URL with a host (apr_uri_parse); with
 * origin_only, also nothing after the host and port (a CORS origin).
 */
int shop_is_http_url(apr_pool_t *p, const char *s, int origin_only);

/* NULL when conninfo is a valid libpq connection string, else why not. */
const char *shop_parse_conninfo(apr_pool_t *p, const char *conninfo);

#pragma GCC visibility pop

#endif
