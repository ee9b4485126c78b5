-- 0006_email.sql: the mails mod_shop_email sent (email_consumer.c), one row per
-- event. The worker looks an event up here before it sends its mail and adds
-- it once the SMTP server accepted the mail, so a redelivered or repeated
-- event is not mailed twice.
create table email_sent (
    event_id  text primary key,             -- the CloudEvents id
    type      text not null,                -- the event type (user.created, ...)
    recipient text not null,
    sent_at   timestamptz not null default now()
);
create index email_sent_sent_at on email_sent (sent_at);
