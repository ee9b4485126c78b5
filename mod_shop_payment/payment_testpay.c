/*
 * payment_testpay.c: the test provider (ShopPaymentProvider test), for the
 * demo and the tests: no money moves.
 *   GET  /pay/:id      a checkout page: the lines, the total, "Pay" and "Fail"
 *   POST /pay/:id      action=pay|fail: through the same completion as a Stripe
 *                      webhook, then 303 to the success (or cancel) URL
 *   GET  /result/:id   the default return page: what became of the payment
 */
#include "payment.h"

#include "http_protocol.h"
#include "http_core.h"
#include "apr_strings.h"

#include "shop_body.h"
#include "shop_http.h"
#include "shop_pg.h"

#define FORM_LIMIT 1024

static const char page_head[] =
    "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>%s</title>"
    "<style>body{font-family:system-ui,sans-serif;background:#f6f7f9;color:#1d2330;margin:0}"
    "main{max-width:34rem;margin:3rem auto;background:#fff;padding:2rem;border-radius:12px;"
    "box-shadow:0 2px 12px #0001}h1{font-size:1.4rem;margin-top:0}"
    ".note{color:#667;font-size:.9rem}table{width:100%%;border-collapse:collapse;margin:1rem 0}"
    "td{padding:.4rem 0;border-bottom:1px solid #eee}td.n{text-align:right}"
    ".total{font-weight:600;text-align:right}form{display:flex;gap:.75rem;margin-top:1.5rem}"
    "button{flex:1;padding:.8rem;font-size:1rem;border:0;border-radius:8px;cursor:pointer}"
    ".pay{background:#1f7a4d;color:#fff}.fail{background:#eee;color:#822}</style></head>"
    "<body><main><h1>%s</h1>";

static int page_start(request_rec *r, int status, const char *title)
{
    r->status = status;
    ap_set_content_type(r, "text/html; charset=utf-8");
    apr_table_setn(r->headers_out, "Cache-Control", "no-store");
    ap_rprintf(r, page_head, title, title);
    return OK;
}

static int page_end(request_rec *r)
{
    ap_rputs("</main></body></html>\n", r);
    return OK;
}

static int page_message(request_rec *r, int status, const char *title, const char *text)
{
    page_start(r, status, title);
    ap_rprintf(r, "<p>%s</p>", ap_escape_html2(r->pool, text, 1));
    return page_end(r);
}

/* the test provider's session id, or NULL after answering */
static payment_session_t *test_session(request_rec *r, const char *id, PGconn **conn, int *rv)
{
    payment_session_t *s;
    shop_error_t *err;

    if (!(*conn = shop_pg_connection(r, &err))
        || (!(s = payment_session_find(r, *conn, "id", id, 0, &err)) && err)) {
        *rv = shop_reply_failure(r, err);
        return NULL;
    }
    if (!s || strcmp(s->provider, "test")) {
        *rv = page_message(r, HTTP_NOT_FOUND, "No such checkout", "This checkout does not exist.");
        return NULL;
    }
    return s;
}

static void item_rows(request_rec *r, PGconn *conn, const char *id)
{
    static const char sql[] = "select name, size, color, quantity, unit_minor * quantity"
                              " from checkout_item where session_id = $1::uuid order by position";
    const char *error = NULL;
    PGresult *res = shop_pg_exec(r->pool, conn, sql, 1, &id, &error);
    int i;

    for (i = 0; res && i < PQntuples(res); i++)
        ap_rprintf(r, "<tr><td>%s <span class=\"note\">(%s, %s)</span></td><td class=\"n\">"
                   "&times; %s</td><td class=\"n\">%.2f</td></tr>",
                   ap_escape_html2(r->pool, PQgetvalue(res, i, 0), 1),
                   ap_escape_html2(r->pool, PQgetvalue(res, i, 1), 1),
                   ap_escape_html2(r->pool, PQgetvalue(res, i, 2), 1), PQgetvalue(res, i, 3),
                   payment_major(apr_atoi64(PQgetvalue(res, i, 4))));
}

int payment_testpay_page(request_rec *r, const char *id)
{
    payment_session_t *s;
    PGconn *conn;
    int rv;

    if (!(s = test_session(r, id, &conn, &rv)))
        return rv;
    if (strcmp(s->status, "open") || strcmp(s->payment_status, "unpaid"))
        return page_message(r, HTTP_CONFLICT, "Checkout closed",
                            apr_psprintf(r->pool, "This checkout is %s (payment %s).",
                                         s->status, s->payment_status));
    page_start(r, HTTP_OK, "Test checkout");
    ap_rputs("<p class=\"note\">mod_shop's test payment provider: no money moves.</p><table>", r);
    item_rows(r, conn, s->id);
    ap_rprintf(r, "</table><p class=\"total\">Total %.2f %s</p><form method=\"post\">"
               "<button class=\"pay\" name=\"action\" value=\"pay\">Pay</button>"
               "<button class=\"fail\" name=\"action\" value=\"fail\">Fail</button></form>",
               payment_major(s->total), ap_escape_html2(r->pool, s->currency, 1));
    return page_end(r);
}

/* "pay" or "fail" from the form body, or NULL */
static const char *form_action(request_rec *r)
{
    char *body;
    apr_size_t len;

    if (shop_read_body(r, FORM_LIMIT, &body, &len) != OK)
        return NULL;
    return !strcmp(body, "action=pay") ? "pay" : !strcmp(body, "action=fail") ? "fail" : NULL;
}

static int redirect(request_rec *r, const char *url, const char *id)
{
    const char *to = payment_return_url(r, url, id);

    if (*to == '/')
        to = ap_construct_url(r->pool, to, r);
    apr_table_setn(r->headers_out, "Location", to);
    return page_message(r, HTTP_SEE_OTHER, "Redirecting", to);
}

int payment_testpay_submit(request_rec *r, const char *id)
{
    payment_conf_t *conf = payment_conf(r->server);
    payment_outcome_t o = { NULL };
    const char *action = form_action(r);
    payment_session_t *s;
    shop_error_t *err;
    PGconn *conn;
    int rv;

    if (!action)
        return page_message(r, HTTP_BAD_REQUEST, "Bad request", "Choose Pay or Fail.");
    if (!(s = test_session(r, id, &conn, &rv)))
        return rv;
    o.session_id = s->id;
    o.kind = strcmp(action, "pay") ? PAYMENT_FAILED : PAYMENT_PAID;
    o.reason = "declined on the test checkout page";
    if ((err = payment_settle(r, conn, &o))
        || !(s = payment_session_find(r, conn, "id", id, 0, &err)))
        return shop_reply_failure(r, err ? err : shop_fail_db(r->pool, "reread", "gone"));
    return redirect(r, strcmp(s->payment_status, "paid") ? conf->cancel_url : conf->success_url,
                    s->id);
}

int payment_result_page(request_rec *r, const char *id)
{
    payment_session_t *s;
    shop_error_t *err;
    PGconn *conn;

    if (!(conn = shop_pg_connection(r, &err))
        || (!(s = payment_session_find(r, conn, "id", id, 0, &err)) && err))
        return shop_reply_failure(r, err);
    if (!s)
        return page_message(r, HTTP_NOT_FOUND, "No such checkout", "This checkout does not exist.");
    if (!strcmp(s->payment_status, "paid"))
        return page_message(r, HTTP_OK, "Thank you", "Your payment was received; your order "
                            "is on its way.");
    if (!strcmp(s->payment_status, "failed"))
        return page_message(r, HTTP_OK, "Payment failed", "Your payment did not go through. "
                            "Nothing was charged.");
    return page_message(r, HTTP_OK, "Waiting for payment", "This checkout is not paid yet.");
}
