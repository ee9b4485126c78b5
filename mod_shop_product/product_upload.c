/*
 * product_upload.c: POST /uploads, an image as the raw request body.
 * The Content-Type must be image/png, image/jpeg, image/webp or image/gif and
 * the bytes must start like one (magic numbers); the size is capped by
 * ShopProductUploadMaxSize. The image is stored under a random name in
 * ShopProductUploadDir (served by httpd at ShopProductUploadURL), or, with
 * ShopProductCloudinaryURL, sent to Cloudinary as a signed upload.
 */
#include "product.h"

#include "http_log.h"
#include "http_protocol.h"
#include "apr_file_io.h"
#include "apr_escape.h"
#include "apr_strings.h"
#include "apr_uri.h"
#include <curl/curl.h>
#include <openssl/evp.h>

#include "shop_body.h"
#include "shop_curl.h"
#include "shop_http.h"
#include "shop_log.h"

APLOG_USE_MODULE(shop_product);

#define NAME_BYTES 16
#define CLOUDINARY_TIMEOUT_MS 30000L
#define CLOUDINARY_ANSWER_MAX 65536

typedef struct {
    const char *type;
    const char *ext;
    const char *label;
    const char *magic;
    apr_size_t magic_len;
    apr_size_t magic_at;                    /* offset of the magic bytes */
} image_type_t;

static const image_type_t image_types[] = {
    { "image/png",  "png",  "PNG",  "\x89PNG\r\n\x1a\n", 8, 0 },
    { "image/jpeg", "jpg",  "JPEG", "\xff\xd8\xff", 3, 0 },
    { "image/gif",  "gif",  "GIF",  "GIF8", 4, 0 },
    { "image/webp", "webp", "WebP", "WEBP", 4, 8 },
    { NULL }
};

static const image_type_t *declared_type(request_rec *r)
{
    const char *ct = apr_table_get(r->headers_in, "Content-Type");
    char *type;
    int i;

    if (!ct)
        return NULL;
    type = apr_pstrdup(r->pool, ct);
    type[strcspn(type, "; ")] = '\0';
    ap_str_tolower(type);
    for (i = 0; image_types[i].type; i++)
        if (!strcmp(image_types[i].type, type))
            return &image_types[i];
    return NULL;
}

static int magic_matches(const image_type_t *t, const char *body, apr_size_t len)
{
    if (len < t->magic_at + t->magic_len)
        return 0;
    if (t->magic_at && memcmp(body, "RIFF", 4))        /* WebP lives in a RIFF container */
        return 0;
    return !memcmp(body + t->magic_at, t->magic, t->magic_len);
}

static int reply_url(request_rec *r, const char *url)
{
    cJSON *json = shop_json_own(r->pool, cJSON_CreateObject());

    cJSON_AddStringToObject(json, "url", url);
    return shop_reply_json(r, HTTP_CREATED, json);
}

/* Writes the image under a fresh random name (a temporary file renamed into place). */
static int store_locally(request_rec *r, const image_type_t *t, const char *body, apr_size_t len)
{
    product_conf_t *conf = product_conf(r->server);
    unsigned char random[NAME_BYTES];
    const char *name, *path;
    char *tmp;
    apr_file_t *f;
    apr_status_t rv;

    if (!conf->upload_dir)
        return shop_reply_error(r, HTTP_SERVICE_UNAVAILABLE,
                                "uploads are not configured (ShopProductUploadDir)");
    if ((rv = apr_generate_random_bytes(random, sizeof(random))) != APR_SUCCESS)
        return shop_reply_error(r, HTTP_SERVICE_UNAVAILABLE, "no randomness for a file name");
    name = apr_pstrcat(r->pool, apr_pescape_hex(r->pool, random, sizeof(random), 0), ".", t->ext,
                       NULL);
    path = apr_pstrcat(r->pool, conf->upload_dir, "/", name, NULL);
    tmp = apr_pstrcat(r->pool, conf->upload_dir, "/.upload-XXXXXX", NULL);
    if ((rv = apr_file_mktemp(&f, tmp, APR_FOPEN_CREATE | APR_FOPEN_WRITE | APR_FOPEN_EXCL, r->pool))
        == APR_SUCCESS) {
        rv = apr_file_write_full(f, body, len, NULL);
        if (rv == APR_SUCCESS)
            rv = apr_file_perms_set(tmp, APR_FPROT_UREAD | APR_FPROT_UWRITE | APR_FPROT_GREAD
                                         | APR_FPROT_WREAD);
        apr_file_close(f);
        if (rv == APR_SUCCESS)
            rv = apr_file_rename(tmp, path, r->pool);
        if (rv != APR_SUCCESS)
            apr_file_remove(tmp, r->pool);
    }
    if (rv != APR_SUCCESS) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, rv, r, SHOPLOGNO(03003) "cannot store an upload in %s",
                      conf->upload_dir);
        return shop_reply_error(r, HTTP_SERVICE_UNAVAILABLE, "cannot store the image");
    }
    return reply_url(r, apr_pstrcat(r->pool, conf->upload_url, name, NULL));
}

/* Cloudinary's signature: hex SHA-1 of the sorted parameters followed by the secret. */
static const char *cloudinary_signature(apr_pool_t *p, const char *timestamp, const char *secret)
{
    const char *data = apr_pstrcat(p, "timestamp=", timestamp, secret, NULL);
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen;

    if (!EVP_Digest(data, strlen(data), md, &mdlen, EVP_sha1(), NULL))
        return NULL;
    return apr_pescape_hex(p, md, mdlen, 0);
}

static void mime_field(curl_mime *mime, const char *name, const char *value)
{
    curl_mimepart *part = curl_mime_addpart(mime);

    curl_mime_name(part, name);
    curl_mime_data(part, value, CURL_ZERO_TERMINATED);
}

/* POSTs the signed upload; the HTTP status (0 if it did not get through), answer in a. */
static long cloudinary_post(request_rec *r, const apr_uri_t *account, const image_type_t *t,
                            const char *body, apr_size_t len, shop_curl_body_t *a)
{
    product_conf_t *conf = product_conf(r->server);
    const char *timestamp = apr_ltoa(r->pool, (long)apr_time_sec(apr_time_now()));
    const char *signature = cloudinary_signature(r->pool, timestamp, account->password);
    const char *url = apr_pstrcat(r->pool, conf->cloudinary_api, "/v1_1/", account->hostname,
                                  "/image/upload", NULL);
    CURL *curl = shop_curl_new(r->pool, url, CLOUDINARY_TIMEOUT_MS, a, CLOUDINARY_ANSWER_MAX);
    const char *error = NULL;
    curl_mime *mime;
    curl_mimepart *file;
    long status;

    if (!curl || !signature)
        return 0;
    mime = curl_mime_init(curl);
    file = curl_mime_addpart(mime);
    curl_mime_name(file, "file");
    curl_mime_data(file, body, len);
    curl_mime_filename(file, apr_pstrcat(r->pool, "upload.", t->ext, NULL));
    curl_mime_type(file, t->type);
    mime_field(mime, "api_key", account->user);
    mime_field(mime, "timestamp", timestamp);
    mime_field(mime, "signature", signature);
    status = curl_easy_setopt(curl, CURLOPT_MIMEPOST, mime) == CURLE_OK
             ? shop_curl_perform(r->pool, curl, &error) : 0;
    curl_mime_free(mime);
    if (error)
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, SHOPLOGNO(03005) "Cloudinary upload: %s", error);
    return status;
}

static int store_on_cloudinary(request_rec *r, const image_type_t *t, const char *body,
                               apr_size_t len)
{
    apr_uri_t account;
    shop_curl_body_t a;
    cJSON *json;
    const cJSON *url;
    long status;

    if (apr_uri_parse(r->pool, product_conf(r->server)->cloudinary_url, &account) != APR_SUCCESS
        || !account.hostname || !account.user || !account.password)
        return shop_reply_error(r, HTTP_SERVICE_UNAVAILABLE, "ShopProductCloudinaryURL is not usable");
    status = cloudinary_post(r, &account, t, body, len, &a);
    json = shop_json_own(r->pool, cJSON_ParseWithLength(a.data, a.len));
    url = cJSON_GetObjectItemCaseSensitive(json, "secure_url");
    if (status != 200 || !cJSON_IsString(url)) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, SHOPLOGNO(03004) "Cloudinary upload failed "
                      "(HTTP %ld): %.200s", status, a.data);
        return shop_reply_error(r, HTTP_SERVICE_UNAVAILABLE, "the image host refused the upload");
    }
    return reply_url(r, url->valuestring);
}

int product_upload(request_rec *r, const char *id)
{
    const image_type_t *t = declared_type(r);
    char *body;
    apr_size_t len;
    int rv;

    if (!t)
        return shop_reply_error(r, HTTP_UNSUPPORTED_MEDIA_TYPE,
                                "Content-Type must be image/png, image/jpeg, image/webp or image/gif");
    rv = shop_read_body(r, product_conf(r->server)->upload_max, &body, &len);
    if (rv == AP_FILTER_ERROR)
        return rv;
    if (rv == HTTP_REQUEST_ENTITY_TOO_LARGE)
        return shop_reply_error(r, rv, "the image is too large");
    if (rv != OK)
        return shop_reply_error(r, rv, "could not read the image");
    if (!magic_matches(t, body, len))
        return shop_reply_error(r, HTTP_UNSUPPORTED_MEDIA_TYPE,
                                apr_psprintf(r->pool, "the body is not a %s image", t->label));
    if (product_conf(r->server)->cloudinary_url)
        return store_on_cloudinary(r, t, body, len);
    return store_locally(r, t, body, len);
}
