/*
 * order_store.c: the orders collection in MongoDB (DESIGN §3) and the REST
 * form of an order. No httpd types beyond pools: the routes (per child) and
 * the consumer (in the worker) call it with a client of their own pool.
 *
 * A document: {_id (ObjectId), userId, email, items:[{productId, name, price,
 * quantity, size, color}], amount, currency, status, checkoutSessionId (unique),
 * paymentIntentId, shipping, refundedAmount, month ("YYYY-MM" of createdAt,
 * for the chart), createdAt, updatedAt}; price, amount and refundedAmount in
 * integer minor units.
 */
#include "order.h"

#include "apr_strings.h"
#include "apr_time.h"
#include "shop_event.h"
#include "shop_http.h"
#include "shop_metrics.h"
#include <math.h>

#define COLLECTION "orders"
#define DUPLICATE_KEY 11000
#define MONEY_MAX 1e10
/* FerretDB 1.x reads and sorts every document for a query it cannot push down (all but
 * _id equality on SQLite): at ~100,000 orders such a query outlives the socket timeout
 * (order_mongo.c), the driver retries it once and FerretDB keeps working on both. Reads
 * ask the server to give up first, so it stops and the caller answers 503 sooner. */
#define QUERY_MAX_MS 5000

static apr_status_t doc_free(void *doc)
{
    bson_destroy(doc);
    return APR_SUCCESS;
}

bson_t *order_bson_own(apr_pool_t *p, bson_t *doc)
{
    apr_pool_cleanup_register(p, doc, doc_free, apr_pool_cleanup_null);
    return doc;
}

static apr_status_t collection_free(void *coll)
{
    mongoc_collection_destroy(coll);
    return APR_SUCCESS;
}

/* The orders collection of the URI's database ("shop" when it names none), owned by p. */
static mongoc_collection_t *orders(apr_pool_t *p, mongoc_client_t *c)
{
    const char *db = mongoc_uri_get_database(mongoc_client_get_uri(c));
    mongoc_collection_t *coll = mongoc_client_get_collection(c, db ? db : "shop", COLLECTION);

    apr_pool_cleanup_register(p, coll, collection_free, apr_pool_cleanup_null);
    return coll;
}

static const char *failure(apr_pool_t *p, const bson_error_t *error)
{
    shop_count(SHOP_COUNT_MONGO_ERRORS, 1);
    return apr_psprintf(p, "MongoDB: %s", error->message);
}

/* ---- writing and reading ---------------------------------------------------- */

/* One index per createIndexes command: FerretDB 1.24 drops the connection on several. */
static const char *const index_specs[] = {
    "{\"key\": {\"checkoutSessionId\": 1}, \"name\": \"checkoutSessionId_unique\", \"unique\": true}",
    "{\"key\": {\"userId\": 1, \"createdAt\": -1}, \"name\": \"userId_createdAt\"}",
    "{\"key\": {\"month\": 1}, \"name\": \"month\"}",
};

const char *order_store_indexes(apr_pool_t *p, mongoc_client_t *c)
{
    mongoc_collection_t *coll = orders(p, c);
    bson_error_t error;
    bson_t *spec, *cmd;
    size_t i;

    for (i = 0; i < sizeof(index_specs) / sizeof(index_specs[0]); i++) {
        if (!(spec = bson_new_from_json((const uint8_t *)index_specs[i], -1, &error)))
            return failure(p, &error);
        order_bson_own(p, spec);
        cmd = order_bson_own(p, BCON_NEW("createIndexes", BCON_UTF8(COLLECTION),
                                         "indexes", "[", BCON_DOCUMENT(spec), "]"));
        if (!mongoc_collection_write_command_with_opts(coll, cmd, NULL, NULL, &error))
            return failure(p, &error);
    }
    return NULL;
}

const char *order_store_find(apr_pool_t *p, mongoc_client_t *c, const bson_t *filter,
                             const bson_t **doc)
{
    bson_t *opts = order_bson_own(p, BCON_NEW("limit", BCON_INT64(1),
                                              "maxTimeMS", BCON_INT64(QUERY_MAX_MS)));
    mongoc_cursor_t *cursor = mongoc_collection_find_with_opts(orders(p, c), filter, opts, NULL);
    const bson_t *found;
    bson_error_t error;
    const char *rv = NULL;

    *doc = NULL;
    if (mongoc_cursor_next(cursor, &found))
        *doc = order_bson_own(p, bson_copy(found));
    else if (mongoc_cursor_error(cursor, &error))
        rv = failure(p, &error);
    mongoc_cursor_destroy(cursor);
    return rv;
}

const char *order_store_create(apr_pool_t *p, mongoc_client_t *c, const bson_t *doc,
                               const bson_t **stored, int *created)
{
    bson_error_t error;
    bson_iter_t it;
    bson_t *filter;

    *created = mongoc_collection_insert_one(orders(p, c), doc, NULL, NULL, &error);
    if (*created) {
        *stored = doc;
        return NULL;
    }
    if (error.code != DUPLICATE_KEY || !bson_iter_init_find(&it, doc, "checkoutSessionId"))
        return failure(p, &error);
    filter = order_bson_own(p, BCON_NEW("checkoutSessionId",
                                        BCON_UTF8(bson_iter_utf8(&it, NULL))));
    return order_store_find(p, c, filter, stored);
}

const char *order_store_list(apr_pool_t *p, mongoc_client_t *c, const bson_t *filter,
                             long limit, long offset, cJSON *list)
{
    bson_t *opts = order_bson_own(p, BCON_NEW("sort", "{", "createdAt", BCON_INT32(-1),
                                              "_id", BCON_INT32(-1), "}",
                                              "limit", BCON_INT64(limit),
                                              "skip", BCON_INT64(offset),
                                              "maxTimeMS", BCON_INT64(QUERY_MAX_MS)));
    mongoc_cursor_t *cursor = mongoc_collection_find_with_opts(orders(p, c), filter, opts, NULL);
    const bson_t *doc;
    bson_error_t error;
    const char *rv = NULL;

    while (mongoc_cursor_next(cursor, &doc))
        cJSON_AddItemReferenceToArray(list, order_json(p, doc));
    if (mongoc_cursor_error(cursor, &error))
        rv = failure(p, &error);
    mongoc_cursor_destroy(cursor);
    return rv;
}

const char *order_store_update(apr_pool_t *p, mongoc_client_t *c, const bson_t *filter,
                               const bson_t *update, const bson_t **doc)
{
    mongoc_find_and_modify_opts_t *opts = mongoc_find_and_modify_opts_new();
    bson_t reply;
    bson_error_t error;
    bson_iter_t it;
    const uint8_t *data;
    uint32_t len;
    bool ok;

    mongoc_find_and_modify_opts_set_update(opts, update);
    mongoc_find_and_modify_opts_set_flags(opts, MONGOC_FIND_AND_MODIFY_RETURN_NEW);
    ok = mongoc_collection_find_and_modify_with_opts(orders(p, c), filter, opts, &reply, &error);
    mongoc_find_and_modify_opts_destroy(opts);
    *doc = NULL;
    if (ok && bson_iter_init_find(&it, &reply, "value") && BSON_ITER_HOLDS_DOCUMENT(&it)) {
        bson_iter_document(&it, &len, &data);
        *doc = order_bson_own(p, bson_new_from_data(data, len));
    }
    bson_destroy(&reply);                   /* always initialized */
    return ok ? NULL : failure(p, &error);
}

const char *order_store_month_counts(apr_pool_t *p, mongoc_client_t *c,
                                     const char *const *months, int n, int successful,
                                     long *counts)
{
    bson_t *pipeline = order_bson_own(p, bson_new()), stage, match, in, list, group, sum;
    mongoc_cursor_t *cursor;
    const bson_t *doc;
    bson_error_t error;
    const char *rv = NULL;
    int i;

    BSON_APPEND_DOCUMENT_BEGIN(pipeline, "0", &stage);
    BSON_APPEND_DOCUMENT_BEGIN(&stage, "$match", &match);
    BSON_APPEND_DOCUMENT_BEGIN(&match, "month", &in);
    BSON_APPEND_ARRAY_BEGIN(&in, "$in", &list);
    for (i = 0; i < n; i++) {
        counts[i] = 0;
        BSON_APPEND_UTF8(&list, apr_itoa(p, i), months[i]);
    }
    bson_append_array_end(&in, &list);
    bson_append_document_end(&match, &in);
    if (successful)
        BCON_APPEND(&match, "status", "{", "$ne", BCON_UTF8("failed"), "}");
    bson_append_document_end(&stage, &match);
    bson_append_document_end(pipeline, &stage);
    BSON_APPEND_DOCUMENT_BEGIN(pipeline, "1", &stage);
    BSON_APPEND_DOCUMENT_BEGIN(&stage, "$group", &group);
    BSON_APPEND_UTF8(&group, "_id", "$month");
    BSON_APPEND_DOCUMENT_BEGIN(&group, "n", &sum);
    BSON_APPEND_INT32(&sum, "$sum", 1);
    bson_append_document_end(&group, &sum);
    bson_append_document_end(&stage, &group);
    bson_append_document_end(pipeline, &stage);

    cursor = mongoc_collection_aggregate(orders(p, c), MONGOC_QUERY_NONE, pipeline,
        order_bson_own(p, BCON_NEW("maxTimeMS", BCON_INT64(QUERY_MAX_MS))), NULL);
    while (mongoc_cursor_next(cursor, &doc)) {
        const char *month = order_string(p, doc, "_id");
        bson_iter_t it;

        for (i = 0; month && i < n; i++)
            if (!strcmp(months[i], month) && bson_iter_init_find(&it, doc, "n"))
                counts[i] = (long)bson_iter_as_int64(&it);
    }
    if (mongoc_cursor_error(cursor, &error))
        rv = failure(p, &error);
    mongoc_cursor_destroy(cursor);
    return rv;
}

/* ---- fields ------------------------------------------------------------------ */

const char *order_string(apr_pool_t *p, const bson_t *doc, const char *name)
{
    bson_iter_t it;

    if (!bson_iter_init_find(&it, doc, name) || !BSON_ITER_HOLDS_UTF8(&it))
        return NULL;
    return apr_pstrdup(p, bson_iter_utf8(&it, NULL));
}

apr_int64_t order_int(const bson_t *doc, const char *name)
{
    bson_iter_t it;

    return bson_iter_init_find(&it, doc, name) ? bson_iter_as_int64(&it) : 0;
}

const char *order_id(apr_pool_t *p, const bson_t *doc)
{
    bson_iter_t it;
    char hex[25];

    if (!bson_iter_init_find(&it, doc, "_id") || !BSON_ITER_HOLDS_OID(&it))
        return "";
    bson_oid_to_string(bson_iter_oid(&it), hex);
    return apr_pstrdup(p, hex);
}

const char *order_month(apr_pool_t *p, apr_time_t t)
{
    apr_time_exp_t tm;

    apr_time_exp_gmt(&tm, t);
    return apr_psprintf(p, "%04d-%02d", tm.tm_year + 1900, tm.tm_mon + 1);
}

int order_minor(const cJSON *amount, apr_int64_t *minor)
{
    double cents;

    if (!cJSON_IsNumber(amount) || !isfinite(amount->valuedouble) || amount->valuedouble < 0
        || amount->valuedouble > MONEY_MAX)
        return 0;
    cents = amount->valuedouble * 100;
    if (fabs(cents - round(cents)) > 1e-6)
        return 0;
    *minor = (apr_int64_t)llround(cents);
    return 1;
}

/* ---- the REST form -------------------------------------------------------------- */

static cJSON *money(apr_int64_t minor)
{
    return cJSON_CreateNumber((double)minor / 100.0);
}

static cJSON *date_json(apr_pool_t *p, int64_t ms)
{
    apr_time_exp_t tm;

    apr_time_exp_gmt(&tm, apr_time_from_msec(ms));
    return cJSON_CreateString(apr_psprintf(p, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
                                           tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                                           tm.tm_hour, tm.tm_min, tm.tm_sec,
                                           (int)(ms % 1000)));
}

/* A plain value: text, number, boolean, or null for anything else. */
static cJSON *value_json(const bson_iter_t *it)
{
    switch (bson_iter_type(it)) {
    case BSON_TYPE_UTF8:
        return cJSON_CreateString(bson_iter_utf8(it, NULL));
    case BSON_TYPE_INT32:
    case BSON_TYPE_INT64:
        return cJSON_CreateNumber((double)bson_iter_as_int64(it));
    case BSON_TYPE_DOUBLE:
        return cJSON_CreateNumber(bson_iter_double(it));
    case BSON_TYPE_BOOL:
        return cJSON_CreateBool(bson_iter_bool(it));
    default:
        return cJSON_CreateNull();
    }
}

static int is_money(const char *key)
{
    return !strcmp(key, "price") || !strcmp(key, "amount") || !strcmp(key, "refundedAmount");
}

/* A document's fields: money as major units, dates as text, nested documents as objects. */
static cJSON *document_json(apr_pool_t *p, bson_iter_t *it, int array)
{
    cJSON *out = array ? cJSON_CreateArray() : cJSON_CreateObject();
    bson_iter_t child;
    cJSON *value;

    while (bson_iter_next(it)) {
        const char *key = bson_iter_key(it);

        if (!strcmp(key, "month"))
            continue;
        if (!strcmp(key, "_id") && BSON_ITER_HOLDS_OID(it)) {
            char hex[25];
            bson_oid_to_string(bson_iter_oid(it), hex);
            cJSON_AddStringToObject(out, "id", hex);
            continue;
        }
        if ((BSON_ITER_HOLDS_DOCUMENT(it) || BSON_ITER_HOLDS_ARRAY(it)) && bson_iter_recurse(it, &child))
            value = document_json(p, &child, BSON_ITER_HOLDS_ARRAY(it));
        else if (BSON_ITER_HOLDS_DATE_TIME(it))
            value = date_json(p, bson_iter_date_time(it));
        else if (is_money(key) && BSON_ITER_HOLDS_NUMBER(it))
            value = money(bson_iter_as_int64(it));
        else
            value = value_json(it);
        if (array)
            cJSON_AddItemToArray(out, value);
        else
            cJSON_AddItemToObject(out, key, value);
    }
    return out;
}

static cJSON *order_json_new(apr_pool_t *p, const bson_t *doc)
{
    bson_iter_t it;
    cJSON *json;

    if (!bson_iter_init(&it, doc))
        return cJSON_CreateObject();
    json = document_json(p, &it, 0);
    if (!cJSON_HasObjectItem(json, "refundedAmount"))
        cJSON_AddItemToObject(json, "refundedAmount", money(0));
    return json;
}

cJSON *order_json(apr_pool_t *p, const bson_t *doc)
{
    return shop_json_own(p, order_json_new(p, doc));
}

const char *order_event(apr_pool_t *p, const char *id, const char *type, const bson_t *doc)
{
    cJSON *event = shop_event_new(id, ORDER_SOURCE, type, order_json_new(p, doc));
    char *text = cJSON_PrintUnformatted(event);
    const char *copy = text ? apr_pstrdup(p, text) : NULL;

    cJSON_Delete(event);
    cJSON_free(text);
    return copy;
}
