/*
 * email_template.c: the mail templates (ShopEmailTemplates DIR), read once at
 * config time, and their rendering.
 *
 * Per kind of mail: <name>.txt (first line "Subject: ...", then the text part)
 * and <name>.html (the HTML part's content, placed into layout.html where it
 * says {{content}}). An order's items are rendered one per item with item.txt
 * and item.html, joined into {{rows}} of items.txt and items.html (which add
 * the total), and come in as {{items}}. A {{name}} is replaced by its value:
 * HTML-escaped in HTML, as it is in text; an unknown name gives nothing.
 */
#include "email.h"

#include "apr_file_io.h"
#include "apr_strings.h"
#include "shop_parse.h"

#define TEMPLATE_MAX (64 * 1024)

static const char *const kind_names[MAIL_KINDS] = {
    "welcome", "order_created", "order_shipped", "order_delivered", "order_refunded",
    "order_partially_refunded", "payment_failed"
};

/* The file dir/name as a NUL-terminated UTF-8 string, or NULL and *error. */
static const char *read_template(apr_pool_t *p, const char *dir, const char *name,
                                 const char **error)
{
    const char *path = apr_pstrcat(p, dir, "/", name, NULL);
    apr_file_t *f;
    apr_finfo_t info;
    apr_size_t len;
    char *text;

    if (apr_file_open(&f, path, APR_FOPEN_READ, 0, p) != APR_SUCCESS
        || apr_file_info_get(&info, APR_FINFO_SIZE, f) != APR_SUCCESS) {
        *error = apr_psprintf(p, "cannot read %s", path);
        return NULL;
    }
    if (info.size > TEMPLATE_MAX) {
        *error = apr_psprintf(p, "%s is larger than %d bytes", path, TEMPLATE_MAX);
        return NULL;
    }
    len = (apr_size_t)info.size;
    text = apr_palloc(p, len + 1);
    if (apr_file_read_full(f, text, len, &len) != APR_SUCCESS) {
        *error = apr_psprintf(p, "cannot read %s", path);
        return NULL;
    }
    text[len] = '\0';
    apr_file_close(f);
    if (!shop_utf8_valid(text, len)) {
        *error = apr_psprintf(p, "%s is not UTF-8 text", path);
        return NULL;
    }
    return text;
}

/* Splits a .txt template into its subject line and its text. */
static const char *split_subject(apr_pool_t *p, const char *name, const char *txt,
                                 mail_templates_t *t, int kind)
{
    const char *eol = strchr(txt, '\n'), *subject = txt + 8;

    if (strncmp(txt, "Subject:", 8) || !eol)
        return apr_psprintf(p, "%s.txt must start with a line \"Subject: ...\"", name);
    while (*subject == ' ')
        subject++;
    t->subject[kind] = apr_pstrndup(p, subject, eol - subject);
    t->text[kind] = eol + 1 + (eol[1] == '\n');       /* and the blank line after it */
    return NULL;
}

const char *mail_templates_load(apr_pool_t *p, const char *dir, mail_templates_t *t)
{
    const char *error = NULL, *txt;
    int kind;

    for (kind = 0; kind < MAIL_KINDS; kind++) {
        const char *name = kind_names[kind];

        if (!(txt = read_template(p, dir, apr_pstrcat(p, name, ".txt", NULL), &error))
            || (error = split_subject(p, name, txt, t, kind))
            || !(t->html[kind] = read_template(p, dir, apr_pstrcat(p, name, ".html", NULL),
                                               &error)))
            return error;
    }
    if (!(t->layout = read_template(p, dir, "layout.html", &error))
        || !(t->item_text = read_template(p, dir, "item.txt", &error))
        || !(t->item_html = read_template(p, dir, "item.html", &error))
        || !(t->items_text = read_template(p, dir, "items.txt", &error))
        || !(t->items_html = read_template(p, dir, "items.html", &error)))
        return error;
    return NULL;
}

static const char *lookup(apr_pool_t *p, const mail_vars_t *vars, const char *name, int html)
{
    const char *value;

    if (html && (value = apr_table_get(vars, apr_pstrcat(p, "!", name, NULL))))
        return value;
    value = apr_table_get(vars, name);
    return !value ? "" : html ? ap_escape_html2(p, value, 0) : value;
}

const char *mail_render(apr_pool_t *p, const char *tmpl, const mail_vars_t *vars, int html)
{
    apr_array_header_t *out = apr_array_make(p, 16, sizeof(const char *));
    const char *open, *close;

    while ((open = strstr(tmpl, "{{")) && (close = strstr(open + 2, "}}"))) {
        char *name = apr_pstrndup(p, open + 2, close - open - 2);

        apr_collapse_spaces(name, name);
        APR_ARRAY_PUSH(out, const char *) = apr_pstrndup(p, tmpl, open - tmpl);
        APR_ARRAY_PUSH(out, const char *) = lookup(p, vars, name, html);
        tmpl = close + 2;
    }
    APR_ARRAY_PUSH(out, const char *) = tmpl;
    return apr_array_pstrcat(p, out, 0);
}
