/*
 * mod_shop_email.c: the email worker of mod_shop (DESIGN §1, §5).
 *
 * It has no port and no handler: it consumes user-, order- and payment-events in
 * mod_shop_kafka's worker process and sends mail over SMTP. Until that worker
 * exists (the event-backbone issue) the module only loads, so the configuration
 * that will carry its directives can already name it.
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
