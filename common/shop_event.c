/*
 * shop_event.c: the event envelope every mod_shop topic carries (DESIGN §5).
 */
#include "shop_event.h"

#include "apr_escape.h"
#include "apr_strings.h"
#include "apr_time.h"
#include "apr_uuid.h"
#include "apr_general.h"
#include "apr_lib.h"

static void format_time(char *buf, apr_size_t size, apr_time_t t)
{
    apr_time_exp_t tm;

    apr_time_exp_gmt(&tm, t);
    apr_snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                 tm.tm_usec / 1000);
}

cJSON *shop_event_new(const char *id, const char *source, const char *type, cJSON *data)
{
    cJSON *event = cJSON_CreateObject();
    char uuid_text[APR_UUID_FORMATTED_LENGTH + 1], time[32];
    apr_uuid_t uuid;

    if (!id) {
        apr_uuid_get(&uuid);
        apr_uuid_format(uuid_text, &uuid);
        id = uuid_text;
    }
    format_time(time, sizeof(time), apr_time_now());
    cJSON_AddStringToObject(event, "specversion", "1.0");
    cJSON_AddStringToObject(event, "id", id);
    cJSON_AddStringToObject(event, "source", source);
    cJSON_AddStringToObject(event, "type", type);
    cJSON_AddStringToObject(event, "time", time);
    cJSON_AddStringToObject(event, "datacontenttype", "application/json");
    cJSON_AddItemToObject(event, "data", data);
    return event;
}

const char *shop_traceparent_new(apr_pool_t *p)
{
    unsigned char ids[24];

    if (apr_generate_random_bytes(ids, sizeof(ids)) != APR_SUCCESS)
        return NULL;
    ids[0] |= 1;                                 /* all-zero ids are invalid */
    ids[16] |= 1;
    return apr_pstrcat(p, "00-", apr_pescape_hex(p, ids, 16, 0), "-",
                       apr_pescape_hex(p, ids + 16, 8, 0), "-01", NULL);
}

/* n lower-case hex digits, not all zero */
static int hex_id(const char *s, int n)
{
    int i, nonzero = 0;

    for (i = 0; i < n; i++) {
        if (!apr_isxdigit(s[i]) || apr_isupper(s[i]))
            return 0;
        nonzero |= s[i] != '0';
    }
    return nonzero;
}

int shop_traceparent_valid(const char *tp)
{
    return tp && strlen(tp) == 55 && !strncmp(tp, "00-", 3) && hex_id(tp + 3, 32)
           && tp[35] == '-' && hex_id(tp + 36, 16) && tp[52] == '-'
           && apr_isxdigit(tp[53]) && apr_isxdigit(tp[54]);
}
