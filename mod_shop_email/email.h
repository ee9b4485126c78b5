/*
 * email.h: what the files of mod_shop_email share: the configuration, the mail
 * templates, the MIME message, the SMTP transfer and the consumer.
 *
 * Calls run one way: mod_shop_email.c (hooks) registers the consumer
 * (email_consumer.c), which renders a template (email_template.c) into a
 * message (email_message.c) and sends it (email_smtp.c). email_message.c uses
 * no httpd types.
 */
#ifndef EMAIL_H
#define EMAIL_H

#include "httpd.h"
#include "http_config.h"
#include <libpq-fe.h>

#include "mod_shop.h"

extern module AP_MODULE_DECLARE_DATA shop_email_module;

#pragma GCC visibility push(hidden)

#define EMAIL_TIMEOUT_DEFAULT 30            /* seconds, a whole SMTP transfer */
#define EMAIL_GROUP_DEFAULT "shop-email"

/* The kinds of mail, each with its templates <name>.txt and <name>.html. */
typedef enum {
    MAIL_WELCOME,
    MAIL_ORDER_CREATED,
    MAIL_ORDER_SHIPPED,
    MAIL_ORDER_DELIVERED,
    MAIL_ORDER_REFUNDED,
    MAIL_ORDER_PARTIALLY_REFUNDED,
    MAIL_PAYMENT_FAILED,
    MAIL_KINDS
} mail_kind_t;

/* email_template.c: the templates of one directory, read at config time */
typedef struct {
    const char *subject[MAIL_KINDS];    /* the first line of <name>.txt, after "Subject:" */
    const char *text[MAIL_KINDS];       /* the rest of <name>.txt */
    const char *html[MAIL_KINDS];       /* <name>.html, placed in layout.html's {{content}} */
    const char *layout;                 /* layout.html */
    const char *item_text, *item_html;  /* one order item: item.txt, item.html */
    const char *items_text, *items_html;    /* the items and the total: items.txt, items.html */
} mail_templates_t;

/* Reads dir's templates into p: NULL, or a sentence naming the file that is wrong. */
const char *mail_templates_load(apr_pool_t *p, const char *dir, mail_templates_t *t);

/*
 * The values of a mail: names -> text. A value put with a "!" first in its
 * name is ready-made HTML (rendered items) and is never escaped.
 */
typedef apr_table_t mail_vars_t;

/* tmpl with every {{name}} replaced by its value (HTML-escaped when html). */
const char *mail_render(apr_pool_t *p, const char *tmpl, const mail_vars_t *vars, int html);

/* email_message.c: RFC 5322 + MIME, every header value made safe (no httpd types) */
typedef struct {
    const char *name;                   /* display name, may be "" */
    const char *addr;                   /* a checked addr-spec */
} mail_address_t;

/* Whether addr is an address we send to: local@domain, printable ASCII, no spaces. */
int mail_address_valid(const char *addr);

/* Parses "Name <addr>" or "addr": NULL, or why not. */
const char *mail_address_parse(apr_pool_t *p, const char *text, mail_address_t *out);

typedef struct {
    mail_address_t from, to;
    const char *subject;
    const char *text, *html;            /* UTF-8 bodies */
    const char *event_id;               /* the Message-ID is derived from it */
} mail_t;

/* The whole message, headers and multipart/alternative body, CRLF lines. */
const char *mail_message(apr_pool_t *p, const mail_t *mail, apr_time_t date);

/* email_smtp.c */
typedef struct {
    const char *url;                    /* smtp:// or smtps:// */
    int starttls;
    const char *user, *password;
    const char *oauth2_file;            /* XOAUTH2 bearer token, read at each send */
    const char *ca_file;                /* PEM certificates to trust, NULL: the system's */
    int timeout;                        /* seconds */
} smtp_conf_t;

typedef enum { SMTP_SENT, SMTP_RETRY, SMTP_REJECT } smtp_result_t;

/* Sends message to mail's recipient; *error says why when not SMTP_SENT. */
smtp_result_t smtp_send(apr_pool_t *p, const smtp_conf_t *smtp, const mail_t *mail,
                        const char *message, const char **error);

/* Server config (main server only) */
typedef struct {
    int worker;                         /* ShopEmailWorker On */
    const char *group;                  /* the consumer group, ShopEmailGroup */
    smtp_conf_t smtp;
    const char *from_text;
    mail_address_t from;
    const char *templates_dir;
    mail_templates_t templates;
    const char *db;                     /* libpq conninfo */
    const char *shop_url;
    server_rec *s;                      /* for the worker's log lines */
    /* in the worker: the consumer thread's own connection */
    PGconn *conn;
} email_conf_t;

email_conf_t *email_conf(server_rec *s);

/* email_config.c */
extern const command_rec email_cmds[];
void *email_create_server_conf(apr_pool_t *p, server_rec *s);
/* NULL, or what a running worker lacks. */
const char *email_conf_check(const email_conf_t *conf);

/* email_consumer.c: the handler of user-, order- and payment-events */
shop_consume_t email_consume(const shop_message_t *msg, void *baton, apr_pool_t *p,
                             const char **error);

#pragma GCC visibility pop

#endif
