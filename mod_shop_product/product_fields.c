/*
 * product_fields.c: a product as the admin form sends it, checked like the
 * seed's form: name, shortDescription (<= 60), description, price > 0 with at
 * most two decimals, an existing-looking categorySlug, sizes and colors from the
 * allowed sets, and an image for every color. No httpd types: unit-tested alone.
 */
#include "product.h"

#include "apr_strings.h"
#include "apr_lib.h"
#include <math.h>

#include "shop_parse.h"

static const char *const allowed_sizes[] = {
    "xs", "s", "m", "l", "xl", "xxl", "34", "35", "36", "37", "38", "39", "40", "41",
    "42", "43", "44", "45", "46", "47", "48", NULL
};
static const char *const allowed_colors[] = {
    "blue", "green", "red", "yellow", "purple", "orange", "pink", "brown", "gray",
    "black", "white", NULL
};

#define PRICE_MAX 1000000.0
#define URL_MAX 2048

typedef struct {
    apr_pool_t *p;
    const cJSON *body, *base;
    cJSON *errors;
} reading_t;

/* The value of name: from the body if it has it, else from the stored product. */
static const cJSON *field(reading_t *rd, const char *name)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(rd->body, name);

    if (!item || cJSON_IsNull(item))
        item = rd->base ? cJSON_GetObjectItemCaseSensitive(rd->base, name) : NULL;
    return item;
}

static void fail(reading_t *rd, const char *name, const char *why)
{
    if (!cJSON_GetObjectItemCaseSensitive(rd->errors, name))
        cJSON_AddStringToObject(rd->errors, name, why);
}

static apr_size_t utf8_length(const char *s)
{
    apr_size_t n = 0;

    for (; *s; s++)
        n += ((unsigned char)*s & 0xc0) != 0x80;
    return n;
}

static const char *text(reading_t *rd, const char *name, apr_size_t max)
{
    const cJSON *item = field(rd, name);
    apr_size_t n;

    if (!item) {
        fail(rd, name, "is required");
        return NULL;
    }
    if (!cJSON_IsString(item)) {
        fail(rd, name, "must be a string");
        return NULL;
    }
    n = utf8_length(item->valuestring);
    if (n == 0 || n > max) {
        fail(rd, name, apr_psprintf(rd->p, "must be 1 to %" APR_SIZE_T_FMT " characters", max));
        return NULL;
    }
    return apr_pstrdup(rd->p, item->valuestring);
}

static long price(reading_t *rd)
{
    const cJSON *item = field(rd, "price");
    double cents;

    if (!item) {
        fail(rd, "price", "is required");
        return 0;
    }
    if (!cJSON_IsNumber(item) || !(item->valuedouble > 0) || item->valuedouble > PRICE_MAX) {
        fail(rd, "price", "must be a number above 0 and at most 1000000");
        return 0;
    }
    cents = item->valuedouble * 100.0;
    if (fabs(cents - round(cents)) > 1e-6) {
        fail(rd, "price", "must have at most two decimals");
        return 0;
    }
    return (long)round(cents);
}

static int allowed(const char *const *set, const char *value)
{
    for (; *set; set++)
        if (!strcmp(*set, value))
            return 1;
    return 0;
}

static const char *joined(apr_pool_t *p, const char *const *set)
{
    apr_array_header_t *a = apr_array_make(p, 24, sizeof(const char *));

    for (; *set; set++)
        APR_ARRAY_PUSH(a, const char *) = *set;
    return apr_array_pstrcat(p, a, ',');
}

/* A non-empty array of distinct allowed strings, as a PostgreSQL array literal. */
static const char *choices(reading_t *rd, const char *name, const char *const *set,
                           apr_array_header_t **list)
{
    const cJSON *item = field(rd, name), *v;
    apr_array_header_t *quoted;
    int i;

    *list = apr_array_make(rd->p, 8, sizeof(const char *));
    if (!cJSON_IsArray(item) || cJSON_GetArraySize(item) == 0) {
        fail(rd, name, item ? "must be a non-empty array" : "is required");
        return NULL;
    }
    cJSON_ArrayForEach(v, item) {
        if (!cJSON_IsString(v) || !allowed(set, v->valuestring)) {
            fail(rd, name, apr_pstrcat(rd->p, "may hold only: ", joined(rd->p, set), NULL));
            return NULL;
        }
        for (i = 0; i < (*list)->nelts; i++)
            if (!strcmp(APR_ARRAY_IDX(*list, i, const char *), v->valuestring)) {
                fail(rd, name, "must not repeat a value");
                return NULL;
            }
        APR_ARRAY_PUSH(*list, const char *) = apr_pstrdup(rd->p, v->valuestring);
    }
    quoted = apr_array_make(rd->p, (*list)->nelts, sizeof(const char *));
    for (i = 0; i < (*list)->nelts; i++)
        APR_ARRAY_PUSH(quoted, const char *) =
            apr_pstrcat(rd->p, "\"", APR_ARRAY_IDX(*list, i, const char *), "\"", NULL);
    return apr_pstrcat(rd->p, "{", apr_array_pstrcat(rd->p, quoted, ','), "}", NULL);
}

static int valid_url(apr_pool_t *p, const char *s)
{
    const char *c;

    if (!*s || strlen(s) > URL_MAX || (*s != '/' && !shop_is_http_url(p, s, 0)))
        return 0;
    for (c = s; *c; c++)
        if ((unsigned char)*c <= ' ' || *c == '"' || *c == '<' || *c == '>' || *c == '\\')
            return 0;
    return 1;
}

/* {color: url} for exactly the product's colors; missing ones listed in missing. */
static const char *images(reading_t *rd, const apr_array_header_t *colors, cJSON *missing)
{
    const cJSON *item = field(rd, "images");
    cJSON *kept;
    char *json;
    const char *out;
    int i;

    if (!cJSON_IsObject(item)) {
        fail(rd, "images", item ? "must be an object {color: url}" : "is required");
        return NULL;
    }
    kept = cJSON_CreateObject();
    for (i = 0; colors && i < colors->nelts; i++) {
        const char *color = APR_ARRAY_IDX(colors, i, const char *);
        const cJSON *url = cJSON_GetObjectItemCaseSensitive(item, color);

        if (!url || cJSON_IsNull(url))
            cJSON_AddItemToArray(missing, cJSON_CreateString(color));
        else if (!cJSON_IsString(url) || !valid_url(rd->p, url->valuestring))
            fail(rd, "images", apr_psprintf(rd->p, "the image of %s must be an http(s) URL or "
                                            "an absolute path", color));
        else
            cJSON_AddStringToObject(kept, color, url->valuestring);
    }
    if (cJSON_GetArraySize(missing))
        fail(rd, "images", "every color needs an image");
    json = cJSON_PrintUnformatted(kept);
    out = json ? apr_pstrdup(rd->p, json) : NULL;
    cJSON_free(json);
    cJSON_Delete(kept);
    return out;
}

static int valid_slug(const char *s)
{
    for (; *s; s++)
        if (!apr_islower(*s) && !apr_isdigit(*s) && *s != '-')
            return 0;
    return 1;
}

cJSON *product_fields_read(apr_pool_t *p, const cJSON *body, const cJSON *base,
                           product_fields_t *f)
{
    reading_t rd = { p, body, base, cJSON_CreateObject() };
    cJSON *missing = cJSON_CreateArray(), *answer;
    apr_array_header_t *colors = NULL, *sizes;

    memset(f, 0, sizeof(*f));
    f->name = text(&rd, "name", 200);
    f->short_description = text(&rd, "shortDescription", 60);
    f->description = text(&rd, "description", 10000);
    f->category_slug = text(&rd, "categorySlug", 60);
    if (f->category_slug && !valid_slug(f->category_slug))
        fail(&rd, "categorySlug", "no such category");
    f->price_minor = price(&rd);
    f->sizes = choices(&rd, "sizes", allowed_sizes, &sizes);
    f->colors = choices(&rd, "colors", allowed_colors, &colors);
    f->images = f->colors ? images(&rd, colors, missing) : NULL;
    if (!cJSON_GetArraySize(rd.errors)) {
        cJSON_Delete(rd.errors);
        cJSON_Delete(missing);
        return NULL;
    }
    answer = cJSON_CreateObject();
    cJSON_AddStringToObject(answer, "message", "invalid fields");
    cJSON_AddItemToObject(answer, "fields", rd.errors);
    if (cJSON_GetArraySize(missing))
        cJSON_AddItemToObject(answer, "missingColors", missing);
    else
        cJSON_Delete(missing);
    return answer;
}
