/*
 * payment_complete.c: the one completion path. A Stripe webhook, the
 * customer's return page and the test provider's page all end here, keyed by
 * our checkout session id: the session row is locked, a conditional UPDATE
 * moves it only from unpaid, and the payment.succeeded (or payment.failed)
 * outbox row is written in the same transaction. However many arrive, in
 * whatever order, one of them changes the row and queues the event.
 */
#include "payment.h"

#include "http_log.h"
#include "apr_strings.h"

#include "shop_http.h"
#include "shop_log.h"
#include "shop_outbox.h"
#include "shop_pg.h"

APLOG_USE_MODULE(shop_payment);

double payment_major(apr_int64_t minor)
{
    return (double)minor / 100.0;
}

apr_int64_t payment_minor(const cJSON *amount)
{
    double v = cJSON_IsNumber(amount) ? amount->valuedouble : -1;

    return v >= 0 && v <= PAYMENT_MAX_MINOR && v == (double)(apr_int64_t)v ? (apr_int64_t)v : -1;
}

/* [{productId, name, price, quantity, size, color}] of session id; NULL and *error */
static cJSON *event_items(request_rec *r, PGconn *conn, const char *id, const char **error)
{
    static const char sql[] =
        "select product_id, name, unit_minor, quantity, size, color from checkout_item"
        " where session_id = $1::uuid order by position";
    PGresult *res = shop_pg_exec(r->pool, conn, sql, 1, &id, error);
    cJSON *items;
    int i;

    if (!res)
        return NULL;
    items = cJSON_CreateArray();
    for (i = 0; i < PQntuples(res); i++) {
        cJSON *item = cJSON_CreateObject();

        cJSON_AddNumberToObject(item, "productId", atof(PQgetvalue(res, i, 0)));
        cJSON_AddStringToObject(item, "name", PQgetvalue(res, i, 1));
        cJSON_AddNumberToObject(item, "price", payment_major(apr_atoi64(PQgetvalue(res, i, 2))));
        cJSON_AddNumberToObject(item, "quantity", atof(PQgetvalue(res, i, 3)));
        cJSON_AddStringToObject(item, "size", PQgetvalue(res, i, 4));
        cJSON_AddStringToObject(item, "color", PQgetvalue(res, i, 5));
        cJSON_AddItemToArray(items, item);
    }
    return items;
}

/* the data of payment.succeeded|failed (the caller's), or NULL and *error */
static cJSON *event_data(request_rec *r, PGconn *conn, const payment_session_t *s,
                         const char *payment_intent, const char **error)
{
    cJSON *data, *items = event_items(r, conn, s->id, error);

    if (!items)
        return NULL;
    data = cJSON_CreateObject();
    cJSON_AddStringToObject(data, "checkoutSessionId", s->id);
    cJSON_AddStringToObject(data, "userId", s->user_id);
    cJSON_AddStringToObject(data, "email", s->email);
    cJSON_AddItemToObject(data, "items", items);
    cJSON_AddNumberToObject(data, "amount", payment_major(s->total));
    cJSON_AddStringToObject(data, "currency", s->currency);
    cJSON_AddItemToObject(data, "paymentIntentId", payment_intent
                          ? cJSON_CreateString(payment_intent) : cJSON_CreateNull());
    cJSON_AddStringToObject(data, "provider", s->provider);
    cJSON_AddItemToObject(data, "shipping", cJSON_Parse(s->shipping));
    return data;
}

/*
 * An amount or currency that is not the session's: nothing fulfilled, an
 * error-log line, and for a provider event a dead letter (the return page,
 * asked again and again, leaves that to the webhook).
 */
static shop_error_t *mismatch(request_rec *r, PGconn *conn, const payment_session_t *s,
                              const payment_outcome_t *o)
{
    const char *reason = apr_psprintf(r->pool, "the provider reports %" APR_INT64_T_FMT " %s, "
                                      "the session is %" APR_INT64_T_FMT " %s", o->amount,
                                      o->currency ? o->currency : "no currency", s->total,
                                      s->currency);
    const char *error;
    cJSON *data;

    ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, SHOPLOGNO(05005) "checkout session %s not "
                  "fulfilled: %s (event %s)", s->id, reason, o->event_id ? o->event_id : "none");
    if (!o->event_id)
        return NULL;
    data = cJSON_CreateObject();
    cJSON_AddStringToObject(data, "checkoutSessionId", s->id);
    cJSON_AddStringToObject(data, "reason", reason);
    cJSON_AddStringToObject(data, "providerEventId", o->event_id);
    cJSON_AddNumberToObject(data, "amount", payment_major(o->amount));
    cJSON_AddItemToObject(data, "currency", o->currency ? cJSON_CreateString(o->currency)
                                                        : cJSON_CreateNull());
    cJSON_AddNumberToObject(data, "expectedAmount", payment_major(s->total));
    cJSON_AddStringToObject(data, "expectedCurrency", s->currency);
    error = shop_outbox_add(r->pool, conn, PAYMENT_TOPIC ".dlq", s->id,
                            apr_pstrcat(r->pool, "payment.mismatch:", s->id, ":", o->event_id,
                                        NULL),
                            PAYMENT_SOURCE, "payment.mismatch", data,
                            shop_request_traceparent(r));
    return error ? shop_fail_db(r->pool, "queue payment.mismatch", error) : NULL;
}

/* Moves the session from unpaid; 1 when this call did it, 0 when it was done already. */
static int move(request_rec *r, PGconn *conn, const payment_outcome_t *o, const char **error)
{
    static const char paid_sql[] =
        "update checkout_session set payment_status = 'paid', status = 'complete',"
        " payment_intent_id = coalesce($2, payment_intent_id), updated_at = now()"
        " where id = $1::uuid and payment_status = 'unpaid' and status <> 'expired'"
        " returning payment_intent_id";
    static const char failed_sql[] =
        "update checkout_session set payment_status = 'failed', status = 'complete',"
        " payment_intent_id = coalesce($2, payment_intent_id), updated_at = now()"
        " where id = $1::uuid and payment_status = 'unpaid' and status <> 'expired'"
        " returning payment_intent_id";
    static const char expired_sql[] =
        "update checkout_session set status = 'expired', updated_at = now()"
        " where id = $1::uuid and payment_status = 'unpaid' and status = 'open'"
        " returning payment_intent_id";
    const char *params[2] = { o->session_id, o->payment_intent };
    const char *sql = o->kind == PAYMENT_PAID ? paid_sql
                    : o->kind == PAYMENT_FAILED ? failed_sql : expired_sql;
    PGresult *res = shop_pg_exec(r->pool, conn, sql, o->kind == PAYMENT_EXPIRED ? 1 : 2,
                                 params, error);

    return res ? PQntuples(res) : -1;
}

static shop_error_t *queue_event(request_rec *r, PGconn *conn, const payment_session_t *s,
                                 const payment_outcome_t *o)
{
    const char *type = o->kind == PAYMENT_PAID ? "payment.succeeded" : "payment.failed";
    const char *intent = o->payment_intent ? o->payment_intent : s->payment_intent;
    const char *error = NULL;
    cJSON *data = event_data(r, conn, s, intent, &error);

    if (!data)
        return shop_fail_db(r->pool, "read checkout items", error);
    if (o->kind == PAYMENT_FAILED)
        cJSON_AddStringToObject(data, "reason", o->reason ? o->reason : "the payment failed");
    error = shop_outbox_add(r->pool, conn, PAYMENT_TOPIC, s->id,
                            apr_pstrcat(r->pool, type, ":", s->id, NULL), PAYMENT_SOURCE, type,
                            data, shop_request_traceparent(r));
    return error ? shop_fail_db(r->pool, apr_pstrcat(r->pool, "queue ", type, NULL), error)
                 : NULL;
}

shop_error_t *payment_apply(request_rec *r, PGconn *conn, const payment_outcome_t *o)
{
    shop_error_t *err = NULL;
    const char *error = NULL;
    payment_session_t *s = payment_session_find(r, conn, "id", o->session_id, 1, &err);
    int moved;

    if (!s) {
        if (!err)
            ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r, SHOPLOGNO(05006) "no checkout "
                          "session %s (event %s): ignored", o->session_id,
                          o->event_id ? o->event_id : "none");
        return err;
    }
    if (o->checked && o->kind == PAYMENT_PAID
        && (o->amount != s->total || !o->currency || strcasecmp(o->currency, s->currency)))
        return mismatch(r, conn, s, o);
    if ((moved = move(r, conn, o, &error)) < 0)
        return shop_fail_db(r->pool, "complete checkout session", error);
    if (!moved || o->kind == PAYMENT_EXPIRED)
        return NULL;
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, SHOPLOGNO(05007) "checkout session %s %s",
                  s->id, o->kind == PAYMENT_PAID ? "paid" : "failed");
    return queue_event(r, conn, s, o);
}

shop_error_t *payment_settle(request_rec *r, PGconn *conn, const payment_outcome_t *o)
{
    const char *error = shop_pg_begin(r->pool, conn);
    shop_error_t *err;

    if (error)
        return shop_fail_db(r->pool, "begin", error);
    if ((err = payment_apply(r, conn, o))) {
        shop_pg_exec(r->pool, conn, "rollback", 0, NULL, &error);   /* the caller reads on */
        return err;
    }
    return (error = shop_pg_commit(r->pool, conn)) ? shop_fail_db(r->pool, "commit", error) : NULL;
}
