/*
 * mod_shop_email.c: the email worker of mod_shop (DESIGN §1, §5).
 *
 * It has no port and no handler: it will register its consumers of user-,
 * order- and payment-events with mod_shop_kafka's worker (shop_kafka_consumer)
 * and send mail over SMTP. That arrives with the checkout work; for now the
 * module only loads, so configurations can already name it.
 */
#include "httpd.h"
#include "http_config.h"

AP_DECLARE_MODULE(shop_email) = {
    STANDARD20_MODULE_STUFF,
    NULL,
    NULL,
    NULL,
    NULL,
    NULL,
    NULL,
    AP_MODULE_FLAG_NONE
};
