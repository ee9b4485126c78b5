/*
 * product_fields.c: fuzzes product_fields_read (mod_shop_product/product_fields.c),
 * the admin form's rules, on the bodies shop_parse_json_object accepts. The
 * input is read once as a new product and once as a change to a valid stored
 * product (the base the body's missing fields come from).
 * Asserts: no crash, no leak, no undefined behaviour; a refused body answers
 * {"message", "fields": {...}} with at least one field; an accepted one has
 * every field set, a price in 1..100000000 cents, sizes and colors as PostgreSQL
 * array literals, and images as a JSON object with one URL per color.
 */
#include "fuzz.h"
#include "shop_parse.h"
#include "product.h"

#include <string.h>

static const char stored[] =
    "{\"name\":\"Shoe\",\"shortDescription\":\"A shoe\",\"description\":\"A good shoe\","
    "\"categorySlug\":\"shoes\",\"price\":49.9,\"sizes\":[\"42\",\"43\"],"
    "\"colors\":[\"red\",\"blue\"],\"images\":{\"red\":\"/img/r.png\",\"blue\":\"/img/b.png\"}}";

static int is_array_literal(const char *s)
{
    apr_size_t n = strlen(s);

    return n >= 4 && s[0] == '{' && s[1] == '"' && s[n - 2] == '"' && s[n - 1] == '}';
}

static void assert_answer(cJSON *answer, const product_fields_t *f)
{
    cJSON *images;

    if (answer) {
        FUZZ_ASSERT(cJSON_IsString(cJSON_GetObjectItemCaseSensitive(answer, "message")));
        FUZZ_ASSERT(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(answer, "fields")) > 0);
        cJSON_Delete(answer);
        return;
    }
    FUZZ_ASSERT(f->name && f->short_description && f->description && f->category_slug);
    FUZZ_ASSERT(f->price_minor > 0 && f->price_minor <= 100000000);
    FUZZ_ASSERT(f->sizes && is_array_literal(f->sizes));
    FUZZ_ASSERT(f->colors && is_array_literal(f->colors));
    images = cJSON_Parse(f->images);
    FUZZ_ASSERT(cJSON_IsObject(images) && cJSON_GetArraySize(images) > 0);
    cJSON_Delete(images);
}

static cJSON *base;

static void release_base(void)
{
    cJSON_Delete(base);
}

/* The stored product, parsed once before the inputs. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    FUZZ_ASSERT(!shop_parse_json_object(stored, sizeof(stored) - 1, &base));
    atexit(release_base);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fuzz_pool();
    cJSON *body;
    product_fields_t f;

    if (shop_parse_json_object((const char *)data, size, &body))
        return 0;
    assert_answer(product_fields_read(p, body, NULL, &f), &f);
    assert_answer(product_fields_read(p, body, base, &f), &f);
    cJSON_Delete(body);
    return 0;
}
