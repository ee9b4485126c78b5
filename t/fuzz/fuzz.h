/*
 * fuzz.h: what the libFuzzer targets of t/fuzz share: one APR pool per input
 * (created once, cleared before each input; APR is terminated at exit, before
 * the leak check, so what pools own is released and anything still reported
 * was leaked) and FUZZ_ASSERT, which aborts with the broken invariant so
 * libFuzzer keeps the input.
 */
#ifndef FUZZ_H
#define FUZZ_H

#include "apr_general.h"
#include "apr_pools.h"
#include "apr_strings.h"
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>

#define FUZZ_ASSERT(cond)                                                       \
    do {                                                                        \
        if (!(cond)) {                                                          \
            fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__, __LINE__, #cond); \
            abort();                                                            \
        }                                                                       \
    } while (0)

/* The pool of one input: cleared before it is handed out. */
static inline apr_pool_t *fuzz_pool(void)
{
    static apr_pool_t *pool;

    if (!pool) {
        apr_initialize();
        atexit(apr_terminate);
        apr_pool_create(&pool, NULL);
    }
    apr_pool_clear(pool);
    return pool;
}

/* The input as a NUL-terminated string (cut at its first NUL), in p. */
static inline const char *fuzz_string(apr_pool_t *p, const uint8_t *data, size_t size)
{
    return apr_pstrndup(p, (const char *)data, size);
}

#endif
