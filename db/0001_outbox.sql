-- db/0001_outbox.sql: the transactional outbox (DESIGN.md §3).
-- A service writes the event describing a change (topic, key, JSON payload, headers) into
-- outbox in the same transaction as the change itself. The worker's relay publishes the
-- unpublished rows to Kafka in id order and sets published_at, so no event is lost while
-- Kafka is down. The trigger wakes the relay (LISTEN shop_outbox) at commit; the relay
-- still polls, since a notification is only a hint.

create table outbox (
  id           bigserial primary key,
  topic        text not null,
  key          text not null,
  payload      jsonb not null,
  headers      jsonb not null default '{}',
  created_at   timestamptz not null default now(),
  published_at timestamptz
);

-- the relay's queue: unpublished rows in id order
create index outbox_unpublished on outbox (id) where published_at is null;

create function outbox_notify() returns trigger language plpgsql as $$
begin
  perform pg_notify('shop_outbox', '');
  return null;
end
$$;

-- once per statement; notifications with the same payload in one transaction fold into one
create trigger outbox_notify after insert on outbox
  for each statement execute function outbox_notify();
