/*
 * payment.h: what the files of mod_shop_payment share: its configuration, a
 * checkout session as stored, the one completion path every payment outcome
 * goes through, and the Stripe API calls.
 */
#ifndef PAYMENT_H
#define PAYMENT_H

#include "httpd.h"
#include "http_config.h"

#include <cJSON.h>
#include <libpq-fe.h>

#include "mod_shop.h"
#include "shop_error.h"

extern module AP_MODULE_DECLARE_DATA shop_payment_module;

#pragma GCC visibility push(hidden)

#define PAYMENT_PROVIDER_TEST   0
#define PAYMENT_PROVIDER_STRIPE 1

/* Server config; a field left unset (NULL / SHOP_UNSET) is inherited when merged. */
typedef struct {
    int provider;                   /* PAYMENT_PROVIDER_* */
    const char *currency;           /* ISO 4217, lower case */
    const char *success_url;        /* may hold {CHECKOUT_SESSION_ID} */
    const char *cancel_url;
    apr_off_t max_body;
    const char *stripe_api;         /* base URL, no trailing slash */
    const char *stripe_key;
    const char *webhook_secret;
    int tolerance;                  /* seconds a webhook signature stays valid */
} payment_conf_t;

#define PAYMENT_DEFAULT_CURRENCY    "usd"
#define PAYMENT_DEFAULT_SUCCESS_URL "/result/{CHECKOUT_SESSION_ID}"
#define PAYMENT_DEFAULT_CANCEL_URL  "/result/{CHECKOUT_SESSION_ID}"
#define PAYMENT_DEFAULT_MAX_BODY    65536
#define PAYMENT_DEFAULT_STRIPE_API  "https://api.stripe.com"
#define PAYMENT_DEFAULT_TOLERANCE   300
#define PAYMENT_MAX_MINOR           1e15
#define PAYMENT_SOURCE              "/mod_shop/payment"
#define PAYMENT_TOPIC               "payment-events"

/* payment_config.c */
extern const command_rec payment_cmds[];
void *payment_create_server_conf(apr_pool_t *p, server_rec *s);
void *payment_merge_server_conf(apr_pool_t *p, void *base, void *add);
payment_conf_t *payment_conf(server_rec *s);
int payment_check_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp, server_rec *s);

/* A checkout session row. */
typedef struct {
    const char *id, *user_id, *email, *provider, *provider_session_id, *payment_intent;
    const char *currency, *status, *payment_status, *shipping;
    apr_int64_t total, refunded, reserved;
} payment_session_t;

/* payment_sessions.c: the sessions and their routes */
/*
 * The session whose column by ("id" or "payment_intent_id") is value, locked
 * for the open transaction when lock; NULL and *err NULL when there is none.
 */
payment_session_t *payment_session_find(request_rec *r, PGconn *conn, const char *by,
                                        const char *value, int lock, shop_error_t **err);
/* a new UUID (a session's or a refund's id) */
const char *payment_new_id(apr_pool_t *p);
/* the success or cancel URL of session id */
const char *payment_return_url(request_rec *r, const char *url, const char *id);
int payment_sessions_create(request_rec *r, const char *id);
int payment_sessions_get(request_rec *r, const char *id);

/* payment_complete.c: the one path of every outcome, idempotent per session */
typedef enum { PAYMENT_PAID, PAYMENT_FAILED, PAYMENT_EXPIRED } payment_kind_t;

typedef struct {
    const char *session_id;
    payment_kind_t kind;
    const char *payment_intent;     /* NULL: keep the stored one */
    const char *reason;             /* of a failure */
    const char *event_id;           /* the provider's event, NULL for none */
    int checked;                    /* compare amount and currency with the stored ones */
    apr_int64_t amount;
    const char *currency;
} payment_outcome_t;

/*
 * Inside an open transaction: applies o to its session once (a paid or failed
 * payment only from unpaid) and queues its event. An amount or currency that
 * differs from the session's fulfils nothing and queues a payment-events.dlq
 * event instead. NULL, or a 503.
 */
shop_error_t *payment_apply(request_rec *r, PGconn *conn, const payment_outcome_t *o);
/* BEGIN, payment_apply, COMMIT. */
shop_error_t *payment_settle(request_rec *r, PGconn *conn, const payment_outcome_t *o);
/* major units, as events and REST carry money */
double payment_major(apr_int64_t minor);
/*
 * An amount of the provider's (whole minor units); -1 when it is not one: not
 * a number, negative, a fraction or above PAYMENT_MAX_MINOR.
 */
apr_int64_t payment_minor(const cJSON *amount);

/* payment_stripe.c: the Stripe API */
/* name=value appended to a form body, both URL-encoded */
const char *payment_form_add(apr_pool_t *p, const char *form, const char *name,
                             const char *value);
/*
 * Calls the Stripe API: GET (form NULL) or POST path with form; the answer as
 * JSON (owned by r->pool), or NULL and *err: 502 when Stripe refused, 503 when
 * it cannot be reached.
 */
cJSON *payment_stripe_call(request_rec *r, const char *path, const char *form,
                           const char *idempotency_key, shop_error_t **err);

/* payment_webhook.c */
int payment_webhook(request_rec *r, const char *id);

/* payment_testpay.c: the test provider's checkout page and the default result page */
int payment_testpay_page(request_rec *r, const char *id);
int payment_testpay_submit(request_rec *r, const char *id);
int payment_result_page(request_rec *r, const char *id);

/* payment_refund.c */
void shop_payment_refund(request_rec *r, const char *session_id, apr_int64_t amount_minor,
                    shop_refund_result_t *result);
/* Inside an open transaction: Stripe says amount_refunded of payment_intent is refunded. */
shop_error_t *payment_refund_observed(request_rec *r, PGconn *conn, const char *payment_intent,
                                      apr_int64_t amount_refunded);

#pragma GCC visibility pop

#endif
