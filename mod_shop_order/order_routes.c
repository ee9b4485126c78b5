/*
 * order_routes.c: the order REST routes (DESIGN §4) over this child's MongoDB
 * client pool. conf/order.conf asks for a signed-in user on every route and
 * for an admin on the list, the changes and the chart; the routes check the
 * role again (SHOP_ENV_ROLE) where the answer depends on it.
 *
 * PATCH /orders/:id moves an order along its lifecycle
 *   paid -> shipped -> delivered; paid -> cancelled;
 *   paid | partially_refunded | shipped | delivered -> refunded
 * and queues order.updated ("order.updated:<id>:<status>") in the PostgreSQL
 * outbox after MongoDB took the change. Asking again for the status the order
 * has is a success that queues the same event again (its consumers drop the
 * copy by id), so a PATCH answered 503 after MongoDB changed is safely repeated.
 */
#include "order.h"
#include "order_mongo.h"

#include "http_protocol.h"
#include "apr_strings.h"
#include "mod_shop.h"
#include "shop_body.h"
#include "shop_error.h"
#include "shop_http.h"
#include "shop_outbox.h"
#include "shop_pg.h"

#define BODY_MAX 16384
#define LIST_DEFAULT 20
#define LIST_MAX 100
#define OFFSET_MAX 1000000

static const char *const statuses[] = {
    "paid", "shipped", "delivered", "cancelled", "refunded", "partially_refunded", "failed", NULL
};

static const struct {
    const char *from, *to;
} lifecycle[] = {
    { "paid", "shipped" }, { "shipped", "delivered" }, { "paid", "cancelled" },
    { "paid", "refunded" }, { "partially_refunded", "refunded" }, { "shipped", "refunded" },
    { "delivered", "refunded" }, { NULL, NULL }
};

static int is_status(const char *s)
{
    int i;

    for (i = 0; s && statuses[i]; i++)
        if (!strcmp(statuses[i], s))
            return 1;
    return 0;
}

static int may_move(const char *from, const char *to)
{
    int i;

    for (i = 0; lifecycle[i].from; i++)
        if (!strcmp(lifecycle[i].from, from) && !strcmp(lifecycle[i].to, to))
            return 1;
    return 0;
}

/* what PATCH may ask for: the lifecycle's targets */
static int is_target(const char *s)
{
    int i;

    for (i = 0; lifecycle[i].from; i++)
        if (!strcmp(lifecycle[i].to, s))
            return 1;
    return 0;
}

static int is_admin(request_rec *r)
{
    const char *role = apr_table_get(r->subprocess_env, SHOP_ENV_ROLE);

    return role && !strcmp(role, "admin");
}

static shop_error_t *mongo_down(request_rec *r, const char *what, const char *cause)
{
    return shop_fail_unavailable(r->pool, "the orders are unavailable (MongoDB)", what, cause);
}

static mongoc_client_t *client(request_rec *r, shop_error_t **err)
{
    mongoc_client_pool_t *clients = *order_mongo_child();

    if (!clients) {
        *err = mongo_down(r, "orders", "this child has no MongoDB client pool");
        return NULL;
    }
    return order_mongo_client(r->pool, clients);
}

/* The order id, if the caller may see it (its owner or an admin); else NULL and 404 or 503. */
static const bson_t *visible_order(request_rec *r, mongoc_client_t *c, const char *id,
                                   shop_error_t **err)
{
    const bson_t *order = NULL;
    const char *cause, *owner;
    bson_oid_t oid;

    if (strlen(id) == 24 && bson_oid_is_valid(id, 24)) {
        bson_oid_init_from_string(&oid, id);
        if ((cause = order_store_find(r->pool, c, order_bson_own(r->pool, BCON_NEW("_id", BCON_OID(&oid))),
                                      &order))) {
            *err = mongo_down(r, "read order", cause);
            return NULL;
        }
    }
    owner = order ? order_string(r->pool, order, "userId") : NULL;
    if (!order || (!is_admin(r) && (!r->user || !owner || strcmp(owner, r->user)))) {
        *err = shop_fail(r->pool, HTTP_NOT_FOUND, "no such order");
        return NULL;
    }
    return order;
}

static int reply_order(request_rec *r, const bson_t *order)
{
    return shop_reply_json(r, HTTP_OK, order_json(r->pool, order));
}

static int forbidden(request_rec *r)
{
    return shop_reply_failure(r, shop_fail(r->pool, HTTP_FORBIDDEN, "this needs an admin"));
}

/* ---- lists ------------------------------------------------------------------------ */

static int reply_list(request_rec *r, bson_t *filter)
{
    cJSON *list = shop_json_own(r->pool, cJSON_CreateArray());
    shop_error_t *err = NULL;
    mongoc_client_t *c;
    const char *cause;
    long limit, offset;

    if (!shop_query_int(r, "limit", LIST_DEFAULT, 1, LIST_MAX, &limit)
        || !shop_query_int(r, "offset", 0, 0, OFFSET_MAX, &offset))
        return shop_reply_failure(r, shop_fail(r->pool, HTTP_BAD_REQUEST, apr_psprintf(r->pool,
            "limit must be 1 to %d and offset 0 to %d", LIST_MAX, OFFSET_MAX)));
    if (!(c = client(r, &err)))
        return shop_reply_failure(r, err);
    if ((cause = order_store_list(r->pool, c, filter, limit, offset, list)))
        return shop_reply_failure(r, mongo_down(r, "list orders", cause));
    return shop_reply_json(r, HTTP_OK, list);
}

int order_user_orders(request_rec *r, const char *id)
{
    if (!r->user)
        return shop_reply_failure(r, shop_fail(r->pool, HTTP_UNAUTHORIZED, "sign in first"));
    return reply_list(r, order_bson_own(r->pool, BCON_NEW("userId", BCON_UTF8(r->user))));
}

int order_list(request_rec *r, const char *id)
{
    const char *status = shop_query_arg(r, "status");

    if (!is_admin(r))
        return forbidden(r);
    if (status && !is_status(status))
        return shop_reply_failure(r, shop_fail(r->pool, HTTP_BAD_REQUEST, "status must be paid, "
            "shipped, delivered, cancelled, refunded, partially_refunded or failed"));
    return reply_list(r, order_bson_own(r->pool, status ? BCON_NEW("status", BCON_UTF8(status))
                                                        : bson_new()));
}

/* ---- one order ---------------------------------------------------------------------- */

int order_get(request_rec *r, const char *id)
{
    shop_error_t *err = NULL;
    mongoc_client_t *c = client(r, &err);
    const bson_t *order = c ? visible_order(r, c, id, &err) : NULL;

    return order ? reply_order(r, order) : shop_reply_failure(r, err);
}

/* Queues order.updated for order in the outbox. NULL or a 503. */
static shop_error_t *queue_updated(request_rec *r, const bson_t *order)
{
    const char *id = order_id(r->pool, order), *status = order_string(r->pool, order, "status");
    shop_error_t *err = NULL;
    PGconn *conn = shop_pg_connection(r, &err);
    const char *cause;

    if (!conn)
        return err;
    cause = shop_outbox_add(r->pool, conn, ORDER_TOPIC, id,
                            apr_pstrcat(r->pool, "order.updated:", id, ":", status, NULL),
                            ORDER_SOURCE, "order.updated",
                            cJSON_Duplicate(order_json(r->pool, order), 1),
                            shop_request_traceparent(r));
    return cause ? shop_fail_db(r->pool, "queue order.updated", cause) : NULL;
}

/* The status the body asks for, or NULL and a 400. */
static const char *wanted_status(request_rec *r, shop_error_t **err)
{
    cJSON *body = shop_read_json(r, BODY_MAX, err);
    const cJSON *status = cJSON_GetObjectItemCaseSensitive(body, "status");

    if (!body)
        return NULL;
    if (!cJSON_IsString(status) || !is_target(status->valuestring)) {
        *err = shop_fail(r->pool, HTTP_BAD_REQUEST,
                         "status must be shipped, delivered, cancelled or refunded");
        return NULL;
    }
    return status->valuestring;
}

int order_patch(request_rec *r, const char *id)
{
    shop_error_t *err = NULL;
    const char *to, *from, *cause;
    const bson_t *order, *updated;
    mongoc_client_t *c;
    bson_oid_t oid;

    if (!is_admin(r))
        return forbidden(r);
    if (!(to = wanted_status(r, &err)) || !(c = client(r, &err))
        || !(order = visible_order(r, c, id, &err)))
        return shop_reply_failure(r, err);
    from = order_string(r->pool, order, "status");
    updated = order;
    if (strcmp(from ? from : "", to)) {
        if (!from || !may_move(from, to))
            return shop_reply_failure(r, shop_fail(r->pool, HTTP_CONFLICT, apr_psprintf(r->pool,
                "an order that is %s cannot become %s", from ? from : "without status", to)));
        bson_oid_init_from_string(&oid, id);
        cause = order_store_update(r->pool, c,
            order_bson_own(r->pool, BCON_NEW("_id", BCON_OID(&oid), "status", BCON_UTF8(from))),
            order_bson_own(r->pool, BCON_NEW("$set", "{", "status", BCON_UTF8(to), "updatedAt",
                                             BCON_DATE_TIME(apr_time_as_msec(apr_time_now())), "}")),
            &updated);
        if (cause)
            return shop_reply_failure(r, mongo_down(r, "update order", cause));
        if (!updated)
            return shop_reply_failure(r, shop_fail(r->pool, HTTP_CONFLICT,
                                                   "the order changed meanwhile; read it again"));
    }
    if ((err = queue_updated(r, updated)))
        return shop_reply_failure(r, err);
    return reply_order(r, updated);
}

/* ---- refunds ------------------------------------------------------------------------ */

/* The amount the body asks for in minor units (0: all that is left), or -1 and a 400. */
static apr_int64_t wanted_amount(request_rec *r, shop_error_t **err)
{
    const char *length = apr_table_get(r->headers_in, "Content-Length");
    const cJSON *amount;
    apr_int64_t minor;
    cJSON *body;

    if (!apr_table_get(r->headers_in, "Transfer-Encoding") && (!length || !strcmp(length, "0")))
        return 0;
    if (!(body = shop_read_json(r, BODY_MAX, err)))
        return -1;
    amount = cJSON_GetObjectItemCaseSensitive(body, "amount");
    if (!amount || cJSON_IsNull(amount))
        return 0;
    if (!order_minor(amount, &minor) || minor <= 0) {
        *err = shop_fail(r->pool, HTTP_BAD_REQUEST,
                         "amount must be more than 0 with at most two decimals");
        return -1;
    }
    return minor;
}

static int reply_refund(request_rec *r, const char *id, const shop_refund_result_t *res)
{
    cJSON *json = shop_json_own(r->pool, cJSON_CreateObject());

    cJSON_AddStringToObject(json, "orderId", id);
    cJSON_AddStringToObject(json, "refundId", res->refund_id ? res->refund_id : "");
    cJSON_AddNumberToObject(json, "amount", (double)res->amount_minor / 100.0);
    cJSON_AddNumberToObject(json, "refundedAmount", (double)res->refunded_minor / 100.0);
    cJSON_AddNumberToObject(json, "paidAmount", (double)res->paid_minor / 100.0);
    return shop_reply_json(r, HTTP_OK, json);
}

int order_refund(request_rec *r, const char *id)
{
    APR_OPTIONAL_FN_TYPE(shop_payment_refund) *refund = APR_RETRIEVE_OPTIONAL_FN(shop_payment_refund);
    shop_refund_result_t res = { 0 };
    shop_error_t *err = NULL;
    const bson_t *order;
    const char *status;
    mongoc_client_t *c;
    apr_int64_t amount;

    if (!is_admin(r))
        return forbidden(r);
    if ((amount = wanted_amount(r, &err)) < 0 || !(c = client(r, &err))
        || !(order = visible_order(r, c, id, &err)))
        return shop_reply_failure(r, err);
    status = order_string(r->pool, order, "status");
    if (!status || !strcmp(status, "failed"))
        return shop_reply_failure(r, shop_fail(r->pool, HTTP_CONFLICT,
                                               "this order's payment failed: nothing to refund"));
    if (!refund)
        return shop_reply_failure(r, shop_fail(r->pool, HTTP_SERVICE_UNAVAILABLE,
                                               "refunds need mod_shop_payment, which is not loaded"));
    refund(r, order_string(r->pool, order, "checkoutSessionId"), amount, &res);
    if (res.status != HTTP_OK)
        return shop_reply_failure(r, shop_fail(r->pool, res.status ? res.status : HTTP_BAD_GATEWAY,
                                               res.message ? res.message : "the refund failed"));
    return reply_refund(r, id, &res);
}

/* ---- the chart -------------------------------------------------------------------- */

int order_chart(request_rec *r, const char *id)
{
    const char *months[ORDER_CHART_MONTHS], *cause;
    long total[ORDER_CHART_MONTHS], successful[ORDER_CHART_MONTHS];
    cJSON *chart = shop_json_own(r->pool, cJSON_CreateArray());
    shop_error_t *err = NULL;
    mongoc_client_t *c;
    apr_time_exp_t now;
    int i, month;

    if (!is_admin(r))
        return forbidden(r);
    if (!(c = client(r, &err)))
        return shop_reply_failure(r, err);
    apr_time_exp_gmt(&now, apr_time_now());
    for (i = 0; i < ORDER_CHART_MONTHS; i++) {
        month = (now.tm_year + 1900) * 12 + now.tm_mon - (ORDER_CHART_MONTHS - 1 - i);
        months[i] = apr_psprintf(r->pool, "%04d-%02d", month / 12, month % 12 + 1);
    }
    if ((cause = order_store_month_counts(r->pool, c, months, ORDER_CHART_MONTHS, 0, total))
        || (cause = order_store_month_counts(r->pool, c, months, ORDER_CHART_MONTHS, 1, successful)))
        return shop_reply_failure(r, mongo_down(r, "order chart", cause));
    for (i = 0; i < ORDER_CHART_MONTHS; i++) {
        cJSON *entry = cJSON_CreateObject();
        cJSON_AddStringToObject(entry, "month", months[i]);
        cJSON_AddNumberToObject(entry, "total", (double)total[i]);
        cJSON_AddNumberToObject(entry, "successful", (double)successful[i]);
        cJSON_AddItemToArray(chart, entry);
    }
    return shop_reply_json(r, HTTP_OK, chart);
}

/* ---- shop_order_for_session ------------------------------------------------------- */

const char *shop_order_for_session(request_rec *r, const char *session_id, const char **error)
{
    mongoc_client_pool_t *clients = *order_mongo_child();
    const bson_t *order;

    *error = NULL;
    if (!clients) {
        *error = "this child has no MongoDB client pool (ShopOrderMongoURI)";
        return NULL;
    }
    *error = order_store_find(r->pool, order_mongo_client(r->pool, clients),
                              order_bson_own(r->pool, BCON_NEW("checkoutSessionId",
                                                               BCON_UTF8(session_id))), &order);
    return !*error && order ? order_id(r->pool, order) : NULL;
}
