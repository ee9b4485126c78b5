/*
 * payment_webhook.c: POST /webhooks/stripe. The signature is checked on the
 * raw body before anything else; a bad, missing or old one is 400 and changes
 * nothing. The event id is recorded in the transaction of its effect, so a
 * redelivered event is acknowledged without a second effect; 2xx only after
 * COMMIT (503 while PostgreSQL is down, so Stripe retries).
 */
#include "payment.h"
#include "payment_signature.h"

#include "http_log.h"
#include "http_protocol.h"
#include "apr_strings.h"

#include "shop_body.h"
#include "shop_http.h"
#include "shop_log.h"
#include "shop_parse.h"
#include "shop_pg.h"

APLOG_USE_MODULE(shop_payment);

typedef struct {
    const char *id;
    const char *type;
    const cJSON *object;            /* data.object */
} webhook_event_t;

static const char *string_of(const cJSON *obj, const char *name)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, name);

    return cJSON_IsString(item) ? item->valuestring : NULL;
}

/* our session id of a Checkout Session object: metadata.session_id, else client_reference_id */
static const char *session_of(const cJSON *object)
{
    const char *id = string_of(cJSON_GetObjectItemCaseSensitive(object, "metadata"), "session_id");

    return id ? id : string_of(object, "client_reference_id");
}

/* The signed, parsed event of the request; NULL and *err (400, 413...). */
static webhook_event_t *read_event(request_rec *r, shop_error_t **err)
{
    payment_conf_t *conf = payment_conf(r->server);
    webhook_event_t *e = apr_pcalloc(r->pool, sizeof(*e));
    const char *why;
    char *body;
    apr_size_t len;
    cJSON *json;
    int rv = shop_read_body(r, conf->max_body, &body, &len);

    if (rv != OK) {
        *err = shop_fail(r->pool, rv, "could not read the request body");
        return NULL;
    }
    if ((why = payment_signature_check(apr_table_get(r->headers_in, "Stripe-Signature"), body,
                                       len, conf->webhook_secret, apr_time_now(),
                                       conf->tolerance))) {
        ap_log_rerror(APLOG_MARK, APLOG_NOTICE, 0, r, SHOPLOGNO(05008) "webhook refused: %s", why);
        *err = shop_fail(r->pool, HTTP_BAD_REQUEST, why);
        return NULL;
    }
    json = shop_json_own(r->pool, cJSON_ParseWithLength(body, len));
    e->id = string_of(json, "id");
    e->type = string_of(json, "type");
    e->object = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(json, "data"),
                                                 "object");
    if (!e->id || !e->type || !cJSON_IsObject(e->object)) {
        *err = shop_fail(r->pool, HTTP_BAD_REQUEST, "not a Stripe event");
        return NULL;
    }
    return e;
}

/* Records the event id; 1 when it is new, 0 when it was handled before, -1 on failure. */
static int record(request_rec *r, PGconn *conn, const webhook_event_t *e, const char **error)
{
    static const char sql[] = "insert into payment_webhook_event (id, type) values ($1, $2)"
                              " on conflict do nothing returning id";
    const char *params[2] = { e->id, e->type };
    PGresult *res = shop_pg_exec(r->pool, conn, sql, 2, params, error);

    return res ? PQntuples(res) : -1;
}

/* a Checkout Session event as an outcome; 0 when it asks for nothing */
static int outcome_of(request_rec *r, const webhook_event_t *e, payment_outcome_t *o)
{
    const char *paid = string_of(e->object, "payment_status");
    const cJSON *amount = cJSON_GetObjectItemCaseSensitive(e->object, "amount_total");

    o->session_id = session_of(e->object);
    o->event_id = e->id;
    o->payment_intent = string_of(e->object, "payment_intent");
    if (!strcmp(e->type, "checkout.session.completed") && paid && !strcmp(paid, "paid"))
        o->kind = PAYMENT_PAID;     /* unpaid: an async method, its own event follows */
    else if (!strcmp(e->type, "checkout.session.async_payment_succeeded"))
        o->kind = PAYMENT_PAID;
    else if (!strcmp(e->type, "checkout.session.async_payment_failed")) {
        o->kind = PAYMENT_FAILED;
        o->reason = "the asynchronous payment failed";
    }
    else if (!strcmp(e->type, "checkout.session.expired"))
        o->kind = PAYMENT_EXPIRED;
    else
        return 0;
    o->checked = o->kind == PAYMENT_PAID;
    o->amount = payment_minor(amount);
    o->currency = string_of(e->object, "currency");
    if (!o->session_id || !shop_is_uuid(o->session_id)) {
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r, SHOPLOGNO(05009) "event %s (%s) names no "
                      "checkout session of ours: ignored", e->id, e->type);
        return 0;
    }
    return 1;
}

/* The effect of e inside the open transaction. */
static shop_error_t *apply(request_rec *r, PGconn *conn, const webhook_event_t *e)
{
    payment_outcome_t o = { NULL };
    apr_int64_t refunded = payment_minor(cJSON_GetObjectItemCaseSensitive(e->object, "amount_refunded"));
    const char *intent = string_of(e->object, "payment_intent");

    if (!strcmp(e->type, "charge.refunded")) {
        if (!intent || refunded < 0)
            return NULL;
        return payment_refund_observed(r, conn, intent, refunded);
    }
    return outcome_of(r, e, &o) ? payment_apply(r, conn, &o) : NULL;
}

int payment_webhook(request_rec *r, const char *id)
{
    const char *error = NULL;
    webhook_event_t *e;
    shop_error_t *err;
    PGconn *conn;
    cJSON *json;
    int fresh;

    if (!payment_conf(r->server)->webhook_secret)
        return shop_reply_error(r, HTTP_NOT_FOUND, "no Stripe webhook endpoint here");
    if (!(e = read_event(r, &err)) || !(conn = shop_pg_connection(r, &err)))
        return shop_reply_failure(r, err);
    if ((error = shop_pg_begin(r->pool, conn)) || (fresh = record(r, conn, e, &error)) < 0)
        return shop_reply_failure(r, shop_fail_db(r->pool, "record webhook event", error));
    if (fresh && (err = apply(r, conn, e)))
        return shop_reply_failure(r, err);
    if ((error = shop_pg_commit(r->pool, conn)))
        return shop_reply_failure(r, shop_fail_db(r->pool, "commit webhook event", error));
    json = shop_json_own(r->pool, cJSON_CreateObject());
    cJSON_AddBoolToObject(json, "received", 1);
    cJSON_AddBoolToObject(json, "duplicate", !fresh);
    return shop_reply_json(r, HTTP_OK, json);
}
