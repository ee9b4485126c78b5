/*
 * shop_metrics.h: counting into mod_shop_kafka's metrics (include/mod_shop.h)
 * from any module or from common/; nothing happens when mod_shop_kafka is not
 * loaded or made no shared memory.
 */
#ifndef SHOP_METRICS_H
#define SHOP_METRICS_H

#include "mod_shop.h"

#pragma GCC visibility push(hidden)

void shop_count(shop_counter_t counter, apr_uint64_t n);
void shop_gauge(shop_gauge_t gauge, apr_uint64_t value);

#pragma GCC visibility pop

#endif
