/*
 * email_message.c: one mail as RFC 5322 text with a MIME multipart/alternative
 * body (text and HTML, each base64 in UTF-8). No httpd types.
 *
 * Every header value is made safe here, whatever the event said: control
 * characters (CR, LF, NUL, ...) become spaces, so a value can never start a
 * header of its own; display names go out as a quoted string, or as RFC 2047
 * encoded words when they hold non-ASCII, and so does the subject; addresses
 * are checked (mail_address_valid) before they get here. The Message-ID is
 * derived from the event id, so a receiver sees a repeated mail as the same one.
 */
#include "email.h"

#include "apr_base64.h"
#include "apr_escape.h"
#include "apr_lib.h"
#include "apr_sha1.h"
#include "apr_strings.h"

#define LOCAL_MAX 64
#define ADDRESS_MAX 254
#define LABEL_MAX 63
#define WORD_BYTES 45           /* UTF-8 bytes per encoded word: 60 base64 chars, 75 in all */
#define BODY_LINE 76
#define PLAIN_MAX 200           /* longer values are folded, as encoded words (lines <= 998) */

static int local_char(int c)
{
    return apr_isalnum(c) || (c && strchr("!#$%&'*+-/=?^_`{|}~.", c));
}

static int local_valid(const char *s, apr_size_t len)
{
    apr_size_t i;

    if (!len || len > LOCAL_MAX || s[0] == '.' || s[len - 1] == '.')
        return 0;
    for (i = 0; i < len; i++)
        if (!local_char((unsigned char)s[i]) || (s[i] == '.' && s[i + 1] == '.'))
            return 0;
    return 1;
}

/* host names: labels of letters, digits and inner hyphens, dot-separated */
static int domain_valid(const char *s)
{
    apr_size_t label = 0;

    for (; *s; s++) {
        if (*s == '.') {
            if (!label || s[-1] == '-' || !s[1])
                return 0;
            label = 0;
        }
        else if ((!apr_isalnum(*s) && *s != '-') || (*s == '-' && !label) || ++label > LABEL_MAX)
            return 0;
    }
    return label && s[-1] != '-';
}

int mail_address_valid(const char *addr)
{
    const char *at = addr ? strrchr(addr, '@') : NULL;

    return at && strlen(addr) <= ADDRESS_MAX && local_valid(addr, at - addr)
           && domain_valid(at + 1);
}

/* s with every control character a space, and no spaces around. */
static char *sanitize(apr_pool_t *p, const char *s)
{
    char *out = apr_pstrdup(p, s ? s : ""), *c, *end;

    for (c = out; *c; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7f)
            *c = ' ';
    while (*out == ' ')
        out++;
    for (end = out + strlen(out); end > out && end[-1] == ' '; end--)
        end[-1] = '\0';
    return out;
}

const char *mail_address_parse(apr_pool_t *p, const char *text, mail_address_t *out)
{
    char *s = sanitize(p, text), *lt = strchr(s, '<'), *gt;

    out->name = "";
    out->addr = s;
    if (lt) {
        gt = strchr(lt, '>');
        if (!gt || gt[1])
            return "write it as \"Name <address>\" or \"address\"";
        *gt = '\0';
        out->addr = lt + 1;
        *lt = '\0';
        out->name = sanitize(p, s);
        if (*out->name == '"' && strlen(out->name) > 1 && out->name[strlen(out->name) - 1] == '"')
            out->name = apr_pstrndup(p, out->name + 1, strlen(out->name) - 2);
    }
    if (!mail_address_valid(out->addr))
        return apr_psprintf(p, "'%s' is not an email address", out->addr);
    return NULL;
}

static int ascii_only(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s >= 0x80)
            return 0;
    return 1;
}

/* RFC 2047 "B" encoded words of UTF-8 s, folded, never splitting a character. */
static const char *encoded_words(apr_pool_t *p, const char *s)
{
    apr_array_header_t *words = apr_array_make(p, 4, sizeof(const char *));
    apr_size_t len = strlen(s);

    while (len) {
        apr_size_t n = len < WORD_BYTES ? len : WORD_BYTES;
        char *b64;

        while (n < len && ((unsigned char)s[n] & 0xc0) == 0x80)
            n--;                                /* back to the start of a character */
        b64 = apr_palloc(p, apr_base64_encode_len((int)n));
        apr_base64_encode(b64, s, (int)n);
        APR_ARRAY_PUSH(words, const char *) = apr_pstrcat(p, words->nelts ? "\r\n " : "",
                                                          "=?UTF-8?B?", b64, "?=", NULL);
        s += n;
        len -= n;
    }
    return apr_array_pstrcat(p, words, 0);
}

/* Whether s can go out as it is: ASCII, nothing like an encoded word, short. */
static int plain(const char *s)
{
    return ascii_only(s) && !strstr(s, "=?") && strlen(s) <= PLAIN_MAX;
}

/* An unstructured header value (the subject): plain, or encoded words (folded). */
static const char *header_text(apr_pool_t *p, const char *s)
{
    s = sanitize(p, s);
    return plain(s) ? s : encoded_words(p, s);
}

/* "name" <addr>, or <addr> without a name */
static const char *header_address(apr_pool_t *p, const mail_address_t *a)
{
    const char *name = sanitize(p, a->name);
    char *quoted, *q;

    if (!*name)
        return apr_pstrcat(p, "<", a->addr, ">", NULL);
    if (!plain(name))
        return apr_pstrcat(p, encoded_words(p, name), " <", a->addr, ">", NULL);
    quoted = q = apr_palloc(p, 2 * strlen(name) + 1);
    for (; *name; name++) {
        if (*name == '"' || *name == '\\')
            *q++ = '\\';
        *q++ = *name;
    }
    *q = '\0';
    return apr_pstrcat(p, "\"", quoted, "\" <", a->addr, ">", NULL);
}

static const char *sha1_hex(apr_pool_t *p, const char *s)
{
    unsigned char digest[APR_SHA1_DIGESTSIZE];
    apr_sha1_ctx_t ctx;

    apr_sha1_init(&ctx);
    apr_sha1_update(&ctx, s, (unsigned int)strlen(s));
    apr_sha1_final(digest, &ctx);
    return apr_pescape_hex(p, digest, sizeof(digest), 0);
}

/* "Sun, 06 Nov 1994 08:49:37 +0000" */
static const char *header_date(apr_pool_t *p, apr_time_t t)
{
    char rfc822[APR_RFC822_DATE_LEN];

    apr_rfc822_date(rfc822, t);
    return apr_pstrcat(p, apr_pstrndup(p, rfc822, APR_RFC822_DATE_LEN - 5), " +0000", NULL);
}

/* text with CRLF line ends (the canonical form of text/ parts) */
static const char *crlf_lines(apr_pool_t *p, const char *text)
{
    apr_array_header_t *lines = apr_array_make(p, 64, sizeof(const char *));
    const char *nl;

    for (; (nl = strchr(text, '\n')); text = nl + 1) {
        apr_size_t len = nl - text - (nl > text && nl[-1] == '\r');

        APR_ARRAY_PUSH(lines, const char *) = apr_pstrcat(p, apr_pstrndup(p, text, len), "\r\n",
                                                          NULL);
    }
    APR_ARRAY_PUSH(lines, const char *) = text;
    return apr_array_pstrcat(p, lines, 0);
}

/* text in base64 lines of 76 */
static const char *body_base64(apr_pool_t *p, const char *text)
{
    apr_array_header_t *lines = apr_array_make(p, 64, sizeof(const char *));
    const char *crlf = crlf_lines(p, text);
    int len = (int)strlen(crlf), i;
    char *b64 = apr_palloc(p, apr_base64_encode_len(len));

    len = apr_base64_encode(b64, crlf, len) - 1;        /* without its NUL */
    for (i = 0; i < len; i += BODY_LINE)
        APR_ARRAY_PUSH(lines, const char *) = apr_pstrcat(p, apr_pstrndup(p, b64 + i, BODY_LINE),
                                                          "\r\n", NULL);
    return apr_array_pstrcat(p, lines, 0);
}

static const char *part(apr_pool_t *p, const char *boundary, const char *type, const char *body)
{
    return apr_pstrcat(p, "--", boundary, "\r\nContent-Type: ", type, "; charset=UTF-8\r\n"
                       "Content-Transfer-Encoding: base64\r\n\r\n", body_base64(p, body), NULL);
}

const char *mail_message(apr_pool_t *p, const mail_t *mail, apr_time_t date)
{
    const char *id = sha1_hex(p, mail->event_id);
    const char *domain = strrchr(mail->from.addr, '@') + 1;
    const char *boundary = apr_pstrcat(p, "=_shop_", id, NULL);

    return apr_pstrcat(p,
        "Date: ", header_date(p, date), "\r\n",
        "From: ", header_address(p, &mail->from), "\r\n",
        "To: ", header_address(p, &mail->to), "\r\n",
        "Subject: ", header_text(p, mail->subject), "\r\n",
        "Message-ID: <", id, ".event@", domain, ">\r\n",
        "MIME-Version: 1.0\r\n",
        "Auto-Submitted: auto-generated\r\n",
        "Content-Type: multipart/alternative; boundary=\"", boundary, "\"\r\n",
        "\r\n",
        part(p, boundary, "text/plain", mail->text),
        part(p, boundary, "text/html", mail->html),
        "--", boundary, "--\r\n", NULL);
}
