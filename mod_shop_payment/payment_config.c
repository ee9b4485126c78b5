/*
 * payment_config.c: the directives of mod_shop_payment, server-wide and
 * inherited by VirtualHosts that do not set them; defaults are applied when
 * read (payment_conf). The Stripe provider needs its keys: configtest says so.
 */
#include "payment.h"

#include "http_log.h"
#include "apr_strings.h"
#include "apr_lib.h"

#include "shop_config.h"
#include "shop_log.h"
#include "shop_parse.h"

APLOG_USE_MODULE(shop_payment);

payment_conf_t *payment_conf(server_rec *s)
{
    return ap_get_module_config(s->module_config, &shop_payment_module);
}

void *payment_create_server_conf(apr_pool_t *p, server_rec *s)
{
    payment_conf_t *conf = apr_pcalloc(p, sizeof(*conf));

    conf->provider = conf->tolerance = SHOP_UNSET;
    conf->max_body = SHOP_UNSET;
    return conf;
}

void *payment_merge_server_conf(apr_pool_t *p, void *basev, void *addv)
{
    payment_conf_t *base = basev, *add = addv, *conf = apr_pcalloc(p, sizeof(*conf));

    SHOP_MERGE_INT(provider);
    SHOP_MERGE_PTR(currency);
    SHOP_MERGE_PTR(success_url);
    SHOP_MERGE_PTR(cancel_url);
    SHOP_MERGE_INT(max_body);
    SHOP_MERGE_PTR(stripe_api);
    SHOP_MERGE_PTR(stripe_key);
    SHOP_MERGE_PTR(webhook_secret);
    SHOP_MERGE_INT(tolerance);
    return conf;
}

static void finish(payment_conf_t *conf)
{
    if (conf->provider == SHOP_UNSET)   conf->provider = PAYMENT_PROVIDER_TEST;
    if (!conf->currency)                conf->currency = PAYMENT_DEFAULT_CURRENCY;
    if (!conf->success_url)             conf->success_url = PAYMENT_DEFAULT_SUCCESS_URL;
    if (!conf->cancel_url)              conf->cancel_url = PAYMENT_DEFAULT_CANCEL_URL;
    if (conf->max_body == SHOP_UNSET)   conf->max_body = PAYMENT_DEFAULT_MAX_BODY;
    if (!conf->stripe_api)              conf->stripe_api = PAYMENT_DEFAULT_STRIPE_API;
    if (conf->tolerance == SHOP_UNSET)  conf->tolerance = PAYMENT_DEFAULT_TOLERANCE;
}

static const char *stripe_missing(payment_conf_t *conf)
{
    if (!conf->stripe_key)
        return "ShopStripeSecretKey";
    if (!conf->webhook_secret)
        return "ShopStripeWebhookSecret";
    if (*conf->success_url == '/' || *conf->cancel_url == '/')
        return "an absolute ShopPaymentSuccessURL and ShopPaymentCancelURL";
    return NULL;
}

int payment_check_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp, server_rec *s)
{
    const char *missing;

    for (; s; s = s->next) {
        payment_conf_t *conf = payment_conf(s);

        finish(conf);
        if (conf->provider == PAYMENT_PROVIDER_STRIPE && (missing = stripe_missing(conf))) {
            ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s, SHOPLOGNO(05001) "ShopPaymentProvider "
                         "stripe needs %s", missing);
            return HTTP_INTERNAL_SERVER_ERROR;
        }
    }
    return OK;
}

static payment_conf_t *cmd_conf(cmd_parms *cmd)
{
    return payment_conf(cmd->server);
}

static const char *set_provider(cmd_parms *cmd, void *dummy, const char *arg)
{
    if (!strcmp(arg, "test"))
        cmd_conf(cmd)->provider = PAYMENT_PROVIDER_TEST;
    else if (!strcmp(arg, "stripe"))
        cmd_conf(cmd)->provider = PAYMENT_PROVIDER_STRIPE;
    else
        return apr_psprintf(cmd->pool, "ShopPaymentProvider: '%s' is not test or stripe", arg);
    return NULL;
}

static const char *set_currency(cmd_parms *cmd, void *dummy, const char *arg)
{
    int i;

    for (i = 0; arg[i]; i++)
        if (!apr_islower(arg[i]))
            break;
    if (i != 3 || arg[i])
        return "ShopPaymentCurrency: give a three-letter ISO 4217 code in lower case (usd)";
    cmd_conf(cmd)->currency = arg;
    return NULL;
}

/* a path on this host or an absolute http(s) URL */
static const char *parse_return_url(cmd_parms *cmd, const char *arg, const char **out)
{
    if (*arg != '/' && !shop_is_http_url(cmd->temp_pool, arg, 0))
        return apr_psprintf(cmd->pool, "%s: give a path (/done) or an http(s) URL; "
                            "{CHECKOUT_SESSION_ID} becomes the session id", cmd->cmd->name);
    *out = arg;
    return NULL;
}

static const char *set_success_url(cmd_parms *cmd, void *dummy, const char *arg)
{
    return parse_return_url(cmd, arg, &cmd_conf(cmd)->success_url);
}

static const char *set_cancel_url(cmd_parms *cmd, void *dummy, const char *arg)
{
    return parse_return_url(cmd, arg, &cmd_conf(cmd)->cancel_url);
}

static const char *set_max_body(cmd_parms *cmd, void *dummy, const char *arg)
{
    long v;

    if (!shop_parse_int(arg, 1024, 1024 * 1024, &v))
        return "ShopPaymentMaxBody: give bytes, 1024 to 1048576";
    cmd_conf(cmd)->max_body = v;
    return NULL;
}

static const char *set_stripe_api(cmd_parms *cmd, void *dummy, const char *arg)
{
    apr_size_t n = strlen(arg);

    if (!shop_is_http_url(cmd->temp_pool, arg, 0))
        return "ShopStripeAPI: give an http(s) URL (https://api.stripe.com)";
    cmd_conf(cmd)->stripe_api = arg[n - 1] == '/' ? apr_pstrndup(cmd->pool, arg, n - 1) : arg;
    return NULL;
}

static const char *set_secret(cmd_parms *cmd, const char *arg, const char *prefix,
                              const char **out)
{
    if (strncmp(arg, prefix, strlen(prefix)) || !arg[strlen(prefix)])
        return apr_psprintf(cmd->pool, "%s: a key starting with %s", cmd->cmd->name, prefix);
    *out = arg;
    return NULL;
}

static const char *set_stripe_key(cmd_parms *cmd, void *dummy, const char *arg)
{
    return set_secret(cmd, arg, "sk_", &cmd_conf(cmd)->stripe_key);
}

static const char *set_webhook_secret(cmd_parms *cmd, void *dummy, const char *arg)
{
    return set_secret(cmd, arg, "whsec_", &cmd_conf(cmd)->webhook_secret);
}

static const char *set_tolerance(cmd_parms *cmd, void *dummy, const char *arg)
{
    long v;

    if (!shop_parse_int(arg, 1, 86400, &v))
        return "ShopStripeWebhookTolerance: give seconds, 1 to 86400";
    cmd_conf(cmd)->tolerance = (int)v;
    return NULL;
}

const command_rec payment_cmds[] = {
    AP_INIT_TAKE1("ShopPaymentProvider", set_provider, NULL, RSRC_CONF,
                  "who takes the payments: test (a local checkout page) or stripe (default test)"),
    AP_INIT_TAKE1("ShopPaymentCurrency", set_currency, NULL, RSRC_CONF,
                  "currency of the prices, ISO 4217 in lower case (default usd)"),
    AP_INIT_TAKE1("ShopPaymentSuccessURL", set_success_url, NULL, RSRC_CONF,
                  "where a paid checkout returns to; {CHECKOUT_SESSION_ID} is replaced"),
    AP_INIT_TAKE1("ShopPaymentCancelURL", set_cancel_url, NULL, RSRC_CONF,
                  "where an abandoned or failed checkout returns to"),
    AP_INIT_TAKE1("ShopPaymentMaxBody", set_max_body, NULL, RSRC_CONF,
                  "largest checkout or webhook body in bytes (default 65536)"),
    AP_INIT_TAKE1("ShopStripeAPI", set_stripe_api, NULL, RSRC_CONF,
                  "Stripe API base URL (default https://api.stripe.com)"),
    AP_INIT_TAKE1("ShopStripeSecretKey", set_stripe_key, NULL, RSRC_CONF,
                  "Stripe secret API key (sk_...)"),
    AP_INIT_TAKE1("ShopStripeWebhookSecret", set_webhook_secret, NULL, RSRC_CONF,
                  "signing secret of the Stripe webhook endpoint (whsec_...)"),
    AP_INIT_TAKE1("ShopStripeWebhookTolerance", set_tolerance, NULL, RSRC_CONF,
                  "seconds a webhook's signature timestamp may be old (default 300)"),
    { NULL }
};
