/*
 * query.c: fuzzes shop_parse_query (common/shop_parse.c), the query string of
 * every request (shop_query_table), and the checks its values then go through:
 * shop_parse_int (limit, offset, page...) and shop_is_uuid (ids).
 * Asserts: no crash, no leak, no undefined behaviour; the table, each name and
 * value encoded again (apr_pescape_urlencoded) and joined with '&', parses to
 * the same table; an integer accepted is within its bounds; a UUID accepted is
 * 36 characters.
 */
#include "fuzz.h"
#include "shop_parse.h"
#include "apr_escape.h"

#include <string.h>

typedef struct {
    apr_pool_t *p;
    apr_array_header_t *parts;
    const apr_table_t *other;
} walk_t;

static int encode_pair(void *data, const char *name, const char *value)
{
    walk_t *w = data;

    APR_ARRAY_PUSH(w->parts, const char *) =
        apr_pstrcat(w->p, apr_pescape_urlencoded(w->p, name), "=",
                    apr_pescape_urlencoded(w->p, value), NULL);
    return 1;
}

static int check_value(void *data, const char *name, const char *value)
{
    walk_t *w = data;
    const char *again = apr_table_get(w->other, name);
    long n;

    FUZZ_ASSERT(again && !strcmp(again, value));
    if (shop_parse_int(value, 1, 100, &n))
        FUZZ_ASSERT(n >= 1 && n <= 100);
    if (shop_is_uuid(value))
        FUZZ_ASSERT(strlen(value) == 36);
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fuzz_pool();
    apr_table_t *table = shop_parse_query(p, fuzz_string(p, data, size)), *again;
    walk_t w = { p, apr_array_make(p, 8, sizeof(const char *)), NULL };

    apr_table_do(encode_pair, &w, table, NULL);
    again = shop_parse_query(p, apr_array_pstrcat(p, w.parts, '&'));
    FUZZ_ASSERT(apr_table_elts(again)->nelts == apr_table_elts(table)->nelts);
    w.other = again;
    apr_table_do(check_value, &w, table, NULL);
    return 0;
}
