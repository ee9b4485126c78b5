-- 0004_revocation.sql: tokens that can be revoked (mod_shop_auth, auth_revocation.c).
--
-- Every token carries "gen", the generation of its user when it was issued
-- (0 when the user has no row here). Revoking a user's tokens stores a new
-- generation, taken from one sequence so it is larger than any generation a
-- token already carries; tokens with a smaller gen are refused. Deleting a
-- user stores the tombstone generation (bigint max), which refuses every token
-- of that id, local or external, and is kept for good. Each change NOTIFYs
-- shop_auth_revoked with "<user id> <generation>", so every httpd updates its
-- shared-memory copy at once.
create sequence auth_token_generation;

create table auth_revocation (
    user_id    uuid primary key,            -- no foreign key: outlives the user
    generation bigint not null,
    revoked_at timestamptz not null default now()
);
create index auth_revocation_revoked_at on auth_revocation (revoked_at);

-- Revokes every token of who issued so far (deleted: for good). The generation stored.
create function auth_revoke(who uuid, deleted boolean) returns bigint language plpgsql as $$
declare
    g bigint := case when deleted then 9223372036854775807 else nextval('auth_token_generation') end;
begin
    insert into auth_revocation as r (user_id, generation, revoked_at) values (who, g, now())
        on conflict (user_id) do update set generation = greatest(r.generation, excluded.generation),
                                            revoked_at = now()
        returning generation into g;
    perform pg_notify('shop_auth_revoked', who::text || ' ' || g::text);
    return g;
end $$;

-- a new role or password ends the sessions issued before it; so does deleting the user
create function app_user_revoke() returns trigger language plpgsql as $$
begin
    perform auth_revoke(old.id, tg_op = 'DELETE');
    return null;
end $$;
create trigger app_user_revoke_changed after update of role, password_hash on app_user
    for each row when (old.role is distinct from new.role
                       or old.password_hash is distinct from new.password_hash)
    execute function app_user_revoke();
create trigger app_user_revoke_deleted after delete on app_user
    for each row execute function app_user_revoke();

-- expired sign-in counters are purged by window_start (auth_throttle.c)
create index auth_throttle_window_start on auth_throttle (window_start);
