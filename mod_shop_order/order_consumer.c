/*
 * order_consumer.c: the order worker: consumes payment-events in mod_shop_kafka's
 * worker process (group "shop-order", when ShopOrderWorker is On) and keeps
 * the orders in MongoDB, then tells order-events.
 *
 *   payment.succeeded  an order with status "paid"     -> order.created:<order id>
 *   payment.failed     an order with status "failed"   -> order.created:<order id>
 *   payment.refunded   refundedAmount = max(current, refundedTotal); status
 *                      "refunded" once all is refunded, else "partially_refunded"
 *                      -> order.updated:<order id>:refund:<refund id>
 * Other payment types are not the orders' business and are passed over.
 *
 * Idempotent: the unique checkoutSessionId index turns a redelivered payment
 * into a read of the order it made, and every event id is derived from what it
 * describes, so a redo publishes the same event again. The event is published
 * after the order is stored and acknowledged by the brokers before the offset
 * is committed: MongoDB or Kafka down is a RETRY, a malformed event a REJECT
 * (payment-events.dlq).
 *
 * The worker is a process of its own (forked by mod_shop_kafka), where no
 * child_init runs: its MongoDB client pool is made by the consumer's thread on
 * the first message and belongs to the consumer's pool (the parent of the
 * per-attempt pool), destroyed when the worker stops.
 */
#include "order.h"
#include "order_mongo.h"

#include "http_log.h"
#include "apr_strings.h"
#include "mod_shop.h"
#include "shop_http.h"
#include "shop_log.h"

APLOG_USE_MODULE(shop_order);

#define GROUP "shop-order"
#define TOPIC "payment-events"
#define PUBLISH_WAIT_MS 10000
#define TEXT_MAX 1000

typedef struct {
    server_rec *s;
    const char *uri;
    mongoc_client_pool_t *clients;  /* the worker's, made on the first message */
    int indexed;
} consumer_t;

typedef struct {
    apr_pool_t *p;
    const char **error;
} check_t;

/* ---- reading the event ------------------------------------------------------ */

static int invalid(check_t *ck, const char *why)
{
    *ck->error = why;
    return 0;
}

/* a string field of at most TEXT_MAX bytes, or NULL */
static const char *text(const cJSON *obj, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);

    return cJSON_IsString(v) && strlen(v->valuestring) <= TEXT_MAX ? v->valuestring : NULL;
}

/* appends name as text, or null when absent or null; 0 when it is something else */
static int append_optional(bson_t *doc, const cJSON *obj, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);

    if (!v || cJSON_IsNull(v))
        return BSON_APPEND_NULL(doc, name);
    return text(obj, name) && BSON_APPEND_UTF8(doc, name, v->valuestring);
}

static int append_money(bson_t *doc, const cJSON *obj, const char *name)
{
    apr_int64_t minor;

    return order_minor(cJSON_GetObjectItemCaseSensitive(obj, name), &minor)
           && BSON_APPEND_INT64(doc, name, minor);
}

static int append_item(check_t *ck, bson_t *items, int i, const cJSON *item)
{
    const cJSON *product = cJSON_GetObjectItemCaseSensitive(item, "productId");
    const cJSON *quantity = cJSON_GetObjectItemCaseSensitive(item, "quantity");
    bson_t doc;
    int ok;

    if (!cJSON_IsObject(item) || !text(item, "name") || !cJSON_IsNumber(quantity)
        || quantity->valuedouble < 1 || quantity->valuedouble > 1000000
        || quantity->valuedouble != (double)quantity->valueint
        || !(cJSON_IsString(product) || cJSON_IsNumber(product)))
        return invalid(ck, apr_psprintf(ck->p, "items[%d] needs productId, name and a "
                                        "whole quantity of 1 or more", i));
    BSON_APPEND_DOCUMENT_BEGIN(items, apr_itoa(ck->p, i), &doc);
    ok = (cJSON_IsString(product) ? BSON_APPEND_UTF8(&doc, "productId", product->valuestring)
                                  : BSON_APPEND_INT64(&doc, "productId", (int64_t)product->valuedouble))
         && BSON_APPEND_UTF8(&doc, "name", text(item, "name"))
         && append_money(&doc, item, "price")
         && BSON_APPEND_INT32(&doc, "quantity", quantity->valueint)
         && append_optional(&doc, item, "size") && append_optional(&doc, item, "color");
    bson_append_document_end(items, &doc);
    return ok || invalid(ck, apr_psprintf(ck->p, "items[%d]: price must be an amount, size "
                                          "and color text", i));
}

static int append_items(check_t *ck, bson_t *doc, const cJSON *data)
{
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(data, "items"), *item;
    bson_t items;
    int i = 0, ok = 1;

    if (!cJSON_IsArray(list) || !cJSON_GetArraySize(list))
        return invalid(ck, "items must be a non-empty array");
    BSON_APPEND_ARRAY_BEGIN(doc, "items", &items);
    cJSON_ArrayForEach(item, list)
        if (ok)
            ok = append_item(ck, &items, i++, item);
    bson_append_array_end(doc, &items);
    return ok;
}

static int append_shipping(check_t *ck, bson_t *doc, const cJSON *data)
{
    static const char *const fields[] = { "name", "email", "phone", "address", "city" };
    const cJSON *shipping = cJSON_GetObjectItemCaseSensitive(data, "shipping");
    bson_t sub;
    size_t i;
    int ok = 1;

    if (!shipping || cJSON_IsNull(shipping))
        return BSON_APPEND_NULL(doc, "shipping");
    if (!cJSON_IsObject(shipping))
        return invalid(ck, "shipping must be an object");
    BSON_APPEND_DOCUMENT_BEGIN(doc, "shipping", &sub);
    for (i = 0; ok && i < sizeof(fields) / sizeof(fields[0]); i++)
        ok = append_optional(&sub, shipping, fields[i]);
    bson_append_document_end(doc, &sub);
    return ok || invalid(ck, "shipping's fields must be text");
}

/* The order a payment.succeeded/failed event describes, or NULL and why. */
static bson_t *order_from_payment(check_t *ck, const cJSON *data, const char *status)
{
    bson_t *doc = order_bson_own(ck->p, bson_new());
    int64_t now = apr_time_as_msec(apr_time_now());
    bson_oid_t oid;

    if (!text(data, "checkoutSessionId") || !*text(data, "checkoutSessionId")
        || !text(data, "userId") || !text(data, "email") || !text(data, "currency")) {
        invalid(ck, "checkoutSessionId, userId, email and currency must be text");
        return NULL;
    }
    bson_oid_init(&oid, NULL);
    BSON_APPEND_OID(doc, "_id", &oid);
    BSON_APPEND_UTF8(doc, "userId", text(data, "userId"));
    BSON_APPEND_UTF8(doc, "email", text(data, "email"));
    if (!append_items(ck, doc, data))
        return NULL;
    if (!append_money(doc, data, "amount")) {
        invalid(ck, "amount must be an amount of money");
        return NULL;
    }
    BSON_APPEND_UTF8(doc, "currency", text(data, "currency"));
    BSON_APPEND_UTF8(doc, "status", status);
    BSON_APPEND_UTF8(doc, "checkoutSessionId", text(data, "checkoutSessionId"));
    if (!append_optional(doc, data, "paymentIntentId") || !append_shipping(ck, doc, data)) {
        *ck->error = *ck->error ? *ck->error : "paymentIntentId must be text";
        return NULL;
    }
    BSON_APPEND_INT64(doc, "refundedAmount", 0);
    if (text(data, "reason"))
        BSON_APPEND_UTF8(doc, "failureReason", text(data, "reason"));
    BSON_APPEND_UTF8(doc, "month", order_month(ck->p, apr_time_now()));
    BSON_APPEND_DATE_TIME(doc, "createdAt", now);
    BSON_APPEND_DATE_TIME(doc, "updatedAt", now);
    return doc;
}

/* ---- the effects ----------------------------------------------------------------- */

static shop_consume_t publish(const shop_message_t *m, apr_pool_t *p, const char *type,
                              const char *id, const bson_t *order, const char **error)
{
    APR_OPTIONAL_FN_TYPE(shop_kafka_publish) *send = APR_RETRIEVE_OPTIONAL_FN(shop_kafka_publish);
    const char *event = order_event(p, id, type, order);

    if (!send || !event) {
        *error = !send ? "mod_shop_kafka is not loaded" : "out of memory";
        return SHOP_CONSUME_RETRY;
    }
    return send(p, ORDER_TOPIC, order_id(p, order), event, m->traceparent, PUBLISH_WAIT_MS,
                error) == APR_SUCCESS ? SHOP_CONSUME_DONE : SHOP_CONSUME_RETRY;
}

static shop_consume_t paid_or_failed(const shop_message_t *m, mongoc_client_t *c,
                                     const cJSON *data, const char *status, apr_pool_t *p,
                                     const char **error)
{
    check_t ck = { p, error };
    bson_t *doc = order_from_payment(&ck, data, status);
    const bson_t *stored;
    int created;

    if (!doc)
        return SHOP_CONSUME_REJECT;
    if ((*error = order_store_create(p, c, doc, &stored, &created)))
        return SHOP_CONSUME_RETRY;
    if (!stored) {
        *error = "the order of this checkout session vanished; trying again";
        return SHOP_CONSUME_RETRY;
    }
    return publish(m, p, "order.created",
                   apr_pstrcat(p, "order.created:", order_id(p, stored), NULL), stored, error);
}

static shop_consume_t refunded(const shop_message_t *m, mongoc_client_t *c, const cJSON *data,
                               apr_pool_t *p, const char **error)
{
    const char *session = text(data, "checkoutSessionId"), *refund = text(data, "refundId");
    apr_int64_t total, amount, now;
    const bson_t *order, *updated;
    bson_t *filter, *update;
    bson_oid_t oid;

    if (!session || !refund || !order_minor(cJSON_GetObjectItemCaseSensitive(data, "refundedTotal"),
                                            &total)) {
        *error = "payment.refunded needs checkoutSessionId, refundId and refundedTotal";
        return SHOP_CONSUME_REJECT;
    }
    filter = order_bson_own(p, BCON_NEW("checkoutSessionId", BCON_UTF8(session)));
    if ((*error = order_store_find(p, c, filter, &order)))
        return SHOP_CONSUME_RETRY;
    if (!order) {
        *error = apr_psprintf(p, "no order for checkout session %s", session);
        return SHOP_CONSUME_REJECT;
    }
    total = total > order_int(order, "refundedAmount") ? total : order_int(order, "refundedAmount");
    amount = order_int(order, "amount");
    now = apr_time_as_msec(apr_time_now());
    bson_oid_init_from_string(&oid, order_id(p, order));
    update = order_bson_own(p, BCON_NEW("$set", "{",
        "refundedAmount", BCON_INT64(total),
        "status", BCON_UTF8(total >= amount ? "refunded" : "partially_refunded"),
        "updatedAt", BCON_DATE_TIME(now), "}"));
    filter = order_bson_own(p, BCON_NEW("_id", BCON_OID(&oid)));
    if ((*error = order_store_update(p, c, filter, update, &updated)) || !updated) {
        *error = *error ? *error : "the order vanished while it was refunded";
        return SHOP_CONSUME_RETRY;
    }
    return publish(m, p, "order.updated", apr_pstrcat(p, "order.updated:", order_id(p, updated),
                                                      ":refund:", refund, NULL), updated, error);
}

/* ---- the handler ----------------------------------------------------------------- */

static mongoc_client_t *client(consumer_t *cs, apr_pool_t *p, const char **error)
{
    mongoc_client_t *c;

    if (!cs->clients
        && order_mongo_start(apr_pool_parent_get(p), cs->s, cs->uri, &cs->clients) != APR_SUCCESS) {
        *error = "cannot create the worker's MongoDB client pool (see the error log)";
        return NULL;
    }
    c = order_mongo_client(p, cs->clients);
    if (!cs->indexed && (*error = order_store_indexes(p, c)))
        return NULL;
    cs->indexed = 1;
    return c;
}

static shop_consume_t consume(const shop_message_t *m, void *baton, apr_pool_t *p,
                              const char **error)
{
    consumer_t *cs = baton;
    cJSON *event = shop_json_own(p, cJSON_ParseWithLength(m->value, m->len));
    const cJSON *data = cJSON_GetObjectItemCaseSensitive(event, "data");
    const char *type = text(event, "type");
    mongoc_client_t *c;

    if (!cJSON_IsObject(data) || !type) {
        *error = "not a CloudEvent with a type and a data object";
        return SHOP_CONSUME_REJECT;
    }
    if (strcmp(type, "payment.succeeded") && strcmp(type, "payment.failed")
        && strcmp(type, "payment.refunded"))
        return SHOP_CONSUME_DONE;
    if (!(c = client(cs, p, error)))
        return SHOP_CONSUME_RETRY;
    if (!strcmp(type, "payment.refunded"))
        return refunded(m, c, data, p, error);
    return paid_or_failed(m, c, data, strcmp(type, "payment.failed") ? "paid" : "failed", p, error);
}

void order_consumer_register(apr_pool_t *pconf, server_rec *s, const order_conf_t *conf)
{
    APR_OPTIONAL_FN_TYPE(shop_kafka_consumer) *reg = APR_RETRIEVE_OPTIONAL_FN(shop_kafka_consumer);
    consumer_t *cs = apr_pcalloc(pconf, sizeof(*cs));

    cs->s = s;
    cs->uri = conf->mongo_uri;
    reg(pconf, "order", GROUP, TOPIC, consume, cs);
}
