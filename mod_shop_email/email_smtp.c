/*
 * email_smtp.c: one mail over SMTP with libcurl (ShopEmailSMTP smtp:// or
 * smtps://, STARTTLS required with ShopEmailStartTLS On, AUTH LOGIN/PLAIN with
 * ShopEmailUser and ShopEmailPassword, or XOAUTH2 with a bearer token file, as
 * Gmail takes it), bounded by ShopEmailTimeout. The server's certificate is
 * always verified: against the system's CAs, or ShopEmailCAFile's.
 *
 * What a failure means for the message: the server cannot be reached, times
 * out, refuses our login or TLS, or answers 4xx: try again later
 * (SMTP_RETRY). It answers 5xx to the mail itself (e.g. an unknown
 * recipient): it will never go (SMTP_REJECT).
 *
 * The worker process has no child_init: libcurl sets itself up on the first
 * easy handle (thread-safe since libcurl 7.84; Debian 12 has 7.88).
 */
#include "email.h"

#include "apr_file_io.h"
#include "apr_strings.h"
#include <curl/curl.h>

#define CONNECT_TIMEOUT_MS 10000L
#define TOKEN_MAX 8192

typedef struct {
    const char *data;
    apr_size_t left;
} upload_t;

static size_t read_message(char *buffer, size_t size, size_t n, void *data)
{
    upload_t *up = data;
    size_t len = size * n < up->left ? size * n : up->left;

    memcpy(buffer, up->data, len);
    up->data += len;
    up->left -= len;
    return len;
}

static apr_status_t easy_cleanup(void *curl)
{
    curl_easy_cleanup(curl);
    return APR_SUCCESS;
}

static apr_status_t slist_cleanup(void *list)
{
    curl_slist_free_all(list);
    return APR_SUCCESS;
}

/* The bearer token in file (first line), or NULL and *error. */
static const char *read_token(apr_pool_t *p, const char *file, const char **error)
{
    apr_file_t *f;
    char *token = apr_palloc(p, TOKEN_MAX);
    apr_size_t len = TOKEN_MAX - 1;

    if (apr_file_open(&f, file, APR_FOPEN_READ, 0, p) != APR_SUCCESS
        || (apr_file_read(f, token, &len) != APR_SUCCESS && len == 0)) {
        *error = apr_psprintf(p, "cannot read the OAuth2 token file %s", file);
        return NULL;
    }
    apr_file_close(f);
    token[len] = '\0';
    token[strcspn(token, "\r\n")] = '\0';
    if (!*token) {
        *error = apr_psprintf(p, "the OAuth2 token file %s is empty", file);
        return NULL;
    }
    return token;
}

/* The credentials; 0 and *error when the token cannot be read. */
static int set_login(apr_pool_t *p, CURL *curl, const smtp_conf_t *smtp, const char **error)
{
    const char *token;

    if (!smtp->user)
        return 1;
    if (curl_easy_setopt(curl, CURLOPT_USERNAME, smtp->user) != CURLE_OK)
        return 0;
    if (smtp->oauth2_file)
        return (token = read_token(p, smtp->oauth2_file, error))
               && curl_easy_setopt(curl, CURLOPT_XOAUTH2_BEARER, token) == CURLE_OK
               && curl_easy_setopt(curl, CURLOPT_LOGIN_OPTIONS, "AUTH=XOAUTH2") == CURLE_OK;
    return curl_easy_setopt(curl, CURLOPT_PASSWORD, smtp->password) == CURLE_OK;
}

/* An easy handle for this mail, owned by p; NULL and *error. */
static CURL *smtp_handle(apr_pool_t *p, const smtp_conf_t *smtp, const mail_t *mail,
                         upload_t *up, const char **error)
{
    CURL *curl = curl_easy_init();
    struct curl_slist *rcpt;

    if (!curl)
        return NULL;
    apr_pool_cleanup_register(p, curl, easy_cleanup, apr_pool_cleanup_null);
    rcpt = curl_slist_append(NULL, apr_pstrcat(p, "<", mail->to.addr, ">", NULL));
    if (!rcpt)
        return NULL;
    apr_pool_cleanup_register(p, rcpt, slist_cleanup, apr_pool_cleanup_null);
    if (curl_easy_setopt(curl, CURLOPT_URL, smtp->url) != CURLE_OK
        || curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps") != CURLE_OK
        || curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L) != CURLE_OK
        || curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, CONNECT_TIMEOUT_MS) != CURLE_OK
        || curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, smtp->timeout * 1000L) != CURLE_OK
        || curl_easy_setopt(curl, CURLOPT_USE_SSL,
                            smtp->starttls ? (long)CURLUSESSL_ALL : (long)CURLUSESSL_NONE)
           != CURLE_OK
        || curl_easy_setopt(curl, CURLOPT_MAIL_FROM,
                            apr_pstrcat(p, "<", mail->from.addr, ">", NULL)) != CURLE_OK
        || curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt) != CURLE_OK
        || curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L) != CURLE_OK
        || curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_message) != CURLE_OK
        || curl_easy_setopt(curl, CURLOPT_READDATA, up) != CURLE_OK
        || curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t)up->left) != CURLE_OK
        || (smtp->ca_file && curl_easy_setopt(curl, CURLOPT_CAINFO, smtp->ca_file) != CURLE_OK)
        || !set_login(p, curl, smtp, error))
        return NULL;
    return curl;
}

/*
 * A 5xx about our login (530 authentication or STARTTLS required, 534, 535,
 * 538) is the operator's to fix: the mail waits for it.
 */
static int login_refused(CURLcode rc, long code)
{
    return rc == CURLE_LOGIN_DENIED || rc == CURLE_USE_SSL_FAILED
           || code == 530 || code == 534 || code == 535 || code == 538;
}

smtp_result_t smtp_send(apr_pool_t *p, const smtp_conf_t *smtp, const mail_t *mail,
                        const char *message, const char **error)
{
    upload_t up = { message, strlen(message) };
    CURL *curl = smtp_handle(p, smtp, mail, &up, error);
    CURLcode rc;
    long code = 0;

    if (!curl) {
        *error = *error ? *error : "libcurl could not set up the SMTP transfer";
        return SMTP_RETRY;
    }
    rc = curl_easy_perform(curl);
    if (rc == CURLE_OK)
        return SMTP_SENT;
    if (curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code) != CURLE_OK)
        code = 0;
    *error = apr_psprintf(p, "SMTP %s: %s (reply %ld)", smtp->url,
                          curl_easy_strerror(rc), code);
    return code >= 500 && code < 600 && !login_refused(rc, code) ? SMTP_REJECT : SMTP_RETRY;
}
