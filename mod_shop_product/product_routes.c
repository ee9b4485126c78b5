/*
 * product_routes.c: the catalog routes. Reads build their JSON in PostgreSQL,
 * are cached per child (product_cache.c) and carry ETag, Last-Modified and
 * Cache-Control, answering 304 to a matching If-None-Match. Writes run in one
 * transaction with their product.* event in the outbox.
 */
#include "product.h"

#include "http_log.h"
#include "http_protocol.h"
#include "http_request.h"
#include "apr_strings.h"
#include "apr_lib.h"

#include "mod_shop.h"
#include "shop_body.h"
#include "shop_event.h"
#include "shop_http.h"
#include "shop_parse.h"
#include "shop_pg.h"
#include "shop_write.h"

APLOG_USE_MODULE(shop_product);

#define TIME_JSON(col) "to_char(" col " at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"
#define PRODUCT_JSON \
    "json_build_object('id', id, 'name', name, 'shortDescription', short_description," \
    " 'description', description, 'price', round(price_minor / 100.0, 2), 'sizes', sizes," \
    " 'colors', colors, 'images', images, 'categorySlug', category_slug," \
    " 'createdAt', " TIME_JSON("created_at") ", 'updatedAt', " TIME_JSON("updated_at") ")"
#define CATEGORY_JSON "json_build_object('id', id, 'name', name, 'slug', slug)"
#define PRODUCT_SOURCE SHOP_EVENT_SOURCE "product"
#define SEARCH_MAX 100

static const struct {
    const char *name;
    const char *order;
} sorts[] = {
    { "newest", "created_at desc, id desc" },
    { "oldest", "created_at, id" },
    { "asc",    "price_minor, id" },
    { "desc",   "price_minor desc, id desc" },
    { NULL, NULL }
};

/* ---- answers ------------------------------------------------------------- */

/* A strong validator: FNV-1a 64 of the body and its length. */
static const char *make_etag(apr_pool_t *p, const char *body)
{
    apr_uint64_t h = 14695981039346656037ULL;
    const unsigned char *c;
    apr_size_t n = 0;

    for (c = (const unsigned char *)body; *c; c++, n++)
        h = (h ^ *c) * 1099511628211ULL;
    return apr_psprintf(p, "\"%016" APR_UINT64_T_HEX_FMT "-%" APR_SIZE_T_FMT "\"", h, n);
}

static int reply_cacheable(request_rec *r, const char *body, const char *etag)
{
    apr_time_t changed = product_cache_changed();
    int max_age = product_conf(r->server)->max_age, rv;

    apr_table_setn(r->headers_out, "ETag", etag);
    apr_table_setn(r->headers_out, "Cache-Control",
                   max_age ? apr_psprintf(r->pool, "public, max-age=%d", max_age)
                           : "public, max-age=0, must-revalidate");
    apr_table_mergen(r->headers_out, "Vary", "Origin");
    if (changed) {
        ap_update_mtime(r, changed);
        ap_set_last_modified(r);
    }
    if ((rv = ap_meets_conditions(r)) != OK)
        return rv;                                  /* 304 (or 412) */
    return shop_reply_json_text(r, HTTP_OK, body, strlen(body));
}

/*
 * Serves a read: from this child's cache when the catalog has not changed,
 * else from sql (one row, one JSON text column; no row or NULL: 404).
 */
static int serve_read(request_rec *r, const char *key, const char *sql, int n,
                      const char *const *params, const char *not_found)
{
    apr_uint64_t version = product_cache_version();
    const char *etag = NULL, *error = NULL;
    const char *body = product_cache_get(r, key, version, &etag);
    shop_error_t *err;
    PGresult *res;
    PGconn *conn;

    if (body)
        return reply_cacheable(r, body, etag);
    if (!(conn = shop_pg_connection(r, &err)))
        return shop_reply_failure(r, err);
    if (!(res = shop_pg_exec(r->pool, conn, sql, n, params, &error)))
        return shop_reply_failure(r, shop_fail_db(r->pool, "read", error));
    if (PQntuples(res) != 1 || PQgetisnull(res, 0, 0))
        return shop_reply_error(r, HTTP_NOT_FOUND, not_found);
    body = PQgetvalue(res, 0, 0);
    etag = make_etag(r->pool, body);
    product_cache_put(r, key, version, body, etag);
    return reply_cacheable(r, body, etag);
}

/* ---- reads ---------------------------------------------------------------- */

static const char *sort_order(const char *name)
{
    int i;

    for (i = 0; sorts[i].name; i++)
        if (!strcmp(sorts[i].name, name))
            return sorts[i].order;
    return NULL;
}

/* %q% for LIKE, with the pattern characters of q escaped */
static const char *like_pattern(apr_pool_t *p, const char *q)
{
    char *out = apr_palloc(p, 2 * strlen(q) + 3), *o = out;

    *o++ = '%';
    for (; *q; q++) {
        if (*q == '%' || *q == '_' || *q == '\\')
            *o++ = '\\';
        *o++ = *q;
    }
    *o++ = '%';
    *o = '\0';
    return out;
}

int product_list(request_rec *r, const char *id)
{
    const char *sort = shop_query_arg(r, "sort"), *order = sort_order(sort ? sort : "newest");
    const char *category = shop_query_arg(r, "category"), *search = shop_query_arg(r, "search");
    const char *params[4], *sql;
    long limit, offset;

    if (!order)
        return shop_reply_error(r, HTTP_BAD_REQUEST, "sort must be asc, desc, oldest or newest");
    if (!shop_query_int(r, "limit", PRODUCT_LIST_DEFAULT, 1, PRODUCT_LIST_MAX, &limit)
        || !shop_query_int(r, "offset", 0, 0, 1000000000L, &offset))
        return shop_reply_error(r, HTTP_BAD_REQUEST, "limit must be 1 to 100 and offset 0 or more");
    if (search && strlen(search) > SEARCH_MAX)
        return shop_reply_error(r, HTTP_BAD_REQUEST, "search is limited to 100 characters");
    if ((search && !shop_utf8_valid(search, strlen(search)))
        || (category && !shop_utf8_valid(category, strlen(category))))
        return shop_reply_error(r, HTTP_BAD_REQUEST, "search and category must be UTF-8 text");
    params[0] = category && *category ? category : NULL;
    params[1] = search && *search ? like_pattern(r->pool, search) : NULL;
    params[2] = apr_ltoa(r->pool, limit);
    params[3] = apr_ltoa(r->pool, offset);
    sql = apr_pstrcat(r->pool,
        "select coalesce(json_agg(j order by n), '[]')::text from ("
        " select " PRODUCT_JSON " as j, row_number() over (order by ", order, ") as n"
        " from product"
        " where ($1::text is null or category_slug = $1)"
        "   and ($2::text is null or lower(name) like lower($2) escape '\\')"
        " order by ", order, " limit $3::int offset $4::int) s", NULL);
    return serve_read(r, apr_pstrcat(r->pool, "list?", r->args ? r->args : "", NULL), sql, 4,
                      params, "no products");
}

static int valid_id(const char *id)
{
    long v;

    return shop_parse_int(id, 1, 2147483647L, &v);
}

int product_get(request_rec *r, const char *id)
{
    static const char sql[] = "select " PRODUCT_JSON "::text from product where id = $1::int";

    if (!valid_id(id))
        return shop_reply_error(r, HTTP_NOT_FOUND, "no such product");
    return serve_read(r, apr_pstrcat(r->pool, "product/", id, NULL), sql, 1, &id,
                      "no such product");
}

int category_list(request_rec *r, const char *id)
{
    static const char sql[] =
        "select coalesce(json_agg(" CATEGORY_JSON " order by name, id), '[]')::text from category";

    return serve_read(r, "categories", sql, 0, NULL, "no categories");
}

/* ---- writes ---------------------------------------------------------------- */

/* A product naming a category that does not exist (23503): 400 with the field. */
static shop_error_t *refuse_product(apr_pool_t *p, const PGresult *res)
{
    cJSON *json = shop_json_own(p, cJSON_CreateObject());

    cJSON_AddStringToObject(json, "message", "invalid fields");
    cJSON_AddStringToObject(cJSON_AddObjectToObject(json, "fields"), "categorySlug",
                            "no such category");
    return shop_fail_body(p, HTTP_BAD_REQUEST, json);
}

static shop_error_t *refuse_category(apr_pool_t *p, const PGresult *res)
{
    return shop_fail(p, HTTP_CONFLICT, shop_pg_unique_violation(res)
                                       ? "a category with this slug exists"
                                       : "the category still has products");
}

static void product_write(shop_write_t *w, const char *what, const char *sql, int n,
                          const char *const *params)
{
    w->what = what;
    w->sql = sql;
    w->nparams = n;
    w->params = params;
    w->missing = "no such product";
    w->refuse = refuse_product;
}

/* The product.<type> event of a written product (its JSON text); 0 when it has no id. */
static int product_event(request_rec *r, const char *json, const char *type,
                         shop_write_event_t *event)
{
    cJSON *data = shop_json_own(r->pool, cJSON_Parse(json));
    const cJSON *id = cJSON_GetObjectItem(data, "id");

    if (!cJSON_IsNumber(id))
        return 0;
    event->topic = "product-events";
    event->key = apr_itoa(r->pool, id->valueint);
    event->source = PRODUCT_SOURCE;
    event->type = type;
    event->data = data;
    return 1;
}

/* The event (if any), the new catalog version, COMMIT; then answers json with status. */
static int write_finish(request_rec *r, PGconn *conn, const char *json, const char *type,
                        int status)
{
    static const char version_sql[] =
        "select version, (extract(epoch from changed_at) * 1000000)::bigint from catalog_version";
    shop_write_event_t event = { NULL, NULL, NULL, NULL, NULL };
    const char *error = NULL;
    shop_error_t *err;
    PGresult *version;

    if (type && !product_event(r, json, type, &event))
        return shop_reply_failure(r, shop_fail_db(r->pool, type, "the written product has no id"));
    if (!(version = shop_pg_exec(r->pool, conn, version_sql, 0, NULL, &error)))
        return shop_reply_failure(r, shop_fail_db(r->pool, "catalog version", error));
    if ((err = shop_write_commit(r, conn, &event)))
        return shop_reply_failure(r, err);
    product_cache_saw(apr_strtoi64(PQgetvalue(version, 0, 0), NULL, 10),
                      (apr_time_t)apr_strtoi64(PQgetvalue(version, 0, 1), NULL, 10));
    if (status == HTTP_NO_CONTENT) {
        r->status = status;
        return OK;
    }
    return shop_reply_json_text(r, status, json, strlen(json));
}

static cJSON *read_body(request_rec *r, shop_error_t **err)
{
    return shop_read_json(r, product_conf(r->server)->max_body, err);
}

static void field_params(request_rec *r, const product_fields_t *f, const char **params)
{
    params[0] = f->name;
    params[1] = f->short_description;
    params[2] = f->description;
    params[3] = apr_ltoa(r->pool, f->price_minor);
    params[4] = f->sizes;
    params[5] = f->colors;
    params[6] = f->images;
    params[7] = f->category_slug;
}

int product_post(request_rec *r, const char *id)
{
    static const char sql[] =
        "insert into product (name, short_description, description, price_minor, sizes, colors,"
        " images, category_slug) values ($1, $2, $3, $4::int, $5::text[], $6::text[], $7::jsonb, $8)"
        " returning " PRODUCT_JSON "::text";
    const char *params[8];
    product_fields_t f;
    cJSON *body, *invalid;
    shop_error_t *err;
    shop_write_t write;
    PGconn *conn;
    PGresult *res;

    if (!(body = read_body(r, &err)))
        return shop_reply_failure(r, err);
    if ((invalid = shop_json_own(r->pool, product_fields_read(r->pool, body, NULL, &f))))
        return shop_reply_json(r, HTTP_BAD_REQUEST, invalid);
    if (!(conn = shop_pg_connection(r, &err)))
        return shop_reply_failure(r, err);
    field_params(r, &f, params);
    product_write(&write, "create product", sql, 8, params);
    if (!(res = shop_write_begin(r, conn, &write, &err)))
        return shop_reply_failure(r, err);
    return write_finish(r, conn, PQgetvalue(res, 0, 0), "product.created", HTTP_CREATED);
}

int product_put(request_rec *r, const char *id)
{
    static const char lock_sql[] =
        "select " PRODUCT_JSON "::text from product where id = $1::int for update";
    static const char sql[] =
        "update product set name = $1, short_description = $2, description = $3,"
        " price_minor = $4::int, sizes = $5::text[], colors = $6::text[], images = $7::jsonb,"
        " category_slug = $8, updated_at = now() where id = $9::int returning " PRODUCT_JSON "::text";
    const char *params[9];
    product_fields_t f;
    cJSON *body, *stored, *invalid;
    shop_error_t *err;
    shop_write_t lock, write;
    PGconn *conn;
    PGresult *res;

    if (!(body = read_body(r, &err)))
        return shop_reply_failure(r, err);
    if (!valid_id(id))
        return shop_reply_error(r, HTTP_NOT_FOUND, "no such product");
    if (!(conn = shop_pg_connection(r, &err)))
        return shop_reply_failure(r, err);
    product_write(&lock, "lock product", lock_sql, 1, &id);
    if (!(res = shop_write_begin(r, conn, &lock, &err)))
        return shop_reply_failure(r, err);
    stored = shop_json_own(r->pool, cJSON_Parse(PQgetvalue(res, 0, 0)));
    if ((invalid = shop_json_own(r->pool, product_fields_read(r->pool, body, stored, &f))))
        return shop_reply_json(r, HTTP_BAD_REQUEST, invalid);
    field_params(r, &f, params);
    params[8] = id;
    product_write(&write, "update product", sql, 9, params);
    if (!(res = shop_write_run(r, conn, &write, &err)))
        return shop_reply_failure(r, err);
    return write_finish(r, conn, PQgetvalue(res, 0, 0), "product.updated", HTTP_OK);
}

int product_delete(request_rec *r, const char *id)
{
    static const char sql[] = "delete from product where id = $1::int returning " PRODUCT_JSON "::text";
    shop_error_t *err;
    shop_write_t write;
    PGconn *conn;
    PGresult *res;

    if (!valid_id(id))
        return shop_reply_error(r, HTTP_NOT_FOUND, "no such product");
    if (!(conn = shop_pg_connection(r, &err)))
        return shop_reply_failure(r, err);
    product_write(&write, "delete product", sql, 1, &id);
    if (!(res = shop_write_begin(r, conn, &write, &err)))
        return shop_reply_failure(r, err);
    return write_finish(r, conn, PQgetvalue(res, 0, 0), "product.deleted", HTTP_NO_CONTENT);
}

/* ---- categories ----------------------------------------------------------- */

static const char *category_field(request_rec *r, const cJSON *body, const char *name,
                                  int required, cJSON *errors)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(body, name);
    const char *v, *c;

    if (!item || cJSON_IsNull(item)) {
        if (required)
            cJSON_AddStringToObject(errors, name, "is required");
        return NULL;
    }
    if (!cJSON_IsString(item) || !*(v = item->valuestring) || strlen(v) > 60) {
        cJSON_AddStringToObject(errors, name, "must be a string of 1 to 60 characters");
        return NULL;
    }
    for (c = v; !strcmp(name, "slug") && *c; c++)
        if (!apr_islower(*c) && !apr_isdigit(*c) && *c != '-') {
            cJSON_AddStringToObject(errors, name, "may hold a-z, 0-9 and '-' only");
            return NULL;
        }
    return apr_pstrdup(r->pool, v);
}

/* A category change: what it is, its statement, and its refusals. */
static shop_error_t *category_change(request_rec *r, PGconn *conn, const char *what,
                                     const char *sql, int n, const char *const *params,
                                     const char **json)
{
    shop_write_t write = { what, sql, n, params, "no such category", refuse_category };
    shop_error_t *err = NULL;
    PGresult *res = shop_write_begin(r, conn, &write, &err);

    if (res)
        *json = PQgetvalue(res, 0, 0);
    return err;
}

static int category_write(request_rec *r, const char *id, int creating)
{
    static const char insert_sql[] =
        "insert into category (name, slug) values ($1, $2) returning " CATEGORY_JSON "::text";
    static const char update_sql[] =
        "update category set name = coalesce($1, name), slug = coalesce($2, slug),"
        " updated_at = now() where id = $3::int returning " CATEGORY_JSON "::text";
    cJSON *body, *errors = shop_json_own(r->pool, cJSON_CreateObject()), *answer;
    const char *params[3], *json = NULL;
    shop_error_t *err;
    PGconn *conn;

    if (!(body = read_body(r, &err)))
        return shop_reply_failure(r, err);
    params[0] = category_field(r, body, "name", creating, errors);
    params[1] = category_field(r, body, "slug", creating, errors);
    params[2] = id;
    if (cJSON_GetArraySize(errors) || (!creating && !params[0] && !params[1])) {
        answer = shop_json_own(r->pool, cJSON_CreateObject());
        cJSON_AddStringToObject(answer, "message", cJSON_GetArraySize(errors) ? "invalid fields"
                                                                              : "nothing to update");
        cJSON_AddItemReferenceToObject(answer, "fields", errors);
        return shop_reply_json(r, HTTP_BAD_REQUEST, answer);
    }
    if (!creating && !valid_id(id))
        return shop_reply_error(r, HTTP_NOT_FOUND, "no such category");
    if (!(conn = shop_pg_connection(r, &err))
        || (err = category_change(r, conn, creating ? "create category" : "update category",
                                  creating ? insert_sql : update_sql, creating ? 2 : 3, params,
                                  &json)))
        return shop_reply_failure(r, err);
    return write_finish(r, conn, json, NULL, creating ? HTTP_CREATED : HTTP_OK);
}

int category_post(request_rec *r, const char *id)
{
    return category_write(r, id, 1);
}

int category_put(request_rec *r, const char *id)
{
    return category_write(r, id, 0);
}

int category_delete(request_rec *r, const char *id)
{
    static const char sql[] = "delete from category where id = $1::int returning " CATEGORY_JSON "::text";
    const char *json = NULL;
    shop_error_t *err;
    PGconn *conn;

    if (!valid_id(id))
        return shop_reply_error(r, HTTP_NOT_FOUND, "no such category");
    if (!(conn = shop_pg_connection(r, &err))
        || (err = category_change(r, conn, "delete category", sql, 1, &id, &json)))
        return shop_reply_failure(r, err);
    return write_finish(r, conn, json, NULL, HTTP_NO_CONTENT);
}
