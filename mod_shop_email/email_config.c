/*
 * email_config.c: the directives of mod_shop_email, main server only (the
 * worker is one per httpd), each checked while the configuration is read.
 */
#include "email.h"

#include "apr_strings.h"
#include "apr_uri.h"
#include "shop_parse.h"

#define TIMEOUT_MAX 300
#define GROUP_MAX 200

email_conf_t *email_conf(server_rec *s)
{
    return ap_get_module_config(s->module_config, &shop_email_module);
}

void *email_create_server_conf(apr_pool_t *p, server_rec *s)
{
    email_conf_t *conf = apr_pcalloc(p, sizeof(*conf));

    conf->smtp.timeout = EMAIL_TIMEOUT_DEFAULT;
    conf->group = EMAIL_GROUP_DEFAULT;
    return conf;
}

/* The main server's configuration, or NULL and *err outside it. */
static email_conf_t *main_conf(cmd_parms *cmd, const char **err)
{
    return (*err = ap_check_cmd_context(cmd, GLOBAL_ONLY)) ? NULL : email_conf(cmd->server);
}

static const char *set_worker(cmd_parms *cmd, void *dummy, int on)
{
    const char *err;
    email_conf_t *conf = main_conf(cmd, &err);

    if (conf)
        conf->worker = on;
    return err;
}

static const char *set_smtp(cmd_parms *cmd, void *dummy, const char *url)
{
    const char *err;
    email_conf_t *conf = main_conf(cmd, &err);
    apr_uri_t uri;

    if (!conf)
        return err;
    if (apr_uri_parse(cmd->temp_pool, url, &uri) != APR_SUCCESS || !uri.scheme || !uri.hostname
        || !*uri.hostname || (strcasecmp(uri.scheme, "smtp") && strcasecmp(uri.scheme, "smtps")))
        return apr_psprintf(cmd->pool, "ShopEmailSMTP: '%s' is not an smtp:// or smtps:// URL "
                            "with a host (e.g. smtps://smtp.gmail.com:465)", url);
    if (uri.user || uri.password)
        return "ShopEmailSMTP: put the login in ShopEmailUser and ShopEmailPassword, not in the URL";
    conf->smtp.url = url;
    return NULL;
}

static const char *set_starttls(cmd_parms *cmd, void *dummy, int on)
{
    const char *err;
    email_conf_t *conf = main_conf(cmd, &err);

    if (conf)
        conf->smtp.starttls = on;
    return err;
}

static const char *set_from(cmd_parms *cmd, void *dummy, const char *from)
{
    const char *err;
    email_conf_t *conf = main_conf(cmd, &err);

    if (!conf)
        return err;
    if ((err = mail_address_parse(cmd->pool, from, &conf->from)))
        return apr_pstrcat(cmd->pool, "ShopEmailFrom: ", err, NULL);
    conf->from_text = from;
    return NULL;
}

static const char *set_string(cmd_parms *cmd, void *dummy, const char *value)
{
    const char *err;
    email_conf_t *conf = main_conf(cmd, &err);

    if (!conf)
        return err;
    if (!*value || strpbrk(value, "\r\n"))
        return apr_pstrcat(cmd->pool, cmd->cmd->name, ": must be one non-empty line", NULL);
    *(const char **)((char *)conf + (apr_size_t)cmd->info) = value;
    return NULL;
}

/* A file's path (relative to ServerRoot) into the field at cmd->info: it must be a file. */
static const char *set_file(cmd_parms *cmd, void *dummy, const char *file)
{
    const char *err;
    email_conf_t *conf = main_conf(cmd, &err);
    apr_finfo_t info;

    if (!conf)
        return err;
    file = ap_server_root_relative(cmd->pool, file);
    if (!file || apr_stat(&info, file, APR_FINFO_TYPE, cmd->temp_pool) != APR_SUCCESS
        || info.filetype != APR_REG)
        return apr_pstrcat(cmd->pool, cmd->cmd->name, ": ", file ? file : "the path",
                           " is not a file", NULL);
    *(const char **)((char *)conf + (apr_size_t)cmd->info) = file;
    return NULL;
}

/* A Kafka group id: letters, digits, '.', '_' and '-' (as a topic name). */
static const char *set_group(cmd_parms *cmd, void *dummy, const char *group)
{
    const char *err;
    email_conf_t *conf = main_conf(cmd, &err);

    if (!conf)
        return err;
    if (!*group || strlen(group) > GROUP_MAX
        || group[strspn(group, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                               "0123456789._-")])
        return apr_psprintf(cmd->pool, "ShopEmailGroup: '%s' is not a consumer group name "
                            "(1 to %d letters, digits, '.', '_' or '-')", group, GROUP_MAX);
    conf->group = group;
    return NULL;
}

static const char *set_templates(cmd_parms *cmd, void *dummy, const char *dir)
{
    const char *err;
    email_conf_t *conf = main_conf(cmd, &err);

    if (!conf)
        return err;
    dir = ap_server_root_relative(cmd->pool, dir);
    if (!dir || (err = mail_templates_load(cmd->pool, dir, &conf->templates)))
        return apr_pstrcat(cmd->pool, "ShopEmailTemplates: ", err ? err : "bad path", NULL);
    conf->templates_dir = dir;
    return NULL;
}

static const char *set_db(cmd_parms *cmd, void *dummy, const char *conninfo)
{
    const char *err;
    email_conf_t *conf = main_conf(cmd, &err);

    if (!conf)
        return err;
    if ((err = shop_parse_conninfo(cmd->temp_pool, conninfo)))
        return apr_pstrcat(cmd->pool, "ShopEmailDB: ", err, NULL);
    conf->db = conninfo;
    return NULL;
}

static const char *set_shop_url(cmd_parms *cmd, void *dummy, const char *url)
{
    const char *err;
    email_conf_t *conf = main_conf(cmd, &err);

    if (!conf)
        return err;
    if (!shop_is_http_url(cmd->temp_pool, url, 0))
        return apr_psprintf(cmd->pool, "ShopEmailShopURL: '%s' is not an http(s) URL", url);
    conf->shop_url = url;
    return NULL;
}

static const char *set_timeout(cmd_parms *cmd, void *dummy, const char *arg)
{
    const char *err;
    email_conf_t *conf = main_conf(cmd, &err);
    long seconds;

    if (!conf)
        return err;
    if (!shop_parse_int(arg, 1, TIMEOUT_MAX, &seconds))
        return apr_psprintf(cmd->pool, "ShopEmailTimeout: '%s' is not a number of seconds from "
                            "1 to %d", arg, TIMEOUT_MAX);
    conf->smtp.timeout = (int)seconds;
    return NULL;
}

const char *email_conf_check(const email_conf_t *conf)
{
    if (conf->smtp.password && conf->smtp.oauth2_file)
        return "ShopEmailPassword and ShopEmailOAuth2TokenFile exclude each other";
    if ((conf->smtp.password || conf->smtp.oauth2_file) && !conf->smtp.user)
        return "ShopEmailPassword and ShopEmailOAuth2TokenFile need ShopEmailUser";
    if (conf->smtp.user && !conf->smtp.password && !conf->smtp.oauth2_file)
        return "ShopEmailUser needs ShopEmailPassword or ShopEmailOAuth2TokenFile";
    if (!conf->worker)
        return NULL;
    if (!conf->smtp.url)
        return "ShopEmailWorker On needs ShopEmailSMTP";
    if (!conf->from_text)
        return "ShopEmailWorker On needs ShopEmailFrom";
    if (!conf->templates_dir)
        return "ShopEmailWorker On needs ShopEmailTemplates";
    if (!conf->db)
        return "ShopEmailWorker On needs ShopEmailDB";
    return NULL;
}

#define FIELD(f) (void *)APR_OFFSETOF(email_conf_t, f)

const command_rec email_cmds[] = {
    AP_INIT_FLAG("ShopEmailWorker", set_worker, NULL, RSRC_CONF,
                 "Send the shop's mails from the worker process (default Off)"),
    AP_INIT_TAKE1("ShopEmailSMTP", set_smtp, NULL, RSRC_CONF,
                  "SMTP server, smtp://host:port or smtps://host:port"),
    AP_INIT_FLAG("ShopEmailStartTLS", set_starttls, NULL, RSRC_CONF,
                 "Require STARTTLS on an smtp:// server (default Off)"),
    AP_INIT_TAKE1("ShopEmailFrom", set_from, NULL, RSRC_CONF,
                  "Sender of the mails, \"Name <address>\""),
    AP_INIT_TAKE1("ShopEmailUser", set_string, FIELD(smtp.user), RSRC_CONF,
                  "SMTP login name"),
    AP_INIT_TAKE1("ShopEmailPassword", set_string, FIELD(smtp.password), RSRC_CONF,
                  "SMTP password (e.g. a Gmail app password)"),
    AP_INIT_TAKE1("ShopEmailOAuth2TokenFile", set_file, FIELD(smtp.oauth2_file), RSRC_CONF,
                  "File holding an OAuth2 bearer token for SMTP XOAUTH2, read at each send"),
    AP_INIT_TAKE1("ShopEmailCAFile", set_file, FIELD(smtp.ca_file), RSRC_CONF,
                  "PEM file of the CA certificates that sign the SMTP server's certificate "
                  "(default: the system's)"),
    AP_INIT_TAKE1("ShopEmailGroup", set_group, NULL, RSRC_CONF,
                  "Kafka consumer group of the mail worker (default shop-email)"),
    AP_INIT_TAKE1("ShopEmailTemplates", set_templates, NULL, RSRC_CONF,
                  "Directory of the mail templates (conf/mail)"),
    AP_INIT_TAKE1("ShopEmailDB", set_db, NULL, RSRC_CONF,
                  "libpq connection string of the database that remembers the mails sent"),
    AP_INIT_TAKE1("ShopEmailShopURL", set_shop_url, NULL, RSRC_CONF,
                  "The storefront's URL, for the links in the mails"),
    AP_INIT_TAKE1("ShopEmailTimeout", set_timeout, NULL, RSRC_CONF,
                  "Longest SMTP transfer in seconds, 1 to 300 (default 30)"),
    { NULL }
};
