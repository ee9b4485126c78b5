-- 0003_catalog.sql: the catalog (mod_shop_product). Prices are integer minor
-- units. catalog_version counts every change to products or categories and
-- NOTIFYs shop_catalog, so every httpd drops its cached answers at once.
create extension if not exists pg_trgm;

create table category (
    id         serial primary key,
    name       text not null,
    slug       text not null unique,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);

create table product (
    id                serial primary key,
    name              text not null,
    short_description text not null,
    description       text not null,
    price_minor       integer not null check (price_minor > 0),
    sizes             text[] not null,
    colors            text[] not null,
    images            jsonb not null,
    category_slug     text not null references category (slug) on update cascade,
    created_at        timestamptz not null default now(),
    updated_at        timestamptz not null default now()
);
create index product_newest on product (created_at desc, id desc);
create index product_price on product (price_minor, id);
create index product_category_newest on product (category_slug, created_at desc, id desc);
create index product_name_search on product using gin (lower(name) gin_trgm_ops);

create table catalog_version (
    id         integer primary key default 1 check (id = 1),
    version    bigint not null,
    changed_at timestamptz not null
);
insert into catalog_version values (1, 1, now());

create function catalog_changed() returns trigger language plpgsql as $$
declare v bigint;
begin
    update catalog_version set version = version + 1, changed_at = now()
     returning version into v;
    perform pg_notify('shop_catalog', v::text);
    return null;
end $$;

create trigger product_changed after insert or update or delete on product
    for each statement execute function catalog_changed();
create trigger category_changed after insert or update or delete on category
    for each statement execute function catalog_changed();
