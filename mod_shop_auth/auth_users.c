/*
 * auth_users.c: the users of the shop (table app_user) and the admin routes
 * over them. Every change is written together with its user.* event in the
 * outbox, in one transaction.
 */
#include "auth.h"

#include "http_log.h"
#include "http_protocol.h"
#include "apr_strings.h"
#include "apr_lib.h"

#include "mod_shop.h"
#include "shop_body.h"
#include "shop_event.h"
#include "shop_http.h"
#include "shop_outbox.h"
#include "shop_parse.h"
#include "shop_pg.h"
#include "shop_write.h"
#include "shop_log.h"

APLOG_USE_MODULE(shop_auth);

#define USER_COLUMNS \
    "id, email, username, first_name, last_name, role, " \
    "to_char(created_at at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), " \
    "to_char(updated_at at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"
#define USER_SOURCE SHOP_EVENT_SOURCE "auth"
#define USERS_PAGE_DEFAULT 20
#define USERS_PAGE_MAX 100

static const char *const json_names[] = {
    "id", "email", "username", "firstName", "lastName", "role", "createdAt", "updatedAt"
};

/* ---- validation ---------------------------------------------------------- */

static apr_size_t utf8_length(const char *s)
{
    apr_size_t n = 0;

    for (; *s; s++)
        n += ((unsigned char)*s & 0xc0) != 0x80;
    return n;
}

static int valid_username(const char *s)
{
    for (; *s; s++)
        if (!apr_isalnum(*s) && *s != '_' && *s != '-' && *s != '.')
            return 0;
    return 1;
}

/* A string field: NULL when absent; an error when present but not a string. */
static const char *string_field(request_rec *r, const cJSON *body, const char *name,
                                cJSON *errors, int *present)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(body, name);

    *present = item != NULL && !cJSON_IsNull(item);
    if (!*present)
        return NULL;
    if (!cJSON_IsString(item)) {
        cJSON_AddStringToObject(errors, name, "must be a string");
        return NULL;
    }
    return apr_pstrdup(r->pool, item->valuestring);
}

/* Checks one field with its rule; adds "<name>: <why>" to errors if it fails. */
static const char *checked(request_rec *r, const cJSON *body, const char *name, int partial,
                           cJSON *errors, const char *(*rule)(const char *))
{
    int present;
    const char *value = string_field(r, body, name, errors, &present), *why;

    if (!present) {
        if (!partial)
            cJSON_AddStringToObject(errors, name, "is required");
        return NULL;
    }
    if (value && (why = rule(value))) {
        cJSON_AddStringToObject(errors, name, why);
        return NULL;
    }
    return value;
}

static const char *name_rule(const char *v)
{
    apr_size_t n = utf8_length(v);
    return n < 2 || n > 50 ? "must be 2 to 50 characters" : NULL;
}

static const char *username_rule(const char *v)
{
    if (name_rule(v))
        return "must be 2 to 50 characters";
    return valid_username(v) ? NULL : "may hold letters, digits, '.', '_' and '-' only";
}

static const char *email_rule(const char *v)
{
    return shop_is_email(v) ? NULL : "must be a valid email address";
}

static const char *password_rule(const char *v)
{
    apr_size_t n = utf8_length(v);
    return n < 8 ? "must be at least 8 characters" : n > 256 ? "must be at most 256 characters" : NULL;
}

static const char *role_rule(const char *v)
{
    return strcmp(v, "user") && strcmp(v, "admin") ? "must be user or admin" : NULL;
}

cJSON *auth_user_fields(request_rec *r, const cJSON *body, auth_user_fields_t *f, int partial)
{
    cJSON *errors = shop_json_own(r->pool, cJSON_CreateObject());

    memset(f, 0, sizeof(*f));
    f->email = checked(r, body, "email", partial, errors, email_rule);
    f->username = checked(r, body, "username", partial, errors, username_rule);
    f->first_name = checked(r, body, "firstName", partial, errors, name_rule);
    f->last_name = checked(r, body, "lastName", partial, errors, name_rule);
    f->password = checked(r, body, "password", partial, errors, password_rule);
    f->role = checked(r, body, "role", 1, errors, role_rule);
    return cJSON_GetArraySize(errors) ? errors : NULL;
}

/* 400 naming each invalid field. */
static shop_error_t *invalid_fields(apr_pool_t *p, cJSON *errors)
{
    cJSON *json = shop_json_own(p, cJSON_CreateObject());

    cJSON_AddStringToObject(json, "message", "invalid fields");
    cJSON_AddItemReferenceToObject(json, "fields", errors);
    return shop_fail_body(p, HTTP_BAD_REQUEST, json);
}

/* ---- rows and events ----------------------------------------------------- */

static cJSON *user_json(request_rec *r, const PGresult *res, int row)
{
    cJSON *user = shop_json_own(r->pool, cJSON_CreateObject());
    int i;

    for (i = 0; i < (int)(sizeof(json_names) / sizeof(json_names[0])); i++)
        cJSON_AddStringToObject(user, json_names[i], PQgetvalue(res, row, i));
    return user;
}

auth_identity_t *auth_user_identity(request_rec *r, const cJSON *user, apr_int64_t generation)
{
    auth_identity_t *who = apr_pcalloc(r->pool, sizeof(*who));

    who->generation = generation;
    who->id = shop_jwt_claim_string(user, "id");
    who->email = shop_jwt_claim_string(user, "email");
    who->role = shop_jwt_claim_string(user, "role");
    who->name = apr_pstrcat(r->pool, shop_jwt_claim_string(user, "firstName"), " ",
                            shop_jwt_claim_string(user, "lastName"), NULL);
    return who;
}

#define SECRET_COLUMNS ", password_hash, coalesce((select generation from auth_revocation" \
                       " where user_id = app_user.id), 0)"

cJSON *auth_user_find(request_rec *r, PGconn *conn, const char *by, const char *value,
                      const char **hash, apr_int64_t *generation)
{
    static const char by_id[] = "select " USER_COLUMNS SECRET_COLUMNS " from app_user where id = $1::uuid";
    static const char by_login[] = "select " USER_COLUMNS SECRET_COLUMNS " from app_user"
                                   " where lower(email) = lower($1) or lower(username) = lower($1)";
    const char *error = NULL;
    PGresult *res;

    if (!strcmp(by, "id") && !shop_is_uuid(value))
        return NULL;
    res = shop_pg_exec(r->pool, conn, strcmp(by, "id") ? by_login : by_id, 1, &value, &error);
    if (!res) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, SHOPLOGNO(02009) "user lookup: %s", error);
        return NULL;
    }
    if (PQntuples(res) != 1)
        return NULL;
    if (hash)
        *hash = PQgetvalue(res, 0, 8);
    if (generation)
        *generation = apr_atoi64(PQgetvalue(res, 0, 9));
    return user_json(r, res, 0);
}

/* A taken email or username (23505): 409 naming the field. */
static shop_error_t *refuse_user(apr_pool_t *p, const PGresult *res)
{
    const char *constraint = PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME);
    int email = constraint && !strcmp(constraint, "app_user_email_key");
    cJSON *json = shop_json_own(p, cJSON_CreateObject());

    if (!shop_pg_unique_violation(res))
        return NULL;
    cJSON_AddStringToObject(json, "message", email ? "email already registered"
                                                   : "username already taken");
    cJSON_AddStringToObject(json, "field", email ? "email" : "username");
    return shop_fail_body(p, HTTP_CONFLICT, json);
}

/*
 * Runs sql (returning USER_COLUMNS) and queues the user.<type> event for the
 * row, in one transaction. The user, or NULL and *err (404, 409, 503).
 */
static cJSON *change_user(request_rec *r, PGconn *conn, const char *sql, int n,
                          const char *const *params, const char *type, shop_error_t **err)
{
    shop_write_t write = { type, sql, n, params, "no such user", refuse_user };
    shop_write_event_t event = { NULL };
    PGresult *res;
    cJSON *user;

    if (!(res = shop_write_begin(r, conn, &write, err)))
        return NULL;
    user = user_json(r, res, 0);
    event.topic = "user-events";
    event.key = PQgetvalue(res, 0, 0);
    event.source = USER_SOURCE;
    event.type = apr_pstrcat(r->pool, "user.", type, NULL);
    event.data = user;
    return (*err = shop_write_commit(r, conn, &event)) ? NULL : user;
}

static const char *hash_password(request_rec *r, const char *password)
{
    return password ? shop_password_hash(r->pool, &auth_conf_get(r->server)->argon2, password)
                    : NULL;
}

cJSON *auth_user_create(request_rec *r, int role_allowed, shop_error_t **err)
{
    static const char sql[] =
        "insert into app_user (email, username, first_name, last_name, password_hash, role)"
        " values ($1, $2, $3, $4, $5, coalesce($6, 'user')) returning " USER_COLUMNS;
    const char *params[6];
    auth_user_fields_t f;
    cJSON *body, *errors;
    PGconn *conn;

    if (!(body = shop_read_json(r, auth_conf_get(r->server)->max_body, err)))
        return NULL;
    if ((errors = auth_user_fields(r, body, &f, 0))) {
        *err = invalid_fields(r->pool, errors);
        return NULL;
    }
    if (!(conn = shop_pg_connection(r, err)))
        return NULL;
    params[0] = f.email;
    params[1] = f.username;
    params[2] = f.first_name;
    params[3] = f.last_name;
    params[4] = hash_password(r, f.password);
    params[5] = role_allowed ? f.role : NULL;
    if (!params[4]) {
        *err = shop_fail(r->pool, HTTP_SERVICE_UNAVAILABLE, "cannot hash the password");
        return NULL;
    }
    return change_user(r, conn, sql, 6, params, "created", err);
}

/* ---- admin routes -------------------------------------------------------- */

int auth_users_list(request_rec *r, const char *id)
{
    static const char page_sql[] =
        "select " USER_COLUMNS " from app_user order by created_at desc, id limit $1 offset $2";
    long limit, offset;
    const char *params[2], *error = NULL;
    PGresult *res, *count;
    PGconn *conn;
    cJSON *json, *users;
    shop_error_t *err;
    int i;

    if (!shop_query_int(r, "limit", USERS_PAGE_DEFAULT, 1, USERS_PAGE_MAX, &limit)
        || !shop_query_int(r, "offset", 0, 0, 1000000000L, &offset))
        return shop_reply_error(r, HTTP_BAD_REQUEST, "limit must be 1 to 100 and offset 0 or more");
    if (!(conn = shop_pg_connection(r, &err)))
        return shop_reply_failure(r, err);
    params[0] = apr_ltoa(r->pool, limit);
    params[1] = apr_ltoa(r->pool, offset);
    if (!(res = shop_pg_exec(r->pool, conn, page_sql, 2, params, &error))
        || !(count = shop_pg_exec(r->pool, conn, "select count(*) from app_user", 0, NULL, &error)))
        return shop_reply_failure(r, shop_fail_db(r->pool, "list users", error));
    json = shop_json_own(r->pool, cJSON_CreateObject());
    users = cJSON_AddArrayToObject(json, "users");
    for (i = 0; i < PQntuples(res); i++)
        cJSON_AddItemReferenceToArray(users, user_json(r, res, i));
    cJSON_AddNumberToObject(json, "total", atof(PQgetvalue(count, 0, 0)));
    cJSON_AddNumberToObject(json, "limit", (double)limit);
    cJSON_AddNumberToObject(json, "offset", (double)offset);
    return shop_reply_json(r, HTTP_OK, json);
}

int auth_users_get(request_rec *r, const char *id)
{
    shop_error_t *err;
    PGconn *conn;
    cJSON *user;

    if (!(conn = shop_pg_connection(r, &err)))
        return shop_reply_failure(r, err);
    if (!(user = auth_user_find(r, conn, "id", id, NULL, NULL)))
        return shop_reply_error(r, HTTP_NOT_FOUND, "no such user");
    return shop_reply_json(r, HTTP_OK, user);
}

int auth_users_post(request_rec *r, const char *id)
{
    shop_error_t *err;
    cJSON *user;

    if (!(user = auth_user_create(r, 1, &err)))
        return shop_reply_failure(r, err);
    apr_table_setn(r->headers_out, "Location",
                   apr_pstrcat(r->pool, "/users/", shop_jwt_claim_string(user, "id"), NULL));
    return shop_reply_json(r, HTTP_CREATED, user);
}

int auth_users_put(request_rec *r, const char *id)
{
    static const char sql[] =
        "update app_user set email = coalesce($2, email), username = coalesce($3, username),"
        " first_name = coalesce($4, first_name), last_name = coalesce($5, last_name),"
        " password_hash = coalesce($6, password_hash), role = coalesce($7, role),"
        " updated_at = now() where id = $1::uuid returning " USER_COLUMNS;
    auth_user_fields_t f;
    cJSON *body, *errors, *user;
    const char *params[7];
    shop_error_t *err;
    PGconn *conn;

    if (!(body = shop_read_json(r, auth_conf_get(r->server)->max_body, &err)))
        return shop_reply_failure(r, err);
    if ((errors = auth_user_fields(r, body, &f, 1)))
        return shop_reply_failure(r, invalid_fields(r->pool, errors));
    if (!f.email && !f.username && !f.first_name && !f.last_name && !f.password && !f.role)
        return shop_reply_error(r, HTTP_BAD_REQUEST, "nothing to update");
    if (!shop_is_uuid(id))
        return shop_reply_error(r, HTTP_NOT_FOUND, "no such user");
    if (!(conn = shop_pg_connection(r, &err)))
        return shop_reply_failure(r, err);
    params[0] = id;
    params[1] = f.email;
    params[2] = f.username;
    params[3] = f.first_name;
    params[4] = f.last_name;
    params[5] = hash_password(r, f.password);
    params[6] = f.role;
    if (f.password && !params[5])
        return shop_reply_error(r, HTTP_SERVICE_UNAVAILABLE, "cannot hash the password");
    if (!(user = change_user(r, conn, sql, 7, params, "updated", &err)))
        return shop_reply_failure(r, err);
    if (f.password || f.role)           /* the trigger may have revoked the user's tokens */
        auth_revocation_saw(r, conn, id);
    return shop_reply_json(r, HTTP_OK, user);
}

int auth_users_delete(request_rec *r, const char *id)
{
    static const char sql[] = "delete from app_user where id = $1::uuid returning " USER_COLUMNS;
    shop_error_t *err;
    PGconn *conn;

    if (!shop_is_uuid(id))
        return shop_reply_error(r, HTTP_NOT_FOUND, "no such user");
    if (!(conn = shop_pg_connection(r, &err))
        || !change_user(r, conn, sql, 1, &id, "deleted", &err))
        return shop_reply_failure(r, err);
    auth_revocation_saw(r, conn, id);
    r->status = HTTP_NO_CONTENT;
    return OK;
}
