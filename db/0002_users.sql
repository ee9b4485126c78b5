-- 0002_users.sql: identity (mod_shop_auth). Email and username are unique
-- regardless of case; passwords are argon2id PHC strings.
create table app_user (
    id            uuid primary key default gen_random_uuid(),
    email         text not null,
    username      text not null,
    first_name    text not null,
    last_name     text not null,
    password_hash text not null,
    role          text not null default 'user' check (role in ('user', 'admin')),
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now()
);
create unique index app_user_email_key on app_user (lower(email));
create unique index app_user_username_key on app_user (lower(username));
create index app_user_created_at on app_user (created_at desc, id);

-- failed sign-ins per key ("account:<email>", "client:<ip>") in the current window
create table auth_throttle (
    key          text primary key,
    window_start timestamptz not null,
    failures     integer not null
);
