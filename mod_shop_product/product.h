/*
 * product.h: what the files of mod_shop_product share: configuration, the
 * product fields a request carries, the catalog cache and the route functions.
 */
#ifndef PRODUCT_H
#define PRODUCT_H

#include "httpd.h"
#include "http_config.h"
#include <cJSON.h>
#include <libpq-fe.h>

extern module AP_MODULE_DECLARE_DATA shop_product_module;

#pragma GCC visibility push(hidden)

/* Server config; unset fields (NULL / -1) are inherited, defaults applied in post_config. */
typedef struct {
    apr_off_t max_body;
    int max_age;                        /* Cache-Control max-age of reads */
    int cache;                          /* in-process cache of reads */
    apr_off_t cache_size;               /* bytes per child */
    const char *watch_db;               /* libpq conninfo to LISTEN on for changes */
    const char *upload_dir;
    const char *upload_url;             /* URL prefix the upload dir is served at */
    const char *public_url;             /* base of absolute image URLs, no trailing '/' */
    apr_off_t upload_max;
    const char *cloudinary_url;         /* cloudinary://key:secret@cloud */
    const char *cloudinary_api;         /* API base, https://api.cloudinary.com */
} product_conf_t;

#define PRODUCT_DEFAULT_MAX_BODY    (64 * 1024)
#define PRODUCT_DEFAULT_MAX_AGE     0
#define PRODUCT_DEFAULT_CACHE_SIZE  (16 * 1024 * 1024)
#define PRODUCT_DEFAULT_UPLOAD_MAX  (5 * 1024 * 1024)
#define PRODUCT_DEFAULT_UPLOAD_URL  "/images/uploads/"
#define PRODUCT_DEFAULT_CLOUDINARY  "https://api.cloudinary.com"
#define PRODUCT_LIST_MAX            100
#define PRODUCT_LIST_DEFAULT        100

product_conf_t *product_conf(server_rec *s);

/* product_config.c */
extern const command_rec product_cmds[];
void *product_create_server_conf(apr_pool_t *p, server_rec *s);
void *product_merge_server_conf(apr_pool_t *p, void *base, void *add);
void product_conf_finish(server_rec *s);

/* product_fields.c (no httpd types): a product body, checked like the seed's admin form */
typedef struct {
    const char *name, *short_description, *description, *category_slug;
    long price_minor;
    const char *sizes;                  /* PostgreSQL array literal {xs,m} */
    const char *colors;
    const char *images;                 /* JSON object text {color: url} */
} product_fields_t;

/*
 * Reads body over base (the stored product as JSON, or NULL for a new one):
 * fields absent from body keep base's values. NULL and f filled, or a cJSON
 * error answer {"message", "fields"?, "missingColors"?} the caller owns.
 */
cJSON *product_fields_read(apr_pool_t *p, const cJSON *body, const cJSON *base,
                           product_fields_t *f);

/* product_cache.c: the catalog version every child shares, followed through NOTIFY */
apr_status_t product_cache_post_config(apr_pool_t *pconf, server_rec *s);
void product_cache_child_init(apr_pool_t *pchild, server_rec *s);
/* The current catalog version, or 0 when it is not known reliably (no cache then). */
apr_uint64_t product_cache_version(void);
/* When the catalog last changed (0 if unknown). */
apr_time_t product_cache_changed(void);
/* Records a version a write of this process made (before its NOTIFY arrives). */
void product_cache_saw(apr_uint64_t version, apr_time_t changed);

/* product_lru.c: per-child answers of one catalog version, bounded in bytes */
typedef struct {
    const char *body;
    apr_size_t len;
    const char *etag;                   /* strong, quoted */
} product_answer_t;

void product_lru_child_init(apr_pool_t *pchild, server_rec *s, apr_size_t max);
/*
 * Fills answers[i] with the answer cached under keys[i] at version (body NULL
 * when there is none); the answers found stay valid until r->pool goes. Returns
 * how many were found.
 */
int product_lru_get(request_rec *r, apr_uint64_t version, int n, const char *const *keys,
                    product_answer_t *answers);
/* Keeps a copy of answer under key, if version is still the newest seen. */
void product_lru_put(apr_uint64_t version, const char *key, const product_answer_t *answer);

/* product_routes.c */
int product_list(request_rec *r, const char *id);
int product_get(request_rec *r, const char *id);
int product_post(request_rec *r, const char *id);
int product_put(request_rec *r, const char *id);
int product_delete(request_rec *r, const char *id);
int category_list(request_rec *r, const char *id);
int category_post(request_rec *r, const char *id);
int category_put(request_rec *r, const char *id);
int category_delete(request_rec *r, const char *id);

/* product_upload.c */
int product_upload(request_rec *r, const char *id);

#pragma GCC visibility pop

#endif
