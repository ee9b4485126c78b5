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

#endif
