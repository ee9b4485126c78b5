/*
 * shop_metrics.c: the calls behind shop_metrics.h, through the optional
 * functions of mod_shop_kafka (looked up at each call: a hash lookup, and
 * never a stale pointer across a restart that reloads the modules).
 */
#include "shop_metrics.h"

void shop_count(shop_counter_t counter, apr_uint64_t n)
{
    APR_OPTIONAL_FN_TYPE(shop_metrics_count) *count = APR_RETRIEVE_OPTIONAL_FN(shop_metrics_count);

    if (count)
        count(counter, n);
}

void shop_gauge(shop_gauge_t gauge, apr_uint64_t value)
{
    APR_OPTIONAL_FN_TYPE(shop_metrics_gauge) *set = APR_RETRIEVE_OPTIONAL_FN(shop_metrics_gauge);

    if (set)
        set(gauge, value);
}
