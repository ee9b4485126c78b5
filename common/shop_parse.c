/*
 * shop_parse.c: broker lists, route patterns, and the checks of request bodies.
 */
#include "shop_parse.h"

#include "apr_strings.h"
#include "apr_uri.h"
#include "apr_lib.h"
#include "apr_escape.h"
#include <stdlib.h>
#include <math.h>
#include <libpq-fe.h>

/* "host:port" with a non-empty host and a port in 1..65535 */
static int valid_broker(const char *broker)
{
    const char *colon = strrchr(broker, ':');
    long port;

    return colon && colon != broker && shop_parse_int(colon + 1, 1, 65535, &port);
}

const char *shop_parse_brokers(apr_pool_t *p, const char *list)
{
    char *copy = apr_pstrdup(p, list), *broker, *state;
    int count = 0;

    for (broker = apr_strtok(copy, ",", &state); broker; broker = apr_strtok(NULL, ",", &state)) {
        apr_collapse_spaces(broker, broker);
        if (!*broker)
            continue;
        if (!valid_broker(broker))
            return apr_psprintf(p, "'%s' is not host:port", broker);
        count++;
    }
    return count ? NULL : "the broker list is empty; give host:port[,host:port...]";
}

int shop_path_match(apr_pool_t *p, const char *pattern, const char *path, const char **id)
{
    const char *param = strstr(pattern, "/:id"), *rest;
    apr_size_t prefix, len, tail;

    *id = NULL;
    if (!param)
        return strcmp(pattern, path) == 0;
    prefix = param - pattern + 1;                       /* up to and with the "/" */
    rest = param + 4;                                   /* what follows the segment */
    len = strlen(path);
    tail = strlen(rest);
    if (strncmp(pattern, path, prefix) != 0 || len <= prefix + tail
        || strcmp(path + len - tail, rest) != 0)
        return 0;
    *id = apr_pstrmemdup(p, path + prefix, len - prefix - tail);
    return strchr(*id, '/') == NULL;
}

int shop_is_uuid(const char *s)
{
    int i;

    if (!s || strlen(s) != 36)
        return 0;
    for (i = 0; i < 36; i++)
        if ((i == 8 || i == 13 || i == 18 || i == 23) ? s[i] != '-' : !apr_isxdigit(s[i]))
            return 0;
    return 1;
}

int shop_is_email(const char *s)
{
    const char *at = strchr(s, '@'), *c;

    if (!at || at == s || strchr(at + 1, '@') || at - s > 64 || strlen(s) > 254
        || !strchr(at + 1, '.') || at[1] == '.' || s[strlen(s) - 1] == '.')
        return 0;
    for (c = s; *c; c++)
        if ((unsigned char)*c <= ' ' || *c == 0x7f)
            return 0;
    return 1;
}

int shop_parse_int(const char *s, long min, long max, long *value)
{
    char *end;
    long v;

    if (!s || !apr_isdigit(*s) || strlen(s) > 18)
        return 0;
    v = strtol(s, &end, 10);
    if (*end || v < min || v > max)
        return 0;
    *value = v;
    return 1;
}

int shop_is_http_url(apr_pool_t *p, const char *s, int origin_only)
{
    apr_uri_t uri;

    if (apr_uri_parse(p, s, &uri) != APR_SUCCESS || !uri.scheme || !uri.hostname || !*uri.hostname
        || (strcasecmp(uri.scheme, "http") && strcasecmp(uri.scheme, "https")))
        return 0;
    return !origin_only || (!uri.path && !uri.query && !uri.fragment && !uri.user);
}

const char *shop_parse_conninfo(apr_pool_t *p, const char *conninfo)
{
    char *error = NULL;
    const char *why;
    PQconninfoOption *options = PQconninfoParse(conninfo, &error);

    if (options) {
        PQconninfoFree(options);
        return NULL;
    }
    why = error ? error : "cannot parse the connection string";
    why = apr_pstrndup(p, why, strcspn(why, "\n"));       /* libpq ends it with a newline */
    PQfreemem(error);
    return why;
}

int shop_utf8_valid(const char *s, apr_size_t len)
{
    const unsigned char *c = (const unsigned char *)s, *end = c + len;

    while (c < end) {
        int n = *c < 0x80 ? 0 : (*c & 0xe0) == 0xc0 ? 1 : (*c & 0xf0) == 0xe0 ? 2
              : (*c & 0xf8) == 0xf0 ? 3 : -1;
        unsigned long cp;
        int i;

        if (n < 0 || *c == 0 || end - c <= n)     /* bad lead byte, NUL, or cut short */
            return 0;
        cp = n ? *c & (0x3f >> n) : *c;
        for (i = 1; i <= n; i++) {
            if ((c[i] & 0xc0) != 0x80)
                return 0;
            cp = (cp << 6) | (c[i] & 0x3f);
        }
        if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10ffff))
            || (cp >= 0xd800 && cp <= 0xdfff))
            return 0;
        c += n + 1;
    }
    return 1;
}

int shop_json_has_nul_escape(const char *s, apr_size_t len)
{
    apr_size_t i, backslashes = 0;

    for (i = 0; i < len; i++) {
        if (s[i] == '\\') {
            backslashes++;
            continue;
        }
        if (s[i] == 'u' && backslashes % 2 == 1 && i + 4 < len && !strncmp(s + i + 1, "0000", 4))
            return 1;
        backslashes = 0;
    }
    return 0;
}

/* Whether every number in item is finite (cJSON reads 1e999 as infinity). */
static int numbers_finite(const cJSON *item)
{
    const cJSON *child;

    if (cJSON_IsNumber(item) && !isfinite(item->valuedouble))
        return 0;
    cJSON_ArrayForEach(child, item)
        if (!numbers_finite(child))
            return 0;
    return 1;
}

const char *shop_parse_json_object(const char *body, apr_size_t len, cJSON **json)
{
    const char *why = NULL;

    *json = NULL;
    if (!shop_utf8_valid(body, len))
        return "the body must be UTF-8 text";
    if (shop_json_has_nul_escape(body, len))
        return "strings must not contain \\u0000";
    *json = cJSON_ParseWithLength(body, len);
    if (!cJSON_IsObject(*json))
        why = "the body must be a JSON object";
    else if (!numbers_finite(*json))
        why = "numbers must be finite";
    if (why) {
        cJSON_Delete(*json);
        *json = NULL;
    }
    return why;
}

int shop_bearer_token(const char *header, const char **token)
{
    if (!header || strncasecmp(header, "Bearer ", 7))
        return 0;
    for (header += 7; *header == ' '; header++)
        ;
    *token = *header ? header : NULL;
    return 1;
}

/*
 * In place; APR's status only says whether an escape was malformed, which is kept.
 * So is a %00: decoded, it would cut the value short ("paid%00x" read as "paid");
 * kept, the value fails whatever check it meets.
 */
static char *form_decode(apr_pool_t *p, char *s)
{
    char *nul = strstr(s, "%00");

    if (nul) {
        *nul = '\0';
        return apr_pstrcat(p, form_decode(p, s), "%00", form_decode(p, nul + 3), NULL);
    }
    (void)apr_unescape_url(s, s, APR_ESCAPE_STRING, NULL, NULL, 1, NULL);
    return s;
}

apr_table_t *shop_parse_query(apr_pool_t *p, const char *args)
{
    apr_table_t *table = apr_table_make(p, 8);
    char *query = apr_pstrdup(p, args ? args : ""), *last, *pair;

    for (pair = apr_strtok(query, "&", &last); pair; pair = apr_strtok(NULL, "&", &last)) {
        char *value = strchr(pair, '=');

        if (value)
            *value++ = '\0';
        apr_table_set(table, form_decode(p, pair), value ? form_decode(p, value) : "");
    }
    return table;
}
