-- 0005_payment.sql: checkout sessions and their payments (mod_shop_payment).
-- Money is integer minor units. Each checkout has its own row: completing,
-- failing or refunding one locks only that row, never a row shared between
-- checkouts. status follows Stripe's session (open, complete, expired);
-- payment_status is unpaid, paid or failed. refunded_minor is what has been
-- refunded in all; reserved_minor what refunds in flight hold back.
create table checkout_session (
    id                  uuid primary key,
    user_id             text not null,          -- r->user (local or external); no foreign key
    email               text not null,
    provider            text not null check (provider in ('test', 'stripe')),
    provider_session_id text unique,
    payment_intent_id   text,
    url                 text not null,
    currency            text not null,
    total_minor         bigint not null check (total_minor > 0),
    shipping            jsonb not null,
    status              text not null default 'open'
                        check (status in ('open', 'complete', 'expired')),
    payment_status      text not null default 'unpaid'
                        check (payment_status in ('unpaid', 'paid', 'failed')),
    refunded_minor      bigint not null default 0,
    reserved_minor      bigint not null default 0,
    created_at          timestamptz not null default now(),
    updated_at          timestamptz not null default now(),
    check (refunded_minor >= 0 and reserved_minor >= 0
           and refunded_minor + reserved_minor <= total_minor)
);
create index checkout_session_user on checkout_session (user_id, created_at desc);
create index checkout_session_payment_intent on checkout_session (payment_intent_id)
    where payment_intent_id is not null;

-- the lines of a checkout, as the catalog priced them when it was created
create table checkout_item (
    session_id  uuid not null references checkout_session (id) on delete cascade,
    position    integer not null,
    product_id  integer not null,               -- no foreign key: the product may go
    name        text not null,
    unit_minor  integer not null check (unit_minor > 0),
    quantity    integer not null check (quantity between 1 and 99),
    size        text not null,
    color       text not null,
    primary key (session_id, position)
);

-- Stripe webhook events already handled, recorded in the transaction of their effect
create table payment_webhook_event (
    id          text primary key,
    type        text not null,
    received_at timestamptz not null default now()
);

-- refunds: ours (source api) go pending -> succeeded | failed; the ones made in
-- Stripe's dashboard (source provider) arrive succeeded with charge.refunded
create table payment_refund (
    id                 uuid primary key,
    session_id         uuid not null references checkout_session (id),
    amount_minor       bigint not null check (amount_minor > 0),
    source             text not null check (source in ('api', 'provider')),
    status             text not null check (status in ('pending', 'succeeded', 'failed')),
    provider_refund_id text,
    created_at         timestamptz not null default now(),
    updated_at         timestamptz not null default now()
);
create index payment_refund_session on payment_refund (session_id);
