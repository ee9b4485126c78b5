/*
 * shop_health.h: the GET /health answer every mod_shop service gives:
 *   {"status":"ok"|"unavailable","service":..,"uptime":seconds,
 *    "checks":{"<dependency>":{"status":"ok"|"down","ms":..,"error":..}}}
 * 200 when every check passed, 503 naming the failed ones otherwise.
 */
#ifndef SHOP_HEALTH_H
#define SHOP_HEALTH_H

#include "httpd.h"

#pragma GCC visibility push(hidden)

typedef struct shop_health shop_health_t;

shop_health_t *shop_health_start(request_rec *r, const char *service);

/* Records one dependency; error NULL means it is up. */
void shop_health_add(shop_health_t *h, const char *name, const char *error,
                     apr_time_t started);

/* The checks the services share: Kafka (via mod_shop_kafka), PostgreSQL (via mod_dbd). */
void shop_health_check_kafka(shop_health_t *h);
void shop_health_check_database(shop_health_t *h);

int shop_health_reply(shop_health_t *h);

#pragma GCC visibility pop

#endif
