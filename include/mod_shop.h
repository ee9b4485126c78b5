/*
 * mod_shop.h: the public interface between the mod_shop modules.
 *
 * Modules call each other only through the optional functions declared here
 * (APR_RETRIEVE_OPTIONAL_FN), so LoadModule order does not matter and a missing
 * provider is reported by name when the configuration is read.
 */
#ifndef MOD_SHOP_H
#define MOD_SHOP_H

#include "apr_optional.h"
#include "apr_pools.h"
#include "httpd.h"

#define SHOP_VERSION "0.1.0"

/*
 * Who made the request, as mod_shop_auth's "AuthType shop" sets it: r->user is
 * the user id; these subprocess_env entries carry the rest.
 */
#define SHOP_ENV_ROLE   "SHOP_USER_ROLE"        /* "user" or "admin" */
#define SHOP_ENV_EMAIL  "SHOP_USER_EMAIL"
#define SHOP_ENV_NAME   "SHOP_USER_NAME"
#define SHOP_ENV_SOURCE "SHOP_AUTH_SOURCE"      /* "local" or "external" */

/* Why a request was refused (401/403), for the JSON error answer. */
#define SHOP_NOTE_ERROR "shop-error"

/* The route pattern a service matched ("/products/:id"), set by its dispatcher. */
#define SHOP_NOTE_ROUTE "shop-route"

/*
 * shop_kafka_publish: produce one JSON value with a key to a topic through the
 * calling child's shared idempotent producer (acks=all).
 *   traceparent  W3C traceparent sent as a Kafka header, or NULL.
 *   wait_ms      0: return once queued; delivery failures are logged.
 *                >0: wait up to wait_ms for the broker's acknowledgement.
 * Returns APR_SUCCESS, or an error with a sentence in *error (allocated in p).
 */
APR_DECLARE_OPTIONAL_FN(apr_status_t, shop_kafka_publish,
                        (apr_pool_t *p, const char *topic, const char *key,
                         const char *json, const char *traceparent, int wait_ms,
                         const char **error));

/*
 * shop_kafka_check: ask the brokers for cluster metadata (a real round trip).
 * Returns APR_SUCCESS when a broker answered within timeout_ms; otherwise an
 * error with the reason in *error.
 */
APR_DECLARE_OPTIONAL_FN(apr_status_t, shop_kafka_check,
                        (apr_pool_t *p, int timeout_ms, const char **error));

/*
 * Consumers, run by mod_shop_kafka's worker process. A module registers them
 * from its post_config hook (every configuration cycle); the worker, forked
 * after all post_config hooks, runs one librdkafka consumer per registration.
 *
 * The handler gets each message once per attempt and answers:
 *   SHOP_CONSUME_DONE    the effect is durable: the offset is committed
 *   SHOP_CONSUME_RETRY   a dependency is down: the message comes again later
 *                        (backoff 1 s doubling to 60 s); other partitions go on
 *   SHOP_CONSUME_REJECT  it can never succeed: it goes to <topic>.dlq with the
 *                        error in a header, then the offset is committed
 * Handlers must be idempotent: delivery is at least once.
 */
typedef enum {
    SHOP_CONSUME_DONE,
    SHOP_CONSUME_RETRY,
    SHOP_CONSUME_REJECT
} shop_consume_t;

typedef struct {
    const char *topic;
    int partition;
    apr_int64_t offset;
    const char *key;                /* NUL-terminated copy, "" if none */
    const char *value;              /* NUL-terminated copy */
    apr_size_t len;
    const char *traceparent;        /* NULL if the message had none */
} shop_message_t;

/*
 * p lives for this attempt; its parent lives as long as the consumer (for what a
 * handler keeps across messages, e.g. a client pool). *error (allocated in p)
 * says why on RETRY/REJECT.
 */
typedef shop_consume_t (*shop_consumer_fn)(const shop_message_t *msg, void *baton,
                                           apr_pool_t *p, const char **error);

/*
 * Registers a consumer: name (for logs and status), Kafka group id, topics
 * (comma-separated), handler and its baton. Call from post_config.
 */
APR_DECLARE_OPTIONAL_FN(void, shop_kafka_consumer,
                        (apr_pool_t *pconf, const char *name, const char *group,
                         const char *topics, shop_consumer_fn fn, void *baton));

/*
 * Checkout events (DESIGN §5). Money in event data is as in REST: a number in
 * major units (39.99); the stores keep integer minor units. Every id below is
 * derived from what the event describes, so a redone effect repeats the same
 * event and consumers drop the copy by id.
 *
 * payment-events, key = the checkout session id (mod_shop_payment, outbox):
 *   payment.succeeded  id "payment.succeeded:<session id>"
 *     {checkoutSessionId, userId, email, items:[{productId, name, price,
 *      quantity, size, color}], amount, currency, paymentIntentId, provider,
 *      shipping:{name, email, phone, address, city}}
 *   payment.failed     id "payment.failed:<session id>"
 *     the same fields, and reason
 *   payment.refunded   id "payment.refunded:<refund id>"
 *     {checkoutSessionId, refundId, amount (this refund), refundedTotal,
 *      paidAmount, currency, email, userId}
 *
 * order-events, key = the order id (mod_shop_order):
 *   order.created      id "order.created:<order id>"
 *   order.updated      id "order.updated:<order id>:<status>" (a refund's:
 *                      "order.updated:<order id>:refund:<refund id>")
 *     data: the order as GET /orders/:id answers it.
 *
 * user-events (mod_shop_auth): user.created|updated|deleted, data the user.
 */

/*
 * shop_payment_refund (mod_shop_payment): refunds amount_minor (<= 0: all that
 * is left) of the payment of checkout session session_id through its provider,
 * and queues payment.refunded. Writes nothing to r; the caller answers.
 * result->status: 200 refunded; 404 no paid payment for that session; 409 more
 * than is left; 502 the provider refused; 503 the database or provider is down.
 */
typedef struct {
    int status;
    const char *message;            /* why, when status is not 200 */
    const char *refund_id;
    apr_int64_t amount_minor;       /* refunded now */
    apr_int64_t refunded_minor;     /* refunded in all, this one included */
    apr_int64_t paid_minor;
} shop_refund_result_t;

APR_DECLARE_OPTIONAL_FN(void, shop_payment_refund,
                        (request_rec *r, const char *session_id, apr_int64_t amount_minor,
                         shop_refund_result_t *result));

/*
 * shop_order_for_session (mod_shop_order): the id of the order made from
 * checkout session session_id (allocated in r->pool), or NULL when there is
 * none yet, or when MongoDB cannot say (then *error says why).
 */
APR_DECLARE_OPTIONAL_FN(const char *, shop_order_for_session,
                        (request_rec *r, const char *session_id, const char **error));

/*
 * Metrics (mod_shop_kafka, GET /metrics with SetHandler shop-metrics). The
 * figures live in shared memory made in post_config, so every child and the
 * worker process add to the same counters, with atomics and never a lock.
 * The series are fixed by these enums (and, for requests, by the services'
 * route tables), so their number is bounded by construction. Requests are
 * counted by mod_shop_kafka itself (log_transaction, by SHOP_NOTE_ROUTE).
 * common/shop_metrics.h wraps these two for callers that may run without
 * mod_shop_kafka.
 */
typedef enum {
    SHOP_COUNT_PG_ERRORS,           /* failed connections and statements */
    SHOP_COUNT_MONGO_ERRORS,        /* failed MongoDB operations */
    SHOP_COUNT_KAFKA_PRODUCE_ERRORS,    /* messages the producer refused to queue */
    SHOP_COUNT_KAFKA_DELIVERY_ERRORS,   /* queued messages the brokers never took */
    SHOP_COUNT_DLQ_MESSAGES,        /* messages a consumer sent to <topic>.dlq */
    SHOP_COUNT_CACHE_HITS,          /* catalog answers found in a child's cache */
    SHOP_COUNT_CACHE_MISSES,
    SHOP_COUNT_CACHE_EVICTIONS,     /* answers dropped to make room */
    SHOP_COUNTERS
} shop_counter_t;

/* Gauges kept per process and summed over the live ones when scraped. */
typedef enum {
    SHOP_GAUGE_CACHE_BYTES,         /* bytes of the catalog cache */
    SHOP_GAUGE_PRODUCER_QUEUE,      /* messages waiting in the producer */
    SHOP_GAUGES
} shop_gauge_t;

/* Adds n to a counter. */
APR_DECLARE_OPTIONAL_FN(void, shop_metrics_count, (shop_counter_t counter, apr_uint64_t n));

/* Sets the calling process's value of a gauge. */
APR_DECLARE_OPTIONAL_FN(void, shop_metrics_gauge, (shop_gauge_t gauge, apr_uint64_t value));

#endif
