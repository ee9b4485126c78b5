/*
 * json_body.c: fuzzes shop_parse_json_object (common/shop_parse.c), the check
 * every JSON request body goes through (shop_read_json): UTF-8, no \u0000, a
 * JSON object (cJSON).
 * Asserts: no crash, no leak, no undefined behaviour; a refused body gives a
 * reason and no object; an accepted body is an object whose strings and keys
 * are all valid UTF-8 without NUL, its numbers finite, and it round-trips
 * (printed, it is accepted again and prints the same text; compared as text
 * since cJSON keeps a repeated key twice and its lookups find the first).
 */
#include "fuzz.h"
#include "shop_parse.h"

#include <math.h>
#include <string.h>

static void assert_clean_strings(const cJSON *item)
{
    const cJSON *child;

    if (item->string)
        FUZZ_ASSERT(shop_utf8_valid(item->string, strlen(item->string)));
    if (cJSON_IsString(item))
        FUZZ_ASSERT(shop_utf8_valid(item->valuestring, strlen(item->valuestring)));
    if (cJSON_IsNumber(item))
        FUZZ_ASSERT(isfinite(item->valuedouble));
    cJSON_ArrayForEach(child, item)
        assert_clean_strings(child);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cJSON *json, *again;
    const char *why = shop_parse_json_object((const char *)data, size, &json);
    char *text, *text_again;

    if (why) {
        FUZZ_ASSERT(!json && *why);
        return 0;
    }
    FUZZ_ASSERT(cJSON_IsObject(json));
    assert_clean_strings(json);
    text = cJSON_PrintUnformatted(json);
    FUZZ_ASSERT(text);
    FUZZ_ASSERT(!shop_parse_json_object(text, strlen(text), &again));
    text_again = cJSON_PrintUnformatted(again);
    FUZZ_ASSERT(text_again && !strcmp(text, text_again));
    cJSON_free(text_again);
    cJSON_Delete(again);
    cJSON_free(text);
    cJSON_Delete(json);
    return 0;
}
