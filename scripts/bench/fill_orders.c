/*
 * scripts/bench/fill_orders.c: tops the orders collection up to N documents for the
 * benchmarks, shaped exactly as mod_shop_order's consumer writes them
 * (mod_shop_order/order_consumer.c, order_from_payment; refunds as its refund
 * update leaves them). Built and run by scripts/bench/fill-orders.
 *
 * Usage: fill-orders URI N [USERS_FILE]
 *   URI         the order store (mongodb://HOST:PORT/DB)
 *   N           the number of orders the collection must hold
 *   USERS_FILE  "id<TAB>email" lines: the first of the ~300 customers (real accounts,
 *               so their /user-orders can be measured); the rest are made up
 * Orders are spread over the last 365 days (createdAt, month and the ObjectId's
 * time agree), over every status, 1 to 4 items of a small demo-like catalog.
 * Prints the count the collection holds at the end.
 */
#include <mongoc/mongoc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define USERS 300
#define BATCH 1000
#define DAY_MS (86400LL * 1000)
#define SPAN_DAYS 365

typedef struct {
    char id[64], email[128];
} user_t;

static const struct {
    const char *name;
    int price;
} products[] = {
    { "Adidas CoreFit T-Shirt", 3990 }, { "Puma Ultrasoft Sweatshirt", 5990 },
    { "Nike Air Essential Jacket", 6990 }, { "Nike Dri Flex T-Shirt", 2990 },
    { "Under Armour StormFleece", 4990 }, { "Nike Air Max 270", 5990 },
    { "Nike Ultraboost Pulse", 6990 }, { "Levi's Classic Denim", 5990 },
};

/* status and how often it occurs, in percent */
static const struct {
    const char *status;
    int percent;
} statuses[] = {
    { "paid", 35 }, { "shipped", 20 }, { "delivered", 25 }, { "cancelled", 4 },
    { "refunded", 4 }, { "partially_refunded", 3 }, { "failed", 9 },
};

static const char *const sizes[] = { "s", "m", "l", "xl", "40", "42", "44" };
static const char *const colors[] = { "gray", "black", "white", "blue", "green", "red" };
static const char *const cities[] = { "Berlin", "Lyon", "Porto", "Oslo", "Gent", "Turin" };

static const char *pick_status(void)
{
    int r = rand() % 100, sum = 0;
    size_t i;

    for (i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++)
        if (r < (sum += statuses[i].percent))
            return statuses[i].status;
    return "paid";
}

static int load_users(const char *file, user_t *users)
{
    FILE *f = file ? fopen(file, "r") : NULL;
    int n = 0;

    while (f && n < USERS && fscanf(f, "%63[^\t]\t%127[^\n]\n", users[n].id, users[n].email) == 2)
        n++;
    if (f)
        fclose(f);
    for (; n < USERS; n++) {
        snprintf(users[n].id, sizeof(users[n].id), "00000000-0000-4000-8000-%012d", n);
        snprintf(users[n].email, sizeof(users[n].email), "customer%d@example.com", n);
    }
    return n;
}

static void append_items(bson_t *doc, int64_t *amount)
{
    int i, n = 1 + rand() % 4;
    bson_t items, item;
    char key[16];

    *amount = 0;
    BSON_APPEND_ARRAY_BEGIN(doc, "items", &items);
    for (i = 0; i < n; i++) {
        int p = rand() % (int)(sizeof(products) / sizeof(products[0])), q = 1 + rand() % 3;
        const char *size = sizes[rand() % 7], *color = colors[rand() % 6];  /* the macros
                                                                  evaluate their value twice */

        snprintf(key, sizeof(key), "%d", i);
        BSON_APPEND_DOCUMENT_BEGIN(&items, key, &item);
        BSON_APPEND_INT64(&item, "productId", p + 1);
        BSON_APPEND_UTF8(&item, "name", products[p].name);
        BSON_APPEND_INT64(&item, "price", products[p].price);
        BSON_APPEND_INT32(&item, "quantity", q);
        BSON_APPEND_UTF8(&item, "size", size);
        BSON_APPEND_UTF8(&item, "color", color);
        bson_append_document_end(&items, &item);
        *amount += (int64_t)products[p].price * q;
    }
    bson_append_array_end(doc, &items);
}

static void append_shipping(bson_t *doc, const user_t *u)
{
    bson_t sub;
    const char *city = cities[rand() % 6];
    char phone[32], address[64];

    snprintf(phone, sizeof(phone), "+49 30 %07d", rand() % 10000000);
    snprintf(address, sizeof(address), "%d Market Street", 1 + rand() % 200);
    BSON_APPEND_DOCUMENT_BEGIN(doc, "shipping", &sub);
    BSON_APPEND_UTF8(&sub, "name", "Demo Customer");
    BSON_APPEND_UTF8(&sub, "email", u->email);
    BSON_APPEND_UTF8(&sub, "phone", phone);
    BSON_APPEND_UTF8(&sub, "address", address);
    BSON_APPEND_UTF8(&sub, "city", city);
    bson_append_document_end(doc, &sub);
}

/* one order created at ms, as the consumer stores it */
static void make_order(bson_t *doc, const user_t *u, int64_t ms)
{
    const char *status = pick_status();
    time_t secs = (time_t)(ms / 1000);
    uint32_t be = BSON_UINT32_TO_BE((uint32_t)secs);
    char hex[25], session[64], intent[64], month[32];
    int64_t amount, refunded = 0, updated = ms;
    struct tm tm;
    bson_oid_t oid;

    bson_oid_init(&oid, NULL);
    memcpy(oid.bytes, &be, 4);                      /* the ObjectId's time is createdAt's */
    bson_oid_to_string(&oid, hex);
    snprintf(session, sizeof(session), "%.8s-%.4s-4%.3s-8%.3s-%.6s000000", hex, hex + 8,
             hex + 12, hex + 15, hex + 18);          /* a uuid made of all of the ObjectId */
    snprintf(intent, sizeof(intent), "pi_fill%s", hex);
    gmtime_r(&secs, &tm);
    snprintf(month, sizeof(month), "%04d-%02d", tm.tm_year + 1900, tm.tm_mon + 1);

    BSON_APPEND_OID(doc, "_id", &oid);
    BSON_APPEND_UTF8(doc, "userId", u->id);
    BSON_APPEND_UTF8(doc, "email", u->email);
    append_items(doc, &amount);
    BSON_APPEND_INT64(doc, "amount", amount);
    BSON_APPEND_UTF8(doc, "currency", "usd");
    BSON_APPEND_UTF8(doc, "status", status);
    BSON_APPEND_UTF8(doc, "checkoutSessionId", session);
    if (strcmp(status, "failed"))
        BSON_APPEND_UTF8(doc, "paymentIntentId", intent);
    else
        BSON_APPEND_NULL(doc, "paymentIntentId");
    append_shipping(doc, u);
    if (!strcmp(status, "refunded"))
        refunded = amount;
    else if (!strcmp(status, "partially_refunded"))
        refunded = amount / 2;
    BSON_APPEND_INT64(doc, "refundedAmount", refunded);
    if (!strcmp(status, "failed"))
        BSON_APPEND_UTF8(doc, "failureReason", "Your card was declined.");
    BSON_APPEND_UTF8(doc, "month", month);
    BSON_APPEND_DATE_TIME(doc, "createdAt", ms);
    if (strcmp(status, "paid") && strcmp(status, "failed"))
        updated = ms + (1 + rand() % 5) * DAY_MS;
    BSON_APPEND_DATE_TIME(doc, "updatedAt", updated);
}

/* the driver's errors only: FerretDB lacks endSessions, which it warns about at the end */
static void on_log(mongoc_log_level_t level, const char *domain, const char *message, void *data)
{
    (void)data;
    if (level <= MONGOC_LOG_LEVEL_ERROR)
        fprintf(stderr, "fill-orders: %s: %s\n", domain, message);
}

static int insert_batch(mongoc_collection_t *coll, const user_t *users, int n, int64_t now)
{
    mongoc_bulk_operation_t *bulk = mongoc_collection_create_bulk_operation_with_opts(coll, NULL);
    bson_error_t error;
    bson_t doc;
    int i, ok;

    for (i = 0; i < n; i++) {
        int64_t age = (int64_t)((double)rand() / RAND_MAX * SPAN_DAYS * DAY_MS);

        bson_init(&doc);
        make_order(&doc, &users[rand() % USERS], now - age);
        mongoc_bulk_operation_insert(bulk, &doc);
        bson_destroy(&doc);
    }
    ok = mongoc_bulk_operation_execute(bulk, NULL, &error) != 0;
    if (!ok)
        fprintf(stderr, "fill-orders: insert: %s\n", error.message);
    mongoc_bulk_operation_destroy(bulk);
    return ok;
}

int main(int argc, char **argv)
{
    static user_t users[USERS];
    mongoc_client_t *client;
    mongoc_collection_t *coll;
    mongoc_uri_t *uri;
    bson_error_t error;
    bson_t *all;
    int64_t have, target, now = (int64_t)time(NULL) * 1000;
    int rc = 0;

    if (argc < 3 || (target = atoll(argv[2])) < 0) {
        fprintf(stderr, "usage: fill-orders URI N [USERS_FILE]\n");
        return 2;
    }
    mongoc_init();
    mongoc_log_set_handler(on_log, NULL);
    srand((unsigned)time(NULL));
    load_users(argc > 3 ? argv[3] : NULL, users);
    if (!(uri = mongoc_uri_new_with_error(argv[1], &error))) {
        fprintf(stderr, "fill-orders: %s\n", error.message);
        return 2;
    }
    client = mongoc_client_new_from_uri(uri);
    coll = mongoc_client_get_collection(client, mongoc_uri_get_database(uri)
                                                ? mongoc_uri_get_database(uri) : "shop", "orders");
    all = bson_new();
    if ((have = mongoc_collection_count_documents(coll, all, NULL, NULL, NULL, &error)) < 0) {
        fprintf(stderr, "fill-orders: count: %s\n", error.message);
        rc = 1;
    }
    while (!rc && have < target) {
        int n = target - have < BATCH ? (int)(target - have) : BATCH;

        if (!insert_batch(coll, users, n, now))
            rc = 1;
        have += n;
    }
    if (!rc && (have = mongoc_collection_count_documents(coll, all, NULL, NULL, NULL, &error)) < 0) {
        fprintf(stderr, "fill-orders: count: %s\n", error.message);
        rc = 1;
    }
    if (!rc)
        printf("%lld\n", (long long)have);
    bson_destroy(all);
    mongoc_collection_destroy(coll);
    mongoc_client_destroy(client);
    mongoc_uri_destroy(uri);
    mongoc_cleanup();
    return rc;
}
