/*
 * test_product_fields.c: unit tests for mod_shop_product/product_fields.c, the
 * seed's admin-form rules for a product.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "apr_general.h"
#include "product.h"

static const char valid[] =
    "{\"name\":\"Tee\",\"shortDescription\":\"short\",\"description\":\"long\",\"price\":39.99,"
    "\"sizes\":[\"s\",\"m\"],\"colors\":[\"red\",\"blue\"],"
    "\"images\":{\"red\":\"/r.png\",\"blue\":\"https://cdn.test/b.png\",\"green\":\"/g.png\"},"
    "\"categorySlug\":\"t-shirts\",\"unknown\":1}";

static int setup(void **state)
{
    apr_pool_t *p;

    apr_pool_create(&p, NULL);
    *state = p;
    return 0;
}

static int teardown(void **state)
{
    apr_pool_destroy(*state);
    return 0;
}

/* The answer for body over base (JSON texts; base may be NULL), fields in f. */
static cJSON *read_fields(apr_pool_t *p, const char *body, const char *base, product_fields_t *f)
{
    cJSON *b = cJSON_Parse(body), *s = base ? cJSON_Parse(base) : NULL;
    cJSON *answer = product_fields_read(p, b, s, f);

    cJSON_Delete(b);
    cJSON_Delete(s);
    return answer;
}

static const char *error_of(const cJSON *answer, const char *field)
{
    const cJSON *e = cJSON_GetObjectItem(cJSON_GetObjectItem(answer, "fields"), field);
    return cJSON_IsString(e) ? e->valuestring : NULL;
}

static void accepts_a_valid_product(void **state)
{
    product_fields_t f;

    assert_null(read_fields(*state, valid, NULL, &f));
    assert_string_equal(f.name, "Tee");
    assert_int_equal(f.price_minor, 3999);
    assert_string_equal(f.sizes, "{\"s\",\"m\"}");
    assert_string_equal(f.colors, "{\"red\",\"blue\"}");
    /* only the images of the product's colors are kept */
    assert_string_equal(f.images, "{\"red\":\"/r.png\",\"blue\":\"https://cdn.test/b.png\"}");
}

static void lists_missing_colors(void **state)
{
    product_fields_t f;
    cJSON *answer = read_fields(*state,
        "{\"name\":\"Tee\",\"shortDescription\":\"s\",\"description\":\"d\",\"price\":1,"
        "\"sizes\":[\"m\"],\"colors\":[\"red\",\"blue\",\"white\"],\"images\":{\"red\":\"/r.png\"},"
        "\"categorySlug\":\"x\"}", NULL, &f);
    const cJSON *missing = cJSON_GetObjectItem(answer, "missingColors");

    assert_non_null(answer);
    assert_int_equal(cJSON_GetArraySize(missing), 2);
    assert_string_equal(cJSON_GetArrayItem(missing, 0)->valuestring, "blue");
    assert_string_equal(cJSON_GetArrayItem(missing, 1)->valuestring, "white");
    cJSON_Delete(answer);
}

static void refuses_bad_fields(void **state)
{
    product_fields_t f;
    cJSON *answer = read_fields(*state,
        "{\"name\":\"\",\"shortDescription\":\"0123456789012345678901234567890123456789012345678901234567890\","
        "\"description\":7,\"price\":-1,\"sizes\":[\"huge\"],\"colors\":[],\"images\":[],"
        "\"categorySlug\":\"Bad Slug\"}", NULL, &f);

    assert_non_null(answer);
    assert_string_equal(error_of(answer, "name"), "must be 1 to 200 characters");
    assert_string_equal(error_of(answer, "shortDescription"), "must be 1 to 60 characters");
    assert_string_equal(error_of(answer, "description"), "must be a string");
    assert_string_equal(error_of(answer, "price"), "must be a number above 0 and at most 1000000");
    assert_non_null(error_of(answer, "sizes"));
    assert_string_equal(error_of(answer, "colors"), "must be a non-empty array");
    assert_string_equal(error_of(answer, "categorySlug"), "no such category");
    cJSON_Delete(answer);
}

static void refuses_three_decimals_and_repeats(void **state)
{
    product_fields_t f;
    cJSON *answer = read_fields(*state, "{\"price\":1.999,\"sizes\":[\"m\",\"m\"]}", valid, &f);

    assert_string_equal(error_of(answer, "price"), "must have at most two decimals");
    assert_string_equal(error_of(answer, "sizes"), "must not repeat a value");
    cJSON_Delete(answer);
}

static void partial_update_keeps_stored_fields(void **state)
{
    product_fields_t f;

    assert_null(read_fields(*state, "{\"price\":10}", valid, &f));
    assert_int_equal(f.price_minor, 1000);
    assert_string_equal(f.name, "Tee");
    assert_string_equal(f.category_slug, "t-shirts");
}

static void missing_everything_is_reported(void **state)
{
    product_fields_t f;
    cJSON *answer = read_fields(*state, "{}", NULL, &f);

    assert_string_equal(error_of(answer, "name"), "is required");
    assert_string_equal(error_of(answer, "price"), "is required");
    assert_string_equal(error_of(answer, "colors"), "is required");
    cJSON_Delete(answer);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(accepts_a_valid_product, setup, teardown),
        cmocka_unit_test_setup_teardown(lists_missing_colors, setup, teardown),
        cmocka_unit_test_setup_teardown(refuses_bad_fields, setup, teardown),
        cmocka_unit_test_setup_teardown(refuses_three_decimals_and_repeats, setup, teardown),
        cmocka_unit_test_setup_teardown(partial_update_keeps_stored_fields, setup, teardown),
        cmocka_unit_test_setup_teardown(missing_everything_is_reported, setup, teardown),
    };

    apr_initialize();
    return cmocka_run_group_tests_name("product_fields", tests, NULL, NULL);
}
