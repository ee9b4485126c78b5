/*
 * shop_shm.h: an anonymous shared-memory segment made in post_config, so that
 * every child (and the worker process) forked afterwards sees the same bytes.
 */
#ifndef SHOP_SHM_H
#define SHOP_SHM_H

#include "apr_pools.h"

#pragma GCC visibility push(hidden)

/* size zeroed bytes shared with the children, owned by pconf; NULL and *rv on failure. */
void *shop_shm_zeroed(apr_pool_t *pconf, apr_size_t size, apr_status_t *rv);

#pragma GCC visibility pop

#endif
