/*
 * shop_password.h: argon2id password hashes (libargon2), no httpd types.
 */
#ifndef SHOP_PASSWORD_H
#define SHOP_PASSWORD_H

#include "apr_pools.h"
#include <stdint.h>

#pragma GCC visibility push(hidden)

typedef struct {
    uint32_t t_cost;        /* iterations */
    uint32_t m_cost;        /* memory, KiB */
    uint32_t parallelism;
} shop_argon2_t;

/* The PHC-encoded argon2id hash of password with a fresh random salt, or NULL. */
const char *shop_password_hash(apr_pool_t *p, const shop_argon2_t *params, const char *password);

/* Whether password matches encoded (constant time in the hash comparison). */
int shop_password_verify(const char *encoded, const char *password);

#pragma GCC visibility pop

#endif
