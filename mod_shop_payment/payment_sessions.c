/*
 * payment_sessions.c: checkout sessions (table checkout_session and its
 * checkout_item lines) and their routes:
 *   POST /sessions/create-checkout-session   a signed-in user's cart, priced by
 *        the catalog (never by the client), stored, and handed to the provider
 *   GET  /sessions/:id                       the owner's view of it; an open
 *        Stripe session is asked about, and completed when Stripe says paid
 */
#include "payment.h"

#include "http_log.h"
#include "http_protocol.h"
#include "http_core.h"
#include "apr_strings.h"
#include "apr_uuid.h"

#include "shop_body.h"
#include "shop_http.h"
#include "shop_log.h"
#include "shop_parse.h"
#include "shop_pg.h"
#include "shop_write.h"

APLOG_USE_MODULE(shop_payment);

#define MAX_LINES       100
#define MAX_QUANTITY    99
#define MAX_TEXT        200             /* bytes of a shipping field or an option */
/* in a return URL, replaced by our session id (the token Stripe's own URLs use) */
#define SESSION_ID_TOKEN "{CHECKOUT_SESSION_ID}"

#define SESSION_COLUMNS \
    "id, user_id, email, provider, provider_session_id, payment_intent_id, currency, " \
    "status, payment_status, shipping::text, total_minor, refunded_minor, reserved_minor"

/* a checkout being created: its lines as the catalog priced them */
typedef struct {
    const char *id;
    const char *email;
    cJSON *lines;           /* [{productId, name, unit, quantity, size, color}] */
    cJSON *shipping;
    apr_int64_t total;
    const char *provider_id;
    const char *url;
} checkout_t;

/* ---- finding sessions ----------------------------------------------------- */

static payment_session_t *session_row(request_rec *r, const PGresult *res)
{
    payment_session_t *s = apr_pcalloc(r->pool, sizeof(*s));
    const char **text[] = { &s->id, &s->user_id, &s->email, &s->provider,
                            &s->provider_session_id, &s->payment_intent, &s->currency,
                            &s->status, &s->payment_status, &s->shipping };
    int i, n = (int)(sizeof(text) / sizeof(text[0]));

    for (i = 0; i < n; i++)
        *text[i] = PQgetisnull(res, 0, i) ? NULL : PQgetvalue(res, 0, i);
    s->total = apr_atoi64(PQgetvalue(res, 0, n));
    s->refunded = apr_atoi64(PQgetvalue(res, 0, n + 1));
    s->reserved = apr_atoi64(PQgetvalue(res, 0, n + 2));
    return s;
}

payment_session_t *payment_session_find(request_rec *r, PGconn *conn, const char *by,
                                        const char *value, int lock, shop_error_t **err)
{
    const char *sql, *error = NULL;
    PGresult *res;

    *err = NULL;
    if (!strcmp(by, "id") && !shop_is_uuid(value))
        return NULL;
    sql = apr_pstrcat(r->pool, "select " SESSION_COLUMNS " from checkout_session where ",
                      strcmp(by, "id") ? "payment_intent_id = $1" : "id = $1::uuid",
                      lock ? " for update" : "", NULL);
    if (!(res = shop_pg_exec(r->pool, conn, sql, 1, &value, &error))) {
        *err = shop_fail_db(r->pool, "find checkout session", error);
        return NULL;
    }
    return PQntuples(res) == 1 ? session_row(r, res) : NULL;
}

const char *payment_return_url(request_rec *r, const char *url, const char *id)
{
    const char *at = strstr(url, SESSION_ID_TOKEN);

    if (!at)
        return url;
    return apr_pstrcat(r->pool, apr_pstrndup(r->pool, url, at - url), id,
                       at + strlen(SESSION_ID_TOKEN), NULL);
}

/* ---- validating the request ----------------------------------------------- */

static const char *text_field(request_rec *r, const cJSON *obj, const char *name,
                              cJSON *errors, const char *path)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, name);
    const char *where = apr_pstrcat(r->pool, path, name, NULL);

    if (!cJSON_IsString(item) || !*item->valuestring) {
        cJSON_AddStringToObject(errors, where, "is required");
        return NULL;
    }
    if (strlen(item->valuestring) > MAX_TEXT) {
        cJSON_AddStringToObject(errors, where, "is too long");
        return NULL;
    }
    return item->valuestring;
}

static int all_digits(const char *s)
{
    return *s && strspn(s, "0123456789") == strlen(s);
}

/* the five shipping fields, as a new object (owned by r->pool); errors filled */
static cJSON *check_shipping(request_rec *r, const cJSON *shipping, cJSON *errors)
{
    static const char *const names[] = { "name", "email", "phone", "address", "city" };
    cJSON *clean = shop_json_own(r->pool, cJSON_CreateObject());
    const char *v[5];
    int i;

    if (!cJSON_IsObject(shipping)) {
        cJSON_AddStringToObject(errors, "shipping", "must be an object");
        return clean;
    }
    for (i = 0; i < 5; i++)
        if ((v[i] = text_field(r, shipping, names[i], errors, "shipping.")))
            cJSON_AddStringToObject(clean, names[i], v[i]);
    if (v[1] && !shop_is_email(v[1]))
        cJSON_AddStringToObject(errors, "shipping.email", "must be a valid email address");
    if (v[2] && (!all_digits(v[2]) || strlen(v[2]) < 7 || strlen(v[2]) > 10))
        cJSON_AddStringToObject(errors, "shipping.phone", "must be 7 to 10 digits");
    return clean;
}

/* a product id as a number or a string of digits, in int range; 0 if not one */
static long product_id(const cJSON *id)
{
    long v = 0;

    if (cJSON_IsNumber(id) && id->valuedouble >= 1 && id->valuedouble <= 2147483647.0
        && id->valuedouble == (double)(long)id->valuedouble)
        return (long)id->valuedouble;
    if (cJSON_IsString(id) && shop_parse_int(id->valuestring, 1, 2147483647L, &v))
        return v;
    return 0;
}

/* One cart line into wanted ({id, quantity, size, color}); its errors named "cart[i].field". */
static void check_line(request_rec *r, const cJSON *line, int i, cJSON *wanted, cJSON *errors)
{
    const char *path = apr_psprintf(r->pool, "cart[%d].", i);
    const cJSON *qty = cJSON_GetObjectItemCaseSensitive(line, "quantity");
    const char *size, *color;
    long id;
    cJSON *w;

    if (!cJSON_IsObject(line)) {
        cJSON_AddStringToObject(errors, apr_psprintf(r->pool, "cart[%d]", i), "must be an object");
        return;
    }
    if (!(id = product_id(cJSON_GetObjectItemCaseSensitive(line, "id"))))
        cJSON_AddStringToObject(errors, apr_pstrcat(r->pool, path, "id", NULL),
                                "must be a product id");
    if (!cJSON_IsNumber(qty) || qty->valuedouble < 1 || qty->valuedouble > MAX_QUANTITY
        || qty->valuedouble != (double)(int)qty->valuedouble)
        cJSON_AddStringToObject(errors, apr_pstrcat(r->pool, path, "quantity", NULL),
                                "must be a whole number from 1 to 99");
    size = text_field(r, line, "selectedSize", errors, path);
    color = text_field(r, line, "selectedColor", errors, path);
    if (!id || !size || !color || cJSON_GetArraySize(errors))
        return;
    w = cJSON_CreateObject();
    cJSON_AddNumberToObject(w, "id", (double)id);
    cJSON_AddNumberToObject(w, "quantity", qty->valuedouble);
    cJSON_AddStringToObject(w, "size", size);
    cJSON_AddStringToObject(w, "color", color);
    cJSON_AddItemToArray(wanted, w);
}

/* the cart's lines as [{id, quantity, size, color}] (owned by r->pool); errors filled */
static cJSON *check_cart(request_rec *r, const cJSON *cart, cJSON *errors)
{
    cJSON *wanted = shop_json_own(r->pool, cJSON_CreateArray());
    int i, n = cJSON_GetArraySize(cart);

    if (!cJSON_IsArray(cart) || n < 1 || n > MAX_LINES)
        cJSON_AddStringToObject(errors, "cart", "must hold 1 to 100 items");
    else
        for (i = 0; i < n; i++)
            check_line(r, cJSON_GetArrayItem(cart, i), i, wanted, errors);
    return wanted;
}

static shop_error_t *invalid(apr_pool_t *p, cJSON *errors)
{
    cJSON *json = shop_json_own(p, cJSON_CreateObject());

    cJSON_AddStringToObject(json, "message", "invalid checkout");
    cJSON_AddItemReferenceToObject(json, "fields", errors);
    return shop_fail_body(p, HTTP_BAD_REQUEST, json);
}

/* json as text in p; NULL when out of memory */
static const char *json_text(apr_pool_t *p, const cJSON *json)
{
    char *text = cJSON_PrintUnformatted(json);
    const char *copy = text ? apr_pstrdup(p, text) : NULL;

    cJSON_free(text);
    return copy;
}

/* ---- pricing from the catalog --------------------------------------------- */

static const char price_sql[] =
    "select p.id, p.name, p.price_minor, (e.v->>'size') = any(p.sizes),"
    " (e.v->>'color') = any(p.colors)"
    " from jsonb_array_elements($1::jsonb) with ordinality as e(v, n)"
    " left join product p on p.id = (e.v->>'id')::int order by e.n";

/* One priced line into c->lines, or its error. */
static void price_line(request_rec *r, checkout_t *c, const cJSON *want, const PGresult *res,
                       int i, cJSON *errors)
{
    const char *path = apr_psprintf(r->pool, "cart[%d].", i);
    long qty = (long)cJSON_GetObjectItem(want, "quantity")->valuedouble;
    apr_int64_t unit;
    cJSON *line;

    if (PQgetisnull(res, i, 0)) {
        cJSON_AddStringToObject(errors, apr_pstrcat(r->pool, path, "id", NULL), apr_psprintf(
            r->pool, "no such product: %.0f", cJSON_GetObjectItem(want, "id")->valuedouble));
        return;
    }
    if (strcmp(PQgetvalue(res, i, 3), "t"))
        cJSON_AddStringToObject(errors, apr_pstrcat(r->pool, path, "selectedSize", NULL),
                                "is not a size of this product");
    if (strcmp(PQgetvalue(res, i, 4), "t"))
        cJSON_AddStringToObject(errors, apr_pstrcat(r->pool, path, "selectedColor", NULL),
                                "is not a color of this product");
    unit = apr_atoi64(PQgetvalue(res, i, 2));
    c->total += unit * qty;
    line = cJSON_CreateObject();
    cJSON_AddNumberToObject(line, "productId", atof(PQgetvalue(res, i, 0)));
    cJSON_AddStringToObject(line, "name", PQgetvalue(res, i, 1));
    cJSON_AddNumberToObject(line, "unit", (double)unit);
    cJSON_AddNumberToObject(line, "quantity", (double)qty);
    cJSON_AddItemReferenceToObject(line, "size", cJSON_GetObjectItem(want, "size"));
    cJSON_AddItemReferenceToObject(line, "color", cJSON_GetObjectItem(want, "color"));
    cJSON_AddItemToArray(c->lines, line);
}

static shop_error_t *price(request_rec *r, PGconn *conn, checkout_t *c, cJSON *wanted)
{
    cJSON *errors = shop_json_own(r->pool, cJSON_CreateObject());
    const char *text = json_text(r->pool, wanted), *error = NULL;
    PGresult *res;
    int i;

    if (!text)
        return shop_fail_db(r->pool, "price checkout", "out of memory");
    res = shop_pg_exec(r->pool, conn, price_sql, 1, &text, &error);
    if (!res || PQntuples(res) != cJSON_GetArraySize(wanted))
        return shop_fail_db(r->pool, "price checkout", error ? error : "lines lost");
    c->lines = shop_json_own(r->pool, cJSON_CreateArray());
    for (i = 0; i < PQntuples(res); i++)
        price_line(r, c, cJSON_GetArrayItem(wanted, i), res, i, errors);
    return cJSON_GetArraySize(errors) ? invalid(r->pool, errors) : NULL;
}

/* ---- the providers --------------------------------------------------------- */

/* line_items[i][...] of one priced line, appended to form */
static const char *stripe_line(request_rec *r, const char *form, int i, const cJSON *line,
                               const char *currency)
{
    const char *p = apr_psprintf(r->pool, "line_items[%d]", i);
    const char *fields[4][2] = {
        { "[price_data][currency]", currency },
        { "[price_data][unit_amount]",
          apr_psprintf(r->pool, "%.0f", cJSON_GetObjectItem(line, "unit")->valuedouble) },
        { "[price_data][product_data][name]", cJSON_GetObjectItem(line, "name")->valuestring },
        { "[quantity]",
          apr_psprintf(r->pool, "%.0f", cJSON_GetObjectItem(line, "quantity")->valuedouble) },
    };
    int k;

    for (k = 0; k < 4; k++)
        form = payment_form_add(r->pool, form, apr_pstrcat(r->pool, p, fields[k][0], NULL),
                                fields[k][1]);
    return form;
}

/* the form of POST /v1/checkout/sessions */
static const char *stripe_form(request_rec *r, const checkout_t *c)
{
    payment_conf_t *conf = payment_conf(r->server);
    const char *form = "mode=payment";
    const cJSON *line;
    int i = 0;

    cJSON_ArrayForEach(line, c->lines)
        form = stripe_line(r, form, i++, line, conf->currency);
    form = payment_form_add(r->pool, form, "client_reference_id", c->id);
    form = payment_form_add(r->pool, form, "metadata[session_id]", c->id);
    form = payment_form_add(r->pool, form, "customer_email", c->email);
    /* our id in the return URLs: the return page asks GET /sessions/:id with it */
    form = payment_form_add(r->pool, form, "success_url",
                            payment_return_url(r, conf->success_url, c->id));
    return payment_form_add(r->pool, form, "cancel_url",
                            payment_return_url(r, conf->cancel_url, c->id));
}

static shop_error_t *stripe_create(request_rec *r, checkout_t *c)
{
    shop_error_t *err = NULL;
    cJSON *answer = payment_stripe_call(r, "/v1/checkout/sessions", stripe_form(r, c), c->id, &err);
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(answer, "id");
    const cJSON *url = cJSON_GetObjectItemCaseSensitive(answer, "url");

    if (!answer)
        return err;
    if (!cJSON_IsString(id) || !cJSON_IsString(url))
        return shop_fail(r->pool, HTTP_BAD_GATEWAY, "the payment provider gave no checkout URL");
    c->provider_id = apr_pstrdup(r->pool, id->valuestring);
    c->url = apr_pstrdup(r->pool, url->valuestring);
    return NULL;
}

/* ---- storing --------------------------------------------------------------- */

static shop_error_t *store(request_rec *r, PGconn *conn, const checkout_t *c)
{
    static const char session_sql[] =
        "insert into checkout_session (id, user_id, email, provider, provider_session_id, url,"
        " currency, total_minor, shipping) values ($1::uuid, $2, $3, $4, $5, $6, $7, $8::bigint,"
        " $9::jsonb) returning id";
    static const char lines_sql[] =
        "insert into checkout_item (session_id, position, product_id, name, unit_minor, quantity,"
        " size, color) select $1::uuid, n, (v->>'productId')::int, v->>'name',"
        " (v->>'unit')::int, (v->>'quantity')::int, v->>'size', v->>'color'"
        " from jsonb_array_elements($2::jsonb) with ordinality as e(v, n)";
    payment_conf_t *conf = payment_conf(r->server);
    const char *params[9], *lines[2], *error = NULL;
    shop_write_t write = { "create checkout session", session_sql, 9, params, "not stored",
                           NULL };
    shop_error_t *err;

    params[0] = lines[0] = c->id;
    params[1] = r->user;
    params[2] = c->email;
    params[3] = conf->provider == PAYMENT_PROVIDER_STRIPE ? "stripe" : "test";
    params[4] = c->provider_id;
    params[5] = c->url;
    params[6] = conf->currency;
    params[7] = apr_psprintf(r->pool, "%" APR_INT64_T_FMT, c->total);
    params[8] = json_text(r->pool, c->shipping);
    lines[1] = json_text(r->pool, c->lines);
    if (!params[8] || !lines[1])
        return shop_fail_db(r->pool, write.what, "out of memory");
    if (!shop_write_begin(r, conn, &write, &err))
        return err;
    if (!shop_pg_exec(r->pool, conn, lines_sql, 2, lines, &error))
        return shop_fail_db(r->pool, write.what, error);
    return shop_write_commit(r, conn, NULL);
}

/* ---- routes ---------------------------------------------------------------- */

const char *payment_new_id(apr_pool_t *p)
{
    char text[APR_UUID_FORMATTED_LENGTH + 1];
    apr_uuid_t uuid;

    apr_uuid_get(&uuid);
    apr_uuid_format(text, &uuid);
    return apr_pstrdup(p, text);
}

/* the checkout of the request body, validated and priced; NULL and *err */
static checkout_t *checkout_of(request_rec *r, PGconn **conn, shop_error_t **err)
{
    cJSON *body, *errors, *wanted;
    checkout_t *c = apr_pcalloc(r->pool, sizeof(*c));
    const char *account;

    if (!(body = shop_read_json(r, payment_conf(r->server)->max_body, err)))
        return NULL;
    errors = shop_json_own(r->pool, cJSON_CreateObject());
    wanted = check_cart(r, cJSON_GetObjectItemCaseSensitive(body, "cart"), errors);
    c->shipping = check_shipping(r, cJSON_GetObjectItemCaseSensitive(body, "shipping"), errors);
    if (cJSON_GetArraySize(errors)) {
        *err = invalid(r->pool, errors);
        return NULL;
    }
    if (!(*conn = shop_pg_connection(r, err)) || (*err = price(r, *conn, c, wanted)))
        return NULL;
    account = apr_table_get(r->subprocess_env, SHOP_ENV_EMAIL);
    c->email = account && *account ? account
                                   : cJSON_GetObjectItem(c->shipping, "email")->valuestring;
    c->id = payment_new_id(r->pool);
    return c;
}

int payment_sessions_create(request_rec *r, const char *id)
{
    shop_error_t *err = NULL;
    PGconn *conn = NULL;
    checkout_t *c;
    cJSON *json;

    if (!r->user)
        return shop_reply_error(r, HTTP_UNAUTHORIZED, "sign in to check out");
    if (!(c = checkout_of(r, &conn, &err)))
        return shop_reply_failure(r, err);
    if (payment_conf(r->server)->provider == PAYMENT_PROVIDER_STRIPE)
        err = stripe_create(r, c);
    else
        c->url = ap_construct_url(r->pool, apr_pstrcat(r->pool, "/pay/", c->id, NULL), r);
    if (err || (err = store(r, conn, c)))
        return shop_reply_failure(r, err);
    json = shop_json_own(r->pool, cJSON_CreateObject());
    cJSON_AddStringToObject(json, "id", c->id);
    cJSON_AddStringToObject(json, "url", c->url);
    return shop_reply_json(r, HTTP_OK, json);
}

/* An open Stripe session that Stripe says is paid: completed through the one path. */
static void ask_stripe(request_rec *r, PGconn *conn, const payment_session_t *s)
{
    payment_outcome_t o = { NULL };
    shop_error_t *err = NULL;
    cJSON *answer = payment_stripe_call(r, apr_pstrcat(r->pool, "/v1/checkout/sessions/",
                                        s->provider_session_id, NULL), NULL, NULL, &err);
    const cJSON *paid = cJSON_GetObjectItemCaseSensitive(answer, "payment_status");
    const cJSON *amount = cJSON_GetObjectItemCaseSensitive(answer, "amount_total");
    const cJSON *currency = cJSON_GetObjectItemCaseSensitive(answer, "currency");
    const cJSON *intent = cJSON_GetObjectItemCaseSensitive(answer, "payment_intent");

    if (!answer || !cJSON_IsString(paid) || strcmp(paid->valuestring, "paid"))
        return;                 /* not paid, or Stripe cannot say: the stored state stands */
    o.session_id = s->id;
    o.kind = PAYMENT_PAID;
    o.checked = 1;
    o.amount = payment_minor(amount);
    o.currency = cJSON_IsString(currency) ? currency->valuestring : "";
    o.payment_intent = cJSON_IsString(intent) ? intent->valuestring : NULL;
    if ((err = payment_settle(r, conn, &o)))
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r, SHOPLOGNO(05003) "completing session %s "
                      "from the return page: %s", s->id, err->cause ? err->cause : err->message);
}

static cJSON *order_id(request_rec *r, const char *session)
{
    APR_OPTIONAL_FN_TYPE(shop_order_for_session) *lookup =
        APR_RETRIEVE_OPTIONAL_FN(shop_order_for_session);
    const char *error = NULL, *order = lookup ? lookup(r, session, &error) : NULL;

    if (error)
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r, SHOPLOGNO(05004) "order of session %s: %s",
                      session, error);
    return order ? cJSON_CreateString(order) : cJSON_CreateNull();
}

int payment_sessions_get(request_rec *r, const char *id)
{
    payment_session_t *s;
    shop_error_t *err;
    PGconn *conn;
    cJSON *json;

    if (!(conn = shop_pg_connection(r, &err)))
        return shop_reply_failure(r, err);
    if (!(s = payment_session_find(r, conn, "id", id, 0, &err)) || !r->user
        || strcmp(s->user_id, r->user))
        return err ? shop_reply_failure(r, err)
                   : shop_reply_error(r, HTTP_NOT_FOUND, "no such checkout session");
    if (!strcmp(s->provider, "stripe") && !strcmp(s->status, "open")
        && !strcmp(s->payment_status, "unpaid") && s->provider_session_id) {
        ask_stripe(r, conn, s);
        if (!(s = payment_session_find(r, conn, "id", id, 0, &err)))
            return shop_reply_failure(r, err ? err : shop_fail_db(r->pool, "reread", "gone"));
    }
    json = shop_json_own(r->pool, cJSON_CreateObject());
    cJSON_AddStringToObject(json, "id", s->id);
    cJSON_AddStringToObject(json, "status", s->status);
    cJSON_AddStringToObject(json, "paymentStatus", s->payment_status);
    cJSON_AddNumberToObject(json, "amount", payment_major(s->total));
    cJSON_AddStringToObject(json, "currency", s->currency);
    cJSON_AddNumberToObject(json, "refunded", payment_major(s->refunded));
    cJSON_AddItemToObject(json, "orderId", order_id(r, s->id));
    return shop_reply_json(r, HTTP_OK, json);
}
