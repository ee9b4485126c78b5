/*
 * shop_password.c: hashing and verifying passwords with argon2id.
 */
#include "shop_password.h"

#include "apr_general.h"
#include <argon2.h>
#include <string.h>

#define SALT_BYTES 16
#define HASH_BYTES 32

const char *shop_password_hash(apr_pool_t *p, const shop_argon2_t *params, const char *password)
{
    unsigned char salt[SALT_BYTES];
    size_t len = argon2_encodedlen(params->t_cost, params->m_cost, params->parallelism,
                                   SALT_BYTES, HASH_BYTES, Argon2_id);
    char *encoded = apr_palloc(p, len);

    if (apr_generate_random_bytes(salt, sizeof(salt)) != APR_SUCCESS
        || argon2id_hash_encoded(params->t_cost, params->m_cost, params->parallelism,
                                 password, strlen(password), salt, sizeof(salt), HASH_BYTES,
                                 encoded, len) != ARGON2_OK)
        return NULL;
    return encoded;
}

int shop_password_verify(const char *encoded, const char *password)
{
    return encoded && argon2id_verify(encoded, password, strlen(password)) == ARGON2_OK;
}
