/*
 * payment_stripe.c: calls to the Stripe API over libcurl: form-encoded
 * requests with the secret key as Bearer token and an Idempotency-Key, JSON
 * answers. Never called inside a database transaction.
 */
#include "payment.h"

#include "http_log.h"
#include "apr_escape.h"
#include "apr_strings.h"

#include "shop_curl.h"
#include "shop_http.h"
#include "shop_log.h"

APLOG_USE_MODULE(shop_payment);

#define STRIPE_TIMEOUT_MS   15000
#define STRIPE_MAX_ANSWER   (256 * 1024)

const char *payment_form_add(apr_pool_t *p, const char *form, const char *name,
                             const char *value)
{
    return apr_pstrcat(p, form && *form ? form : "", form && *form ? "&" : "",
                       apr_pescape_urlencoded(p, name), "=",
                       apr_pescape_urlencoded(p, value), NULL);
}

static apr_status_t headers_cleanup(void *headers)
{
    curl_slist_free_all(headers);
    return APR_SUCCESS;
}

/* the request headers, owned by p; NULL when out of memory */
static struct curl_slist *request_headers(apr_pool_t *p, const char *key,
                                          const char *idempotency_key)
{
    struct curl_slist *headers = NULL, *more;
    const char *lines[2];
    int i;

    lines[0] = apr_pstrcat(p, "Authorization: Bearer ", key, NULL);
    lines[1] = idempotency_key ? apr_pstrcat(p, "Idempotency-Key: ", idempotency_key, NULL) : NULL;
    for (i = 0; i < 2 && lines[i]; i++) {
        if (!(more = curl_slist_append(headers, lines[i]))) {
            curl_slist_free_all(headers);
            return NULL;
        }
        headers = more;
    }
    apr_pool_cleanup_register(p, headers, headers_cleanup, apr_pool_cleanup_null);
    return headers;
}

/* Stripe's own sentence in an error answer */
static const char *stripe_message(const cJSON *answer)
{
    const cJSON *error = cJSON_GetObjectItemCaseSensitive(answer, "error");
    const cJSON *message = cJSON_GetObjectItemCaseSensitive(error, "message");

    return cJSON_IsString(message) ? message->valuestring : "no reason given";
}

cJSON *payment_stripe_call(request_rec *r, const char *path, const char *form,
                           const char *idempotency_key, shop_error_t **err)
{
    payment_conf_t *conf = payment_conf(r->server);
    const char *url = apr_pstrcat(r->pool, conf->stripe_api, path, NULL), *error = NULL;
    struct curl_slist *headers;
    shop_curl_body_t body;
    cJSON *answer;
    CURL *curl;
    long status;

    if (!conf->stripe_key) {
        *err = shop_fail_unavailable(r->pool, "the payment provider is unavailable", url,
                                     "no ShopStripeSecretKey on this server");
        return NULL;
    }
    if (!(curl = shop_curl_new(r->pool, url, STRIPE_TIMEOUT_MS, &body, STRIPE_MAX_ANSWER))
        || !(headers = request_headers(r->pool, conf->stripe_key, idempotency_key))
        || curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers) != CURLE_OK
        || (form && curl_easy_setopt(curl, CURLOPT_POSTFIELDS, form) != CURLE_OK)) {
        *err = shop_fail_unavailable(r->pool, "the payment provider is unavailable", url,
                                     "out of memory");
        return NULL;
    }
    if (!(status = shop_curl_perform(r->pool, curl, &error)) || status >= 500) {
        *err = shop_fail_unavailable(r->pool, "the payment provider is unavailable", url,
                                     error ? error : apr_psprintf(r->pool, "answered %ld", status));
        return NULL;
    }
    answer = shop_json_own(r->pool, cJSON_ParseWithLength(body.data, body.len));
    if (status != 200 || !cJSON_IsObject(answer)) {
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r, SHOPLOGNO(05002) "Stripe refused %s "
                      "(%ld): %s", path, status, stripe_message(answer));
        *err = shop_fail(r->pool, HTTP_BAD_GATEWAY,
                         apr_pstrcat(r->pool, "the payment provider refused: ",
                                     stripe_message(answer), NULL));
        return NULL;
    }
    return answer;
}
