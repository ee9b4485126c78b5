/*
 * payment_refund.c: refunds (table payment_refund) and the optional function
 * shop_payment_refund that mod_shop_order's refund route calls.
 *
 * Ours: the amount is reserved on the session in one transaction, the provider
 * is called outside any transaction (Stripe: POST /v1/refunds, Idempotency-Key
 * the refund id; the test provider refunds locally), then the refund is
 * marked done and payment.refunded queued in a second transaction; a provider
 * failure releases the reservation.
 * Stripe's (charge.refunded, e.g. from its dashboard): the charge's refunded
 * total is compared with ours plus what is reserved, and only an increase is
 * recorded and published, so a refund of ours is never counted twice.
 */
#include "payment.h"

#include "http_log.h"
#include "apr_strings.h"

#include "shop_http.h"
#include "shop_log.h"
#include "shop_outbox.h"
#include "shop_parse.h"
#include "shop_pg.h"

APLOG_USE_MODULE(shop_payment);

typedef struct {
    const char *id;
    const char *source;                 /* api or provider */
    const char *provider_refund_id;
    apr_int64_t amount;
} refund_t;

static const char *int64(apr_pool_t *p, apr_int64_t v)
{
    return apr_psprintf(p, "%" APR_INT64_T_FMT, v);
}

/* payment.refunded for f on s (refunded_minor already counting it) into the outbox */
static const char *queue_refunded(request_rec *r, PGconn *conn, const payment_session_t *s,
                                  const refund_t *f)
{
    cJSON *data = cJSON_CreateObject();

    cJSON_AddStringToObject(data, "checkoutSessionId", s->id);
    cJSON_AddStringToObject(data, "refundId", f->id);
    cJSON_AddNumberToObject(data, "amount", payment_major(f->amount));
    cJSON_AddNumberToObject(data, "refundedTotal", payment_major(s->refunded));
    cJSON_AddNumberToObject(data, "paidAmount", payment_major(s->total));
    cJSON_AddStringToObject(data, "currency", s->currency);
    cJSON_AddStringToObject(data, "email", s->email);
    cJSON_AddStringToObject(data, "userId", s->user_id);
    return shop_outbox_add(r->pool, conn, PAYMENT_TOPIC, s->id,
                           apr_pstrcat(r->pool, "payment.refunded:", f->id, NULL), PAYMENT_SOURCE,
                           "payment.refunded", data, shop_request_traceparent(r));
}

/*
 * Inside the open transaction: f is done. The session's counters move by
 * f->amount (out of the reservation when reserved) and payment.refunded is
 * queued. NULL or the database's error.
 */
static const char *refund_done(request_rec *r, PGconn *conn, payment_session_t *s,
                               const refund_t *f, int reserved)
{
    static const char refund_sql[] =
        "insert into payment_refund (id, session_id, amount_minor, source, status,"
        " provider_refund_id) values ($1::uuid, $2::uuid, $3::bigint, $4, 'succeeded', $5)"
        " on conflict (id) do update set status = 'succeeded',"
        " provider_refund_id = excluded.provider_refund_id, updated_at = now()";
    static const char session_sql[] =
        "update checkout_session set refunded_minor = refunded_minor + $2::bigint,"
        " reserved_minor = reserved_minor - $3::bigint, updated_at = now()"
        " where id = $1::uuid returning refunded_minor";
    const char *amount = int64(r->pool, f->amount), *error = NULL;
    const char *refund[5] = { f->id, s->id, amount, f->source, f->provider_refund_id };
    const char *session[3] = { s->id, amount, reserved ? amount : "0" };
    PGresult *res;

    if (!shop_pg_exec(r->pool, conn, refund_sql, 5, refund, &error)
        || !(res = shop_pg_exec(r->pool, conn, session_sql, 3, session, &error)))
        return error;
    if (PQntuples(res) != 1)
        return "the checkout session is gone";
    s->refunded = apr_atoi64(PQgetvalue(res, 0, 0));
    return queue_refunded(r, conn, s, f);
}

shop_error_t *payment_refund_observed(request_rec *r, PGconn *conn, const char *payment_intent,
                                      apr_int64_t amount_refunded)
{
    shop_error_t *err = NULL;
    payment_session_t *s = payment_session_find(r, conn, "payment_intent_id", payment_intent, 1,
                                                &err);
    refund_t f = { NULL, "provider", NULL, 0 };
    const char *error;

    if (!s)
        return err;
    if (amount_refunded > s->total)
        amount_refunded = s->total;
    f.amount = amount_refunded - s->refunded - s->reserved;
    if (f.amount <= 0)
        return NULL;                    /* ours, or already counted */
    f.id = payment_new_id(r->pool);
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, SHOPLOGNO(05010) "checkout session %s: "
                  "%" APR_INT64_T_FMT " refunded at the provider", s->id, f.amount);
    error = refund_done(r, conn, s, &f, 0);
    return error ? shop_fail_db(r->pool, "record provider refund", error) : NULL;
}

/* ---- shop_payment_refund ---------------------------------------------------------- */

/* Transaction 1: reserves amount (<= 0: all that is left) as refund f. */
static shop_error_t *reserve(request_rec *r, PGconn *conn, const char *session_id,
                             apr_int64_t amount, payment_session_t **s, refund_t *f)
{
    static const char reserve_sql[] =
        "update checkout_session set reserved_minor = reserved_minor + $2::bigint,"
        " updated_at = now() where id = $1::uuid";
    static const char pending_sql[] =
        "insert into payment_refund (id, session_id, amount_minor, source, status)"
        " values ($1::uuid, $2::uuid, $3::bigint, 'api', 'pending')";
    shop_error_t *err = NULL;
    const char *error = shop_pg_begin(r->pool, conn), *params[3];
    apr_int64_t left;

    if (error)
        return shop_fail_db(r->pool, "begin refund", error);
    if (!(*s = payment_session_find(r, conn, "id", session_id, 1, &err))
        || strcmp((*s)->payment_status, "paid"))
        return err ? err : shop_fail(r->pool, HTTP_NOT_FOUND, "no paid payment for this session");
    left = (*s)->total - (*s)->refunded - (*s)->reserved;
    f->amount = amount > 0 ? amount : left;
    if (f->amount <= 0 || f->amount > left)
        return shop_fail(r->pool, HTTP_CONFLICT, left > 0 ? "more than is left to refund"
                                                           : "nothing is left to refund");
    f->id = payment_new_id(r->pool);
    f->source = "api";
    params[0] = session_id;
    params[1] = int64(r->pool, f->amount);
    if (!shop_pg_exec(r->pool, conn, reserve_sql, 2, params, &error))
        return shop_fail_db(r->pool, "reserve refund", error);
    params[0] = f->id;
    params[1] = session_id;
    params[2] = int64(r->pool, f->amount);
    if (!shop_pg_exec(r->pool, conn, pending_sql, 3, params, &error)
        || (error = shop_pg_commit(r->pool, conn)))
        return shop_fail_db(r->pool, "reserve refund", error);
    return NULL;
}

/* Outside any transaction: the provider refunds f. */
static shop_error_t *provider_refund(request_rec *r, const payment_session_t *s, refund_t *f)
{
    const char *form;
    shop_error_t *err = NULL;
    cJSON *answer;
    const cJSON *id;

    if (!strcmp(s->provider, "test"))
        return NULL;
    if (!s->payment_intent)
        return shop_fail(r->pool, HTTP_BAD_GATEWAY, "the payment has no payment intent");
    form = payment_form_add(r->pool, NULL, "payment_intent", s->payment_intent);
    form = payment_form_add(r->pool, form, "amount", int64(r->pool, f->amount));
    form = payment_form_add(r->pool, form, "metadata[refund_id]", f->id);
    if (!(answer = payment_stripe_call(r, "/v1/refunds", form, f->id, &err)))
        return err;
    id = cJSON_GetObjectItemCaseSensitive(answer, "id");
    f->provider_refund_id = cJSON_IsString(id) ? apr_pstrdup(r->pool, id->valuestring) : NULL;
    return NULL;
}

/* Inside the open transaction: f failed; its reservation is released. */
static const char *refund_failed(request_rec *r, PGconn *conn, const refund_t *f)
{
    static const char sql[] =
        "with f as (update payment_refund set status = 'failed', updated_at = now()"
        " where id = $1::uuid returning session_id, amount_minor)"
        " update checkout_session c set reserved_minor = reserved_minor - f.amount_minor"
        " from f where c.id = f.session_id";
    const char *error = NULL;

    shop_pg_exec(r->pool, conn, sql, 1, &f->id, &error);
    return error;
}

/* Transaction 2: done (and payment.refunded queued), or failed and released. */
static shop_error_t *finish(request_rec *r, PGconn *conn, payment_session_t *s,
                            const refund_t *f, int refunded)
{
    const char *error = shop_pg_begin(r->pool, conn);

    if (!error)
        error = refunded ? refund_done(r, conn, s, f, 1) : refund_failed(r, conn, f);
    if (!error)
        error = shop_pg_commit(r->pool, conn);
    return error ? shop_fail_db(r->pool, refunded ? "record refund" : "release refund", error)
                 : NULL;
}

/* ends a transaction a failure left open: the caller may use the connection again */
static void rollback(request_rec *r, PGconn *conn)
{
    const char *error = NULL;

    if (PQtransactionStatus(conn) != PQTRANS_IDLE)
        shop_pg_exec(r->pool, conn, "rollback", 0, NULL, &error);
}

static void answer(request_rec *r, shop_refund_result_t *result, const shop_error_t *err)
{
    result->status = err->status;
    result->message = err->message ? err->message : "the refund failed";
    if (err->cause)
        ap_log_rerror(APLOG_MARK, err->status >= 500 ? APLOG_ERR : APLOG_INFO, 0, r,
                      SHOPLOGNO(05011) "refund: %s (answered %d)", err->cause, err->status);
}

void shop_payment_refund(request_rec *r, const char *session_id, apr_int64_t amount_minor,
                    shop_refund_result_t *result)
{
    payment_session_t *s = NULL;
    refund_t f = { NULL };
    shop_error_t *err, *provider_err;
    PGconn *conn;

    memset(result, 0, sizeof(*result));
    if (!(conn = shop_pg_connection(r, &err))) {
        answer(r, result, err);
        return;
    }
    if ((err = reserve(r, conn, session_id, amount_minor, &s, &f))) {
        rollback(r, conn);
        answer(r, result, err);
        return;
    }
    provider_err = provider_refund(r, s, &f);
    if ((err = finish(r, conn, s, &f, !provider_err)))
        rollback(r, conn);
    if ((err = err ? err : provider_err)) {
        answer(r, result, err);
        return;
    }
    result->status = 200;
    result->refund_id = f.id;
    result->amount_minor = f.amount;
    result->refunded_minor = s->refunded;
    result->paid_minor = s->total;
}
