/*
 * brokers.c: fuzzes shop_parse_brokers (common/shop_parse.c), the check of
 * ShopKafkaBrokers' "host:port[,host:port...]" at configuration time.
 * Asserts: no crash, no leak, no undefined behaviour; an accepted list has at
 * least one entry, and every non-blank entry (spaces removed) ends in ":PORT"
 * with PORT in 1..65535 after a non-empty host; a refused one says why.
 */
#include "fuzz.h"
#include "shop_parse.h"

#include <string.h>

static void assert_entries(apr_pool_t *p, const char *list)
{
    char *copy = apr_pstrdup(p, list), *entry, *state, *colon;
    int count = 0;
    long port;

    for (entry = apr_strtok(copy, ",", &state); entry; entry = apr_strtok(NULL, ",", &state)) {
        apr_collapse_spaces(entry, entry);
        if (!*entry)
            continue;
        colon = strrchr(entry, ':');
        FUZZ_ASSERT(colon && colon > entry);
        FUZZ_ASSERT(shop_parse_int(colon + 1, 1, 65535, &port) && port >= 1 && port <= 65535);
        count++;
    }
    FUZZ_ASSERT(count > 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fuzz_pool();
    const char *list = fuzz_string(p, data, size);
    const char *why = shop_parse_brokers(p, list);

    if (why)
        FUZZ_ASSERT(*why);
    else
        assert_entries(p, list);
    return 0;
}
