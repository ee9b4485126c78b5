/*
 * email_consumer.c: the consumer of user-, order- and payment-events, run on a
 * thread of mod_shop_kafka's worker. Which event gets which mail:
 *
 *   user.created                                     welcome
 *   order.created (unless its status is failed)      the confirmation, with the items
 *   order.updated, status shipped, delivered,        one mail each
 *     refunded or partially_refunded
 *   payment.failed                                   payment failed
 *
 * Any other event is done without a mail. An event that cannot be mailed (not
 * JSON, no id, no usable address) is rejected to <topic>.dlq, and so is a
 * mail the SMTP server refuses for good (5xx); an SMTP server or database that
 * cannot be reached makes the event come again (the worker's backoff).
 *
 * Never the same mail twice: the event's email_sent row is inserted in a
 * transaction before sending, which stays open while the SMTP server takes the
 * mail (bounded by ShopEmailTimeout) and commits as soon as it accepted it. A
 * second consumer handed the same event meanwhile (a rebalance) waits on that
 * row and finds it sent; a worker that dies before the server accepted leaves
 * nothing behind, so the event comes again and goes once. What remains is the
 * moment between the server's acceptance and the commit: if the worker dies
 * there (or PostgreSQL fails the commit), the mail goes out twice, both copies
 * with the same Message-ID (derived from the event id), which receivers such
 * as Gmail show once. The database connection is the consumer thread's own
 * (ShopEmailDB), opened on first use and reopened after a failure; it lives as
 * long as the worker process.
 */
#include "email.h"

#include "http_log.h"
#include "apr_strings.h"
#include <cJSON.h>
#include <math.h>

#include "shop_http.h"
#include "shop_log.h"
#include "shop_pg.h"

APLOG_USE_MODULE(shop_email);

static const char claim_sql[] =
    "insert into email_sent (event_id, type, recipient) values ($1, $2, $3)"
    " on conflict (event_id) do nothing returning 1";

static const struct {
    const char *status;
    mail_kind_t kind;
} order_statuses[] = {
    { "shipped", MAIL_ORDER_SHIPPED },
    { "delivered", MAIL_ORDER_DELIVERED },
    { "refunded", MAIL_ORDER_REFUNDED },
    { "partially_refunded", MAIL_ORDER_PARTIALLY_REFUNDED },
};

static const char *json_string(const cJSON *obj, const char *name)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, name);

    return cJSON_IsString(item) ? item->valuestring : NULL;
}

static int printable(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return 0;
    return 1;
}

/* The mail an event gets, or -1 for none. */
static int kind_of(const char *type, const cJSON *data)
{
    const char *status = json_string(data, "status");
    apr_size_t i;

    if (!strcmp(type, "user.created"))
        return MAIL_WELCOME;
    if (!strcmp(type, "order.created"))         /* a failed payment's order: payment.failed mails */
        return status && !strcmp(status, "failed") ? -1 : MAIL_ORDER_CREATED;
    if (!strcmp(type, "payment.failed"))
        return MAIL_PAYMENT_FAILED;
    if (strcmp(type, "order.updated") || !status)
        return -1;
    for (i = 0; i < sizeof(order_statuses) / sizeof(order_statuses[0]); i++)
        if (!strcmp(status, order_statuses[i].status))
            return order_statuses[i].kind;
    return -1;
}

/* An amount in major units as "$39.90", "€5.00", or "39.90 CHF". */
static const char *money(apr_pool_t *p, double major, const char *currency)
{
    apr_int64_t minor = (apr_int64_t)llround(major * 100);
    const char *number = apr_psprintf(p, "%s%" APR_INT64_T_FMT ".%02d", minor < 0 ? "-" : "",
                                      (minor < 0 ? -minor : minor) / 100,
                                      (int)((minor < 0 ? -minor : minor) % 100));

    if (!currency)
        return number;
    if (!strcasecmp(currency, "usd"))
        return apr_pstrcat(p, "$", number, NULL);
    if (!strcasecmp(currency, "eur"))
        return apr_pstrcat(p, "\xe2\x82\xac", number, NULL);
    if (!strcasecmp(currency, "gbp"))
        return apr_pstrcat(p, "\xc2\xa3", number, NULL);
    return apr_pstrcat(p, number, " ", apr_pstrdup(p, currency), NULL);
}

static void set_money(apr_pool_t *p, mail_vars_t *vars, const char *name, const cJSON *value,
                      const char *currency)
{
    if (cJSON_IsNumber(value))
        apr_table_setn(vars, name, money(p, value->valuedouble, currency));
}

/* {{items}}: items.txt / items.html around one item.txt / item.html per item of data.items */
static void set_items(apr_pool_t *p, const email_conf_t *conf, mail_vars_t *vars,
                      const cJSON *data, const char *currency)
{
    apr_array_header_t *text = apr_array_make(p, 8, sizeof(const char *));
    apr_array_header_t *html = apr_array_make(p, 8, sizeof(const char *));
    const cJSON *item;

    cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(data, "items")) {
        mail_vars_t *v = apr_table_make(p, 8);
        const cJSON *price = cJSON_GetObjectItemCaseSensitive(item, "price");
        const cJSON *quantity = cJSON_GetObjectItemCaseSensitive(item, "quantity");
        static const char *const fields[] = { "name", "size", "color", "productId" };
        apr_size_t i;

        for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
            if (json_string(item, fields[i]))
                apr_table_setn(v, fields[i], json_string(item, fields[i]));
        if (cJSON_IsNumber(quantity))
            apr_table_setn(v, "quantity", apr_psprintf(p, "%.0f", quantity->valuedouble));
        set_money(p, v, "price", price, currency);
        if (cJSON_IsNumber(price) && cJSON_IsNumber(quantity))
            apr_table_setn(v, "lineTotal",
                           money(p, price->valuedouble * quantity->valuedouble, currency));
        APR_ARRAY_PUSH(text, const char *) = mail_render(p, conf->templates.item_text, v, 0);
        APR_ARRAY_PUSH(html, const char *) = mail_render(p, conf->templates.item_html, v, 1);
    }
    apr_table_setn(vars, "rows", apr_array_pstrcat(p, text, 0));
    apr_table_setn(vars, "!rows", apr_array_pstrcat(p, html, 0));
    apr_table_setn(vars, "items", mail_render(p, conf->templates.items_text, vars, 0));
    apr_table_setn(vars, "!items", mail_render(p, conf->templates.items_html, vars, 1));
}

/* The recipient and the values of the mail; NULL, or why it cannot be sent. */
static const char *mail_fill(apr_pool_t *p, const email_conf_t *conf, mail_kind_t kind,
                             const char *key, const cJSON *data, mail_t *mail,
                             mail_vars_t *vars)
{
    const cJSON *shipping = cJSON_GetObjectItemCaseSensitive(data, "shipping");
    const char *currency = json_string(data, "currency");
    const char *first = json_string(data, "firstName"), *last = json_string(data, "lastName");
    static const char *const fields[] = {
        "firstName", "lastName", "username", "status", "reason", "checkoutSessionId"
    };
    apr_size_t i;

    /* an order's mail goes to the contact given at checkout, else to the account */
    mail->to.addr = kind == MAIL_WELCOME ? NULL : json_string(shipping, "email");
    if (!mail->to.addr || !*mail->to.addr)
        mail->to.addr = json_string(data, "email");
    if (!mail_address_valid(mail->to.addr))     /* not echoed: it may hold CR/LF */
        return "the event has no usable email address (data.shipping.email or data.email)";
    mail->to.name = kind == MAIL_WELCOME
                    ? apr_pstrcat(p, first ? first : "", first && last ? " " : "", last ? last : "",
                                  NULL)
                    : json_string(shipping, "name");
    mail->to.name = mail->to.name ? mail->to.name : "";
    for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
        if (json_string(data, fields[i]))
            apr_table_setn(vars, fields[i], json_string(data, fields[i]));
    apr_table_setn(vars, "name", *mail->to.name ? mail->to.name : "there");
    apr_table_setn(vars, "email", mail->to.addr);
    apr_table_setn(vars, "orderId", json_string(data, "id") ? json_string(data, "id") : key);
    apr_table_setn(vars, "shopName", *conf->from.name ? conf->from.name : "our shop");
    apr_table_setn(vars, "shopUrl", conf->shop_url ? conf->shop_url : "");
    set_money(p, vars, "total", cJSON_GetObjectItemCaseSensitive(data, "amount"), currency);
    set_money(p, vars, "refunded", cJSON_GetObjectItemCaseSensitive(data, "refundedAmount"),
              currency);
    set_items(p, conf, vars, data, currency);
    return NULL;
}

/* Renders the templates of kind into mail. */
static void mail_render_all(apr_pool_t *p, const email_conf_t *conf, mail_kind_t kind,
                            mail_vars_t *vars, mail_t *mail)
{
    const mail_templates_t *t = &conf->templates;

    mail->subject = mail_render(p, t->subject[kind], vars, 0);
    mail->text = mail_render(p, t->text[kind], vars, 0);
    apr_table_setn(vars, "!content", mail_render(p, t->html[kind], vars, 1));
    apr_table_setn(vars, "subject", mail->subject);
    mail->html = mail_render(p, t->layout, vars, 1);
}

/* The thread's connection, (re)opened when needed; NULL and *error. */
static PGconn *connection(email_conf_t *conf, apr_pool_t *p, const char **error)
{
    if (conf->conn && PQstatus(conf->conn) == CONNECTION_OK)
        return conf->conn;
    PQfinish(conf->conn);
    conf->conn = PQconnectdb(conf->db);
    if (PQstatus(conf->conn) == CONNECTION_OK)
        return conf->conn;
    *error = apr_pstrcat(p, "database: ", PQerrorMessage(conf->conn), NULL);
    return NULL;
}

/*
 * Opens the transaction that claims the event: 1 claimed (the row inserted,
 * uncommitted until commit_sent; a rollback when p goes otherwise), 0 the event
 * was mailed already, -1 the database could not say (*error).
 */
static int claim(email_conf_t *conf, apr_pool_t *p, const char *event_id, const char *type,
                 const mail_t *mail, const char **error)
{
    const char *params[3] = { event_id, type, mail->to.addr };
    PGconn *conn = connection(conf, p, error);
    PGresult *res;

    if (!conn)
        return -1;
    if ((*error = shop_pg_begin(p, conn))
        || !(res = shop_pg_exec(p, conn, claim_sql, 3, params, error))) {
        *error = apr_pstrcat(p, "database: ", *error, NULL);
        return -1;
    }
    return PQntuples(res) > 0;
}

static void commit_sent(email_conf_t *conf, apr_pool_t *p, const char *event_id)
{
    const char *error = shop_pg_commit(p, conf->conn);

    if (error)
        ap_log_error(APLOG_MARK, APLOG_ERR, 0, conf->s, SHOPLOGNO(06001) "mail for event %s sent, "
                     "but not recorded (a redelivery would send it again): %s", event_id, error);
}

/* Sends the mail of the event unless it went already. */
static shop_consume_t deliver(email_conf_t *conf, apr_pool_t *p, const char *event_id,
                              const char *type, const mail_t *mail, const char **error)
{
    int claimed = claim(conf, p, event_id, type, mail, error);

    if (claimed < 0)
        return SHOP_CONSUME_RETRY;
    if (!claimed) {
        ap_log_error(APLOG_MARK, APLOG_INFO, 0, conf->s, SHOPLOGNO(06002) "event %s was mailed "
                     "already: not again", event_id);
        return SHOP_CONSUME_DONE;
    }
    switch (smtp_send(p, &conf->smtp, mail, mail_message(p, mail, apr_time_now()), error)) {
    case SMTP_RETRY:                            /* the claim is rolled back with p */
        return SHOP_CONSUME_RETRY;
    case SMTP_REJECT:
        return SHOP_CONSUME_REJECT;
    case SMTP_SENT:
        break;
    }
    commit_sent(conf, p, event_id);
    ap_log_error(APLOG_MARK, APLOG_INFO, 0, conf->s, SHOPLOGNO(06003) "mailed %s (event %s) to %s",
                 type, event_id, mail->to.addr);
    return SHOP_CONSUME_DONE;
}

shop_consume_t email_consume(const shop_message_t *msg, void *baton, apr_pool_t *p,
                             const char **error)
{
    email_conf_t *conf = baton;
    cJSON *event = shop_json_own(p, cJSON_ParseWithLength(msg->value, msg->len));
    const cJSON *data = cJSON_GetObjectItemCaseSensitive(event, "data");
    const char *id = json_string(event, "id"), *type = json_string(event, "type");
    mail_vars_t *vars = apr_table_make(p, 16);
    mail_t mail = { .from = conf->from };
    int kind;

    if (!cJSON_IsObject(event) || !id || !*id || !type) {
        *error = event ? "the event has no string id and type" : "the event is not JSON";
        return SHOP_CONSUME_REJECT;
    }
    if (!printable(id)) {                       /* it goes into logs and Message-IDs */
        *error = "the event id holds control characters";
        return SHOP_CONSUME_REJECT;
    }
    if ((kind = kind_of(type, data)) < 0)
        return SHOP_CONSUME_DONE;
    if (!cJSON_IsObject(data)) {
        *error = apr_psprintf(p, "event %s has no data object", id);
        return SHOP_CONSUME_REJECT;
    }
    if ((*error = mail_fill(p, conf, kind, msg->key, data, &mail, vars)))
        return SHOP_CONSUME_REJECT;
    mail.event_id = id;
    mail_render_all(p, conf, kind, vars, &mail);
    return deliver(conf, p, id, type, &mail, error);
}
