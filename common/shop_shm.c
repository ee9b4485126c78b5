/*
 * shop_shm.c: the shared-memory segments of the modules (catalog version,
 * worker status, token revocations).
 */
#include "shop_shm.h"

#include "apr_shm.h"
#include <string.h>

void *shop_shm_zeroed(apr_pool_t *pconf, apr_size_t size, apr_status_t *rv)
{
    apr_shm_t *shm;
    void *base;

    if ((*rv = apr_shm_create(&shm, size, NULL, pconf)) != APR_SUCCESS)
        return NULL;
    base = apr_shm_baseaddr_get(shm);
    memset(base, 0, size);
    return base;
}
