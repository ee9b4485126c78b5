/*
 * shop_error.c: building failures in helpers and answering them in handlers.
 */
#include "shop_error.h"

#include "http_log.h"
#include "apr_strings.h"

#include "shop_http.h"
#include "shop_log.h"

shop_error_t *shop_fail(apr_pool_t *p, int status, const char *message)
{
    shop_error_t *err = apr_pcalloc(p, sizeof *err);

    err->status = status;
    err->message = message;
    return err;
}

shop_error_t *shop_fail_body(apr_pool_t *p, int status, cJSON *body)
{
    shop_error_t *err = shop_fail(p, status, NULL);

    err->body = body;
    return err;
}

shop_error_t *shop_fail_unavailable(apr_pool_t *p, const char *message, const char *what,
                                    const char *cause)
{
    shop_error_t *err = shop_fail(p, HTTP_SERVICE_UNAVAILABLE, message);

    err->cause = apr_pstrcat(p, what, ": ", cause ? cause : "unknown error", NULL);
    return err;
}

shop_error_t *shop_fail_db(apr_pool_t *p, const char *what, const char *cause)
{
    return shop_fail_unavailable(p, "the database is unavailable", what, cause);
}

int shop_reply_failure(request_rec *r, const shop_error_t *err)
{
    if (err->status == AP_FILTER_ERROR)
        return AP_FILTER_ERROR;
    if (err->cause)
        ap_log_rerror(APLOG_MARK, err->status >= 500 ? APLOG_ERR : APLOG_INFO, 0, r,
                      SHOPLOGNO(00001) "%s (answered %d)", err->cause, err->status);
    if (err->body)
        return shop_reply_json(r, err->status, err->body);
    return shop_reply_error(r, err->status, err->message ? err->message : "request failed");
}
