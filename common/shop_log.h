/*
 * shop_log.h: message numbers for the error log, in the manner of httpd's APLOGNO.
 * Every ap_log_* call of mod_shop starts its format with SHOPLOGNO(nnnnn), so an
 * operator can grep for "SHOP01002" and find the one line of code that wrote it.
 * Ranges: common 00xxx, kafka 01xxx, auth 02xxx, product 03xxx, order 04xxx,
 * payment 05xxx, email 06xxx. scripts/check-logno (run by make test) checks that
 * every call has one and that no number is used twice. Never reuse a number.
 */
#ifndef SHOP_LOG_H
#define SHOP_LOG_H

#define SHOPLOGNO(n) "SHOP" #n ": "

#endif
