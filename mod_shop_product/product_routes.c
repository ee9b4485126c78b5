/*
 * product_routes.c: the catalog routes. Reads are cached per child
 * (product_lru.c, valid while the catalog version of product_cache.c holds) and
 * carry ETag, Last-Modified and Cache-Control, answering 304 to a matching
 * If-None-Match. A product's JSON is built by PostgreSQL once per catalog
 * version; a list asks PostgreSQL for the ids of its page only and joins the
 * products' cached JSON. Product answers carry image paths made absolute with
 * ShopProductPublicURL (by PostgreSQL, cached under keys that hold the base);
 * events keep the stored paths. Writes run in one transaction with their
 * product.* event in the outbox.
 */
#include "product.h"

#include "http_log.h"
#include "http_protocol.h"
#include "http_request.h"
#include "util_script.h"
#include "apr_hash.h"
#include "apr_lib.h"
#include "apr_strings.h"

#include "mod_shop.h"
#include "shop_body.h"
#include "shop_event.h"
#include "shop_http.h"
#include "shop_parse.h"
#include "shop_pg.h"
#include "shop_write.h"

APLOG_USE_MODULE(shop_product);

#define TIME_JSON(col) "to_char(" col " at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"
#define PRODUCT_JSON_WITH(images) \
    "json_build_object('id', id, 'name', name, 'shortDescription', short_description," \
    " 'description', description, 'price', round(price_minor / 100.0, 2), 'sizes', sizes," \
    " 'colors', colors, 'images', " images ", 'categorySlug', category_slug," \
    " 'createdAt', " TIME_JSON("created_at") ", 'updatedAt', " TIME_JSON("updated_at") ")"
/* a product as stored (events; the base of an update) */
#define PRODUCT_JSON PRODUCT_JSON_WITH("images")
/* a product as answered: image paths prefixed with the text parameter base (NULL: as stored) */
#define PUBLIC_PRODUCT_JSON(base) PRODUCT_JSON_WITH( \
    "(select coalesce(jsonb_object_agg(color, case when " base "::text is null" \
    " or url not like '/%' then url else " base " || url end), '{}')" \
    " from jsonb_each_text(images) as image(color, url))")
#define CATEGORY_JSON "json_build_object('id', id, 'name', name, 'slug', slug)"
#define PRODUCT_SOURCE SHOP_EVENT_SOURCE "product"
#define SEARCH_MAX 100
#define CATEGORY_ALL "all"                  /* category=all: every category (the seed's client) */
#define ID_MAX 2147483647L
/* from this offset on, a page is cut from the list's whole order, cached per catalog version */
#define ORDER_FROM 200

static const struct {
    const char *name;
    const char *order;                  /* ORDER BY */
} sorts[] = {
    { "newest", "created_at desc, id desc" },
    { "oldest", "created_at, id" },
    { "asc",    "price_minor, id" },
    { "desc",   "price_minor desc, id desc" },
    { NULL, NULL }
};

/* ---- answers ------------------------------------------------------------- */

/* A strong validator: FNV-1a 64 of the body and its length. */
static const char *make_etag(apr_pool_t *p, const char *body, apr_size_t len)
{
    apr_uint64_t h = 14695981039346656037ULL;
    apr_size_t i;

    for (i = 0; i < len; i++)
        h = (h ^ (unsigned char)body[i]) * 1099511628211ULL;
    return apr_psprintf(p, "\"%016" APR_UINT64_T_HEX_FMT "-%" APR_SIZE_T_FMT "\"", h, len);
}

static int reply_cacheable(request_rec *r, const product_answer_t *a)
{
    apr_time_t changed = product_cache_changed();
    int max_age = product_conf(r->server)->max_age, rv;

    apr_table_setn(r->headers_out, "ETag", a->etag);
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
    return shop_reply_json_text(r, HTTP_OK, a->body, a->len);
}

/* An answer read from PostgreSQL (the request's pool owns it), with its ETag. */
static void answer_of(request_rec *r, const PGresult *res, int row, int col, product_answer_t *a)
{
    a->body = PQgetvalue(res, row, col);
    a->len = PQgetlength(res, row, col);
    a->etag = make_etag(r->pool, a->body, a->len);
}

/*
 * Serves a read: from this child's cache when the catalog has not changed,
 * else from sql, prepared as name (one row, one JSON text column; no row or
 * NULL: 404).
 */
static int serve_read(request_rec *r, const char *key, const char *name, const char *sql,
                      int n, const char *const *params, const char *not_found)
{
    apr_uint64_t version = product_cache_version();
    const char *error = NULL;
    product_answer_t a;
    shop_error_t *err;
    PGresult *res;
    PGconn *conn;

    if (product_lru_get(r, version, 1, &key, &a))
        return reply_cacheable(r, &a);
    if (!(conn = shop_pg_connection(r, &err)))
        return shop_reply_failure(r, err);
    if (!(res = shop_pg_exec_named(r->pool, conn, name, sql, n, params, &error)))
        return shop_reply_failure(r, shop_fail_db(r->pool, "read", error));
    if (PQntuples(res) != 1 || PQgetisnull(res, 0, 0))
        return shop_reply_error(r, HTTP_NOT_FOUND, not_found);
    answer_of(r, res, 0, 0, &a);
    product_lru_put(version, key, &a);
    return reply_cacheable(r, &a);
}

/* ---- reads ---------------------------------------------------------------- */

/* GET /products?sort=&category=&search=&limit=&offset=, its defaults applied */
typedef struct {
    const char *sort, *order;           /* name and ORDER BY */
    const char *category, *search;      /* "" when absent (and category=all) */
    long limit, offset;
} list_query_t;

/* The ORDER BY of the sort name, NULL when there is no such sort. */
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

static const char *text_arg(apr_table_t *args, const char *name)
{
    const char *v = apr_table_get(args, name);

    return v ? v : "";
}

/* Reads the query of a list; parameters it does not know are ignored. */
static shop_error_t *list_query_read(request_rec *r, list_query_t *q)
{
    const char *limit, *offset;
    apr_table_t *args;

    if (r->args && strstr(r->args, "%00"))          /* the parsed values would stop there */
        return shop_fail(r->pool, HTTP_BAD_REQUEST, "the query must not hold NUL characters");
    args = shop_query_table(r);
    q->sort = apr_table_get(args, "sort");
    q->sort = q->sort ? q->sort : "newest";
    q->category = text_arg(args, "category");
    q->category = strcmp(q->category, CATEGORY_ALL) ? q->category : "";
    q->search = text_arg(args, "search");
    limit = apr_table_get(args, "limit");
    offset = apr_table_get(args, "offset");
    q->limit = PRODUCT_LIST_DEFAULT;
    q->offset = 0;
    if (!(q->order = sort_order(q->sort)))
        return shop_fail(r->pool, HTTP_BAD_REQUEST, "sort must be asc, desc, oldest or newest");
    if ((limit && !shop_parse_int(limit, 1, PRODUCT_LIST_MAX, &q->limit))
        || (offset && !shop_parse_int(offset, 0, 1000000000L, &q->offset)))
        return shop_fail(r->pool, HTTP_BAD_REQUEST, "limit must be 1 to 100 and offset 0 or more");
    if (strlen(q->search) > SEARCH_MAX)
        return shop_fail(r->pool, HTTP_BAD_REQUEST, "search is limited to 100 characters");
    if (!shop_utf8_valid(q->search, strlen(q->search))
        || !shop_utf8_valid(q->category, strlen(q->category)))
        return shop_fail(r->pool, HTTP_BAD_REQUEST, "search and category must be UTF-8 text");
    return NULL;
}

/*
 * The cache key of a product answer: it holds image URLs made with this host's
 * ShopProductPublicURL, so the base is part of the key (it has no spaces).
 */
static const char *public_key(request_rec *r, const char *key)
{
    const char *base = product_conf(r->server)->public_url;

    return base ? apr_pstrcat(r->pool, base, " ", key, NULL) : key;
}

/* The cache key of a list: its query in one canonical spelling (lengths keep it unambiguous). */
static const char *list_key(request_rec *r, const list_query_t *q)
{
    return public_key(r, apr_psprintf(r->pool, "list?sort=%s&limit=%ld&offset=%ld&category=%"
                                      APR_SIZE_T_FMT ":%s&search=%" APR_SIZE_T_FMT ":%s", q->sort,
                                      q->limit, q->offset, strlen(q->category), q->category,
                                      strlen(q->search), q->search));
}

static const char *product_key(request_rec *r, const char *id)
{
    return public_key(r, apr_pstrcat(r->pool, "product/", id, NULL));
}

/* the filter of a list's queries: $1 the category, $2 the LIKE pattern of the search */
#define LIST_WHERE " where ($1::text is null or category_slug = $1)" \
                   "   and ($2::text is null or lower(name) like lower($2) escape '\\')"

/*
 * The ids of the whole list in its order, 4 bytes each (an answer whose body is
 * binary), from this child's cache at version, else read from PostgreSQL (one
 * index scan) and cached like the answers, within ShopProductCacheSize.
 */
static shop_error_t *list_order(request_rec *r, PGconn *conn, const list_query_t *q,
                                apr_uint64_t version, const char *const *params,
                                product_answer_t *order)
{
    const char *error = NULL;
    const char *key = apr_psprintf(r->pool, "order?sort=%s&category=%" APR_SIZE_T_FMT ":%s"
                                   "&search=%" APR_SIZE_T_FMT ":%s", q->sort,
                                   strlen(q->category), q->category, strlen(q->search), q->search);
    PGresult *res;
    apr_int32_t *ids;
    long id;
    int i, n;

    if (product_lru_get(r, version, 1, &key, order))
        return NULL;
    if (!(res = shop_pg_exec_named(r->pool, conn, apr_pstrcat(r->pool, "shop_product_order_",
                                                              q->sort, NULL),
                                   apr_pstrcat(r->pool, "select id from product" LIST_WHERE
                                               " order by ", q->order, NULL),
                                   2, params, &error)))
        return shop_fail_db(r->pool, "list order", error);
    n = PQntuples(res);
    ids = apr_palloc(r->pool, (n ? n : 1) * sizeof(*ids));
    for (i = 0; i < n; i++) {
        if (!shop_parse_int(PQgetvalue(res, i, 0), 1, ID_MAX, &id))
            return shop_fail_db(r->pool, "list order", "not an id");
        ids[i] = (apr_int32_t)id;
    }
    order->body = (const char *)ids;
    order->len = n * sizeof(*ids);
    order->etag = "";
    product_lru_put(version, key, order);
    return NULL;
}

/*
 * The ids of the page, in order (an array of id strings): the one query a list
 * that is not cached costs. PostgreSQL skips the offset's rows one by one, so a
 * page deeper than ORDER_FROM is cut from the list's whole order instead (read
 * once per catalog version): page 50,000 of 100,000 then costs its 100 ids. So is
 * every page of a search: with a LIMIT, the planner may walk the order's index
 * hoping for matches a rare word does not have (230 ms for limit=5); the whole
 * list is found by the trigram index.
 */
static shop_error_t *list_ids(request_rec *r, PGconn *conn, const list_query_t *q,
                              apr_uint64_t version, apr_array_header_t **ids)
{
    const char *params[4], *error = NULL;
    product_answer_t order;
    shop_error_t *err;
    apr_int32_t id;
    PGresult *res;
    long i, n;

    params[0] = *q->category ? q->category : NULL;
    params[1] = *q->search ? like_pattern(r->pool, q->search) : NULL;
    *ids = apr_array_make(r->pool, q->limit, sizeof(const char *));
    if (version && (q->offset >= ORDER_FROM || *q->search)) {
        if ((err = list_order(r, conn, q, version, params, &order)))
            return err;
        n = order.len / sizeof(id);
        for (i = q->offset; i < n && i < q->offset + q->limit; i++) {
            memcpy(&id, order.body + i * sizeof(id), sizeof(id));   /* the body is unaligned */
            APR_ARRAY_PUSH(*ids, const char *) = apr_itoa(r->pool, id);
        }
        return NULL;
    }
    params[2] = apr_ltoa(r->pool, q->limit);
    params[3] = apr_ltoa(r->pool, q->offset);
    /* one statement per order, prepared once per connection */
    if (!(res = shop_pg_exec_named(r->pool, conn, apr_pstrcat(r->pool, "shop_product_ids_",
                                                              q->sort, NULL),
                                   apr_pstrcat(r->pool, "select id from product" LIST_WHERE
                                               " order by ", q->order,
                                               " limit $3::int offset $4::int", NULL),
                                   4, params, &error)))
        return shop_fail_db(r->pool, "list", error);
    n = PQntuples(res);
    for (i = 0; i < n; i++)
        APR_ARRAY_PUSH(*ids, const char *) = PQgetvalue(res, i, 0);
    return NULL;
}

/*
 * Renders the products of ids that the cache lacks (the answers without a
 * body) in one query and caches each. *complete is 0 when one of them has
 * gone meanwhile (the catalog changed: the list is answered without it).
 */
static shop_error_t *render_missing(request_rec *r, PGconn *conn, apr_uint64_t version,
                                   const apr_array_header_t *ids, product_answer_t *answers,
                                   int *complete)
{
    static const char sql[] =
        "select id, " PUBLIC_PRODUCT_JSON("$2") "::text from product where id = any($1::int[])";
    apr_array_header_t *missing = apr_array_make(r->pool, ids->nelts, sizeof(char *));
    apr_hash_t *rows = apr_hash_make(r->pool);
    const char *params[2], *error = NULL;
    const int *row;
    PGresult *res;
    int i;

    for (i = 0; i < ids->nelts; i++)
        if (!answers[i].body)
            APR_ARRAY_PUSH(missing, const char *) = APR_ARRAY_IDX(ids, i, const char *);
    *complete = 1;
    if (!missing->nelts)
        return NULL;
    params[0] = apr_pstrcat(r->pool, "{", apr_array_pstrcat(r->pool, missing, ','), "}", NULL);
    params[1] = product_conf(r->server)->public_url;
    if (!(res = shop_pg_exec_named(r->pool, conn, "shop_product_render", sql, 2, params, &error)))
        return shop_fail_db(r->pool, "list products", error);
    for (i = 0; i < PQntuples(res); i++) {
        int *n = apr_palloc(r->pool, sizeof(*n));

        *n = i;
        apr_hash_set(rows, PQgetvalue(res, i, 0), APR_HASH_KEY_STRING, n);
    }
    for (i = 0; i < ids->nelts; i++) {
        if (answers[i].body)
            continue;
        if (!(row = apr_hash_get(rows, APR_ARRAY_IDX(ids, i, const char *), APR_HASH_KEY_STRING))) {
            *complete = 0;
            continue;
        }
        answer_of(r, res, *row, 1, &answers[i]);
        product_lru_put(version, product_key(r, APR_ARRAY_IDX(ids, i, const char *)), &answers[i]);
    }
    return NULL;
}

/* [a,b,...] of the answers that have a body */
static void join_answers(request_rec *r, const product_answer_t *answers, int n,
                         product_answer_t *list)
{
    apr_size_t len = 2;
    char *body, *o;
    int i;

    for (i = 0; i < n; i++)
        len += answers[i].body ? answers[i].len + 1 : 0;
    o = body = apr_palloc(r->pool, len + 1);
    *o++ = '[';
    for (i = 0; i < n; i++)
        if (answers[i].body) {
            if (o > body + 1)
                *o++ = ',';
            memcpy(o, answers[i].body, answers[i].len);
            o += answers[i].len;
        }
    *o++ = ']';
    *o = '\0';
    list->body = body;
    list->len = o - body;
    list->etag = make_etag(r->pool, list->body, list->len);
}

/*
 * A list not in the cache: PostgreSQL gives the ids of the page, and the list
 * is joined from the products' JSON, cached per product (the answers of GET
 * /products/:id); only those not cached yet are rendered by PostgreSQL.
 */
static shop_error_t *list_build(request_rec *r, const list_query_t *q, apr_uint64_t version,
                                product_answer_t *list, int *complete)
{
    apr_array_header_t *ids = NULL;
    product_answer_t *answers;
    const char **keys;
    shop_error_t *err;
    PGconn *conn;
    int i, n;

    if (!(conn = shop_pg_connection(r, &err)) || (err = list_ids(r, conn, q, version, &ids)))
        return err;
    n = ids->nelts;
    keys = apr_palloc(r->pool, (n + 1) * sizeof(*keys));
    answers = apr_palloc(r->pool, (n + 1) * sizeof(*answers));
    for (i = 0; i < n; i++)
        keys[i] = product_key(r, APR_ARRAY_IDX(ids, i, const char *));
    if (product_lru_get(r, version, n, keys, answers) < n
        && (err = render_missing(r, conn, version, ids, answers, complete)))
        return err;
    join_answers(r, answers, n, list);
    return NULL;
}

int product_list(request_rec *r, const char *id)
{
    apr_uint64_t version = product_cache_version();
    product_answer_t list;
    list_query_t q;
    shop_error_t *err;
    const char *key;
    int complete = 1;

    if ((err = list_query_read(r, &q)))
        return shop_reply_failure(r, err);
    key = list_key(r, &q);
    if (product_lru_get(r, version, 1, &key, &list))
        return reply_cacheable(r, &list);
    if ((err = list_build(r, &q, version, &list, &complete)))
        return shop_reply_failure(r, err);
    if (complete)
        product_lru_put(version, key, &list);
    return reply_cacheable(r, &list);
}

static int valid_id(const char *id)
{
    long v;

    return shop_parse_int(id, 1, ID_MAX, &v);
}

/* id in its one spelling (007 is 7), or NULL when it is not an id */
static const char *canonical_id(apr_pool_t *p, const char *id)
{
    long v;

    return shop_parse_int(id, 1, ID_MAX, &v) ? apr_ltoa(p, v) : NULL;
}

int product_get(request_rec *r, const char *id)
{
    static const char sql[] =
        "select " PUBLIC_PRODUCT_JSON("$2") "::text from product where id = $1::int";
    const char *params[2];

    if (!(params[0] = canonical_id(r->pool, id)))
        return shop_reply_error(r, HTTP_NOT_FOUND, "no such product");
    params[1] = product_conf(r->server)->public_url;
    return serve_read(r, product_key(r, params[0]), "shop_product_get", sql, 2, params,
                      "no such product");
}

int category_list(request_rec *r, const char *id)
{
    static const char sql[] =
        "select coalesce(json_agg(" CATEGORY_JSON " order by name, id), '[]')::text from category";

    return serve_read(r, "categories", "shop_category_list", sql, 0, NULL, "no categories");
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

/*
 * The event of json (if any), the new catalog version, COMMIT; then the answer
 * with status.
 */
static int write_finish(request_rec *r, PGconn *conn, const char *json, const char *type,
                        int status, const char *answer)
{
    static const char version_sql[] =
        "select version, (extract(epoch from changed_at) * 1000000)::bigint from catalog_version";
    shop_write_event_t event = { NULL };
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
    return shop_reply_json_text(r, status, answer, strlen(answer));
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
        " returning " PRODUCT_JSON "::text, " PUBLIC_PRODUCT_JSON("$9") "::text";
    const char *params[9];
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
    params[8] = product_conf(r->server)->public_url;
    product_write(&write, "create product", sql, 9, params);
    if (!(res = shop_write_begin(r, conn, &write, &err)))
        return shop_reply_failure(r, err);
    return write_finish(r, conn, PQgetvalue(res, 0, 0), "product.created", HTTP_CREATED,
                        PQgetvalue(res, 0, 1));
}

int product_put(request_rec *r, const char *id)
{
    static const char lock_sql[] =
        "select " PRODUCT_JSON "::text from product where id = $1::int for update";
    static const char sql[] =
        "update product set name = $1, short_description = $2, description = $3,"
        " price_minor = $4::int, sizes = $5::text[], colors = $6::text[], images = $7::jsonb,"
        " category_slug = $8, updated_at = now() where id = $9::int"
        " returning " PRODUCT_JSON "::text, " PUBLIC_PRODUCT_JSON("$10") "::text";
    const char *params[10];
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
    params[9] = product_conf(r->server)->public_url;
    product_write(&write, "update product", sql, 10, params);
    if (!(res = shop_write_run(r, conn, &write, &err)))
        return shop_reply_failure(r, err);
    return write_finish(r, conn, PQgetvalue(res, 0, 0), "product.updated", HTTP_OK,
                        PQgetvalue(res, 0, 1));
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
    return write_finish(r, conn, PQgetvalue(res, 0, 0), "product.deleted", HTTP_NO_CONTENT, NULL);
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
    if (!strcmp(name, "slug") && !strcmp(v, CATEGORY_ALL)) {
        cJSON_AddStringToObject(errors, name, "'all' is reserved: category=all lists every product");
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
    return write_finish(r, conn, json, NULL, creating ? HTTP_CREATED : HTTP_OK, json);
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
    return write_finish(r, conn, json, NULL, HTTP_NO_CONTENT, NULL);
}
