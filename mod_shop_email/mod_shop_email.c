/*
 * mod_shop_email.c: the email worker of mod_shop (DESIGN §1, §5).
 *
 * It has no port and no handler. With ShopEmailWorker On it registers one
 * consumer ("email", group ShopEmailGroup, default shop-email) of user-events, order-events and
 * payment-events with mod_shop_kafka's worker process (shop_kafka_consumer),
 * which mails what a customer should hear about (email_consumer.c) over SMTP
 * (email_smtp.c). Directives: email_config.c.
 */
#include "email.h"

#include "http_log.h"
#include "shop_log.h"

#define EMAIL_TOPICS "user-events,order-events,payment-events"

static int check_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp, server_rec *s)
{
    const char *why = email_conf_check(email_conf(s));

    if (why) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s, SHOPLOGNO(06004) "%s", why);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    return OK;
}

static int post_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp, server_rec *s)
{
    APR_OPTIONAL_FN_TYPE(shop_kafka_consumer) *reg = APR_RETRIEVE_OPTIONAL_FN(shop_kafka_consumer);
    email_conf_t *conf = email_conf(s);

    if (!conf->worker)
        return OK;
    if (!reg) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s, SHOPLOGNO(06005) "ShopEmailWorker On needs "
                     "mod_shop_kafka (its worker process runs the mail consumer)");
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    conf->s = s;
    reg(pconf, "email", conf->group, EMAIL_TOPICS, email_consume, conf);
    return OK;
}

static void register_hooks(apr_pool_t *p)
{
    ap_hook_check_config(check_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_post_config(post_config, NULL, NULL, APR_HOOK_MIDDLE);
}

AP_DECLARE_MODULE(shop_email) = {
    STANDARD20_MODULE_STUFF,
    NULL,
    NULL,
    email_create_server_conf,
    NULL,
    email_cmds,
    register_hooks,
    AP_MODULE_FLAG_NONE
};
