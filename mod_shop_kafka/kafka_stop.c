/*
 * kafka_stop.c: the worker's stop request. The signal handler sets it; the
 * worker's loops and threads test it, and sleep with shop_nap so that a stop
 * never waits for a long backoff to end.
 */
#include "kafka.h"

#include "apr_time.h"

#define NAP_TICK apr_time_from_msec(200)

void shop_nap(const shop_stop_t *stop, apr_interval_time_t t)
{
    apr_time_t now = apr_time_now(), until = now + t;

    while (!stop->requested && now < until) {
        apr_sleep(until - now < NAP_TICK ? until - now : NAP_TICK);
        now = apr_time_now();
    }
}
