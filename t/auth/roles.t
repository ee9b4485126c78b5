# /users is for admins (conf/auth.conf: Require shop-role admin): anonymous
# callers get 401 JSON, users 403 JSON. An admin lists users page by page,
# reads, creates (with a role), updates (partially, role, password) and deletes
# them; unknown or malformed ids are 404 and SQL in an id does nothing.
use strict;
use warnings;
use Apache::Test qw(-withtestmore);
use URI::Escape qw(uri_escape);
use ShopTest;

plan tests => 128;

my $run = unique_tag();
my $n = 0;
sub new_fields {
    my $tag = $run . 'r' . ++$n;
    return { email => "role.$tag\@example.test", username => "role_$tag", firstName => 'Rolf',
             lastName => 'Roles', password => "pass $tag" };
}
sub count_users { sql_value('select count(*) from app_user') }
sub role_of { sql_value("select role from app_user where id = :'p1'", $_[0]) }

# ---- a user and an admin ----------------------------------------------------------

my $plain = new_fields();
my ($code, $body, $res) = sign_up('shop_auth', $plain);
is($code, 201, 'a user signs up');
my $plain_id = $body->{user}{id};
my $user_token = $body->{token};

my $boss = new_fields();
($code, $body) = sign_up('shop_auth', $boss);
is($code, 201, 'a future admin signs up');
my $boss_id = $body->{user}{id};
sql("update app_user set role = 'admin' where id = :'p1'", $boss_id);
($code, $body) = sign_in('shop_auth', { email => $boss->{email}, password => $boss->{password} });
is($code, 200, 'made admin in the database, they sign in again');
is($body->{user}{role}, 'admin', '... as admin');
my $admin = $body->{token};
is((jwt_parts($admin))[1]{role}, 'admin', '... with a token of role admin');

# ---- who may call /users ------------------------------------------------------------

for my $call (['GET', '/users'], ['GET', "/users/$plain_id"], ['POST', '/users', new_fields()],
              ['PUT', "/users/$plain_id", { role => 'admin' }], ['DELETE', "/users/$plain_id"]) {
    my ($method, $path, $fields) = @$call;
    my @json = $fields ? (json => $fields) : ();
    ($code, $body, $res) = request_json('shop_auth', $method, $path, @json);
    is($code, 401, "anonymous $method $path: 401");
    is($body->{message}, 'authentication required', "anonymous $method $path: JSON message");
    is($res->header('Content-Type'), 'application/json', "anonymous $method $path: JSON");
    ($code, $body, $res) = request_json('shop_auth', $method, $path, @json, token => $user_token);
    is($code, 403, "user $method $path: 403");
    is_deeply($body, { message => 'forbidden: requires role admin' },
              "user $method $path: {\"message\":\"forbidden: requires role admin\"}");
}
is(role_of($plain_id), 'user', 'the user could not make themself admin');
is(sql_value("select count(*) from app_user where id = :'p1'", $plain_id), 1,
   'nor delete themself');

# ---- list, page by page ----------------------------------------------------------

my @made;
for (1 .. 3) {
    ($code, $body) = request_json('shop_auth', 'POST', '/users', json => new_fields(), token => $admin);
    push @made, $body->{id};
}
is(scalar(grep { defined } @made), 3, 'the admin creates three users');

($code, $body, $res) = request_json('shop_auth', 'GET', '/users', token => $admin);
is($code, 200, 'admin GET /users: 200');
is($body->{limit}, 20, 'the default page is 20');
is($body->{offset}, 0, '... from offset 0');
is($body->{total}, count_users(), 'total is the number of rows in app_user');
is(scalar @{ $body->{users} || [] }, ($body->{total} < 20 ? $body->{total} : 20), 'a page of users');
unlike($res->content, qr/password|argon2/i, 'no password nor hash in the list');

($code, $body) = request_json('shop_auth', 'GET', '/users?limit=2&offset=0', token => $admin);
is($code, 200, 'limit=2&offset=0: 200');
is_deeply([map { $_->{id} } @{ $body->{users} || [] }], [@made[2, 1]], '... the two newest users, newest first');
is($body->{limit}, 2, '... and says limit 2');
($code, $body) = request_json('shop_auth', 'GET', '/users?limit=2&offset=1', token => $admin);
is_deeply([map { $_->{id} } @{ $body->{users} || [] }], [@made[1, 0]], 'limit=2&offset=1: the next two');
is($body->{offset}, 1, '... and says offset 1');
($code, $body) = request_json('shop_auth', 'GET', '/users?limit=100', token => $admin);
is($code, 200, 'limit=100 is allowed');
($code, $body) = request_json('shop_auth', 'GET', '/users?offset=100000000', token => $admin);
is_deeply($body->{users}, [], 'an offset past the end: an empty page');

for my $query (qw(limit=0 limit=101 limit=abc limit=-1 limit=1.5 limit= offset=-1 offset=x)) {
    ($code, $body) = request_json('shop_auth', 'GET', "/users?$query", token => $admin);
    is($code, 400, "$query: 400");
}
like($body->{message} // '', qr/limit.*offset/, 'the 400 says what limit and offset may be');

# ---- one user --------------------------------------------------------------------

($code, $body, $res) = request_json('shop_auth', 'GET', "/users/$plain_id", token => $admin);
is($code, 200, 'GET /users/:id: 200');
is($body->{id}, $plain_id, '... that user');
is($body->{email}, $plain->{email}, '... with its email');
is($body->{username}, $plain->{username}, '... username');
is($body->{role}, 'user', '... and role');
unlike($res->content, qr/password|argon2/i, '... and no password nor hash');

my $before = count_users();
for my $id ('00000000-0000-4000-8000-000000000000', 'not-a-uuid', '42',
            "' or '1'='1", "x' or 1=1 --", "$plain_id'; delete from app_user; --",
            '00000000-0000-4000-8000-00000000000%') {
    my $path = '/users/' . uri_escape($id);
    ($code, $body) = request_json('shop_auth', 'GET', $path, token => $admin);
    is($code, 404, "GET /users/$id: 404");
    ($code) = request_json('shop_auth', 'DELETE', $path, token => $admin);
    is($code, 404, "DELETE /users/$id: 404");
}
($code, $body) = request_json('shop_auth', 'GET', '/users/not-a-uuid', token => $admin);
is($body->{message}, 'no such user', 'the 404 says no such user');
is(count_users(), $before, 'no row went away');
is(sql_value("select count(*) from app_user where id = :'p1'", $plain_id), 1, 'the user is still there');

# ---- create with a role ------------------------------------------------------------

my $deputy = new_fields();
($code, $body, $res) = request_json('shop_auth', 'POST', '/users', json => { %$deputy, role => 'admin' },
                                    token => $admin);
is($code, 201, 'POST /users with role admin: 201');
my $deputy_id = $body->{id} // '';
is($res->header('Location'), "/users/$deputy_id", '... Location names the new user');
is($body->{role}, 'admin', '... the user is admin');
is($body->{email}, $deputy->{email}, '... with the email');
unlike($res->content, qr/password|argon2/i, '... and no password nor hash in the answer');
is(role_of($deputy_id), 'admin', 'the row has role admin');
like(sql_value("select password_hash from app_user where id = :'p1'", $deputy_id) // '',
     qr/^\$argon2id\$/, 'and an argon2id hash');
($code, $body) = sign_in('shop_auth', { username => $deputy->{username}, password => $deputy->{password} });
is($code, 200, 'the new admin signs in');
($code) = request_json('shop_auth', 'GET', '/users', token => $body->{token});
is($code, 200, '... and may list users');

($code, $body) = request_json('shop_auth', 'POST', '/users', json => new_fields(), token => $admin);
is($body->{role}, 'user', 'POST /users without a role makes a user');
($code, $body) = request_json('shop_auth', 'POST', '/users', json => { %{ new_fields() }, role => 'root' },
                              token => $admin);
is($code, 400, 'POST /users with role root: 400');
ok(exists $body->{fields}{role}, '... naming the field role');
($code, $body) = request_json('shop_auth', 'POST', '/users', json => { email => 'x' }, token => $admin);
is($code, 400, 'POST /users with missing and bad fields: 400');
is_deeply([sort keys %{ $body->{fields} || {} }], [qw(email firstName lastName password username)],
          '... naming each');
($code, $body) = request_json('shop_auth', 'POST', '/users',
                              json => { %{ new_fields() }, email => uc $deputy->{email} }, token => $admin);
is($code, 409, 'POST /users with a taken email: 409');
is($body->{field}, 'email', '... naming email');

# ---- update ----------------------------------------------------------------------

my $target = new_fields();
($code, $body) = request_json('shop_auth', 'POST', '/users', json => $target, token => $admin);
my $target_id = $body->{id};
my $created = $body;
select(undef, undef, undef, 0.05);

($code, $body, $res) = request_json('shop_auth', 'PUT', "/users/$target_id", json => { firstName => 'Renamed' },
                                    token => $admin);
is($code, 200, 'PUT with firstName only: 200');
is($body->{firstName}, 'Renamed', '... firstName changed');
is_deeply([@$body{qw(id email username lastName role createdAt)}],
          [@$created{qw(id email username lastName role createdAt)}], '... nothing else');
ok(($body->{updatedAt} // '') gt ($created->{updatedAt} // ''), '... updatedAt moved on');
unlike($res->content, qr/password|argon2/i, '... and no password nor hash in the answer');
is(sql_value("select first_name from app_user where id = :'p1'", $target_id), 'Renamed', 'the row changed');

($code, $body) = request_json('shop_auth', 'PUT', "/users/$target_id", json => { role => 'admin' }, token => $admin);
is($code, 200, 'PUT role admin: 200');
is($body->{role}, 'admin', '... answers role admin');
is(role_of($target_id), 'admin', '... the row is admin');
($code, $body) = sign_in('shop_auth', { email => $target->{email}, password => $target->{password} });
is((jwt_parts($body->{token} // ''))[1]{role}, 'admin', 'signing in again gives an admin token');
($code, $body) = request_json('shop_auth', 'PUT', "/users/$target_id", json => { role => 'user' }, token => $admin);
is(role_of($target_id), 'user', 'PUT role user takes it back');

my $old_hash = sql_value("select password_hash from app_user where id = :'p1'", $target_id);
($code, $body) = request_json('shop_auth', 'PUT', "/users/$target_id", json => { password => 'a brand new one' },
                              token => $admin);
is($code, 200, 'PUT password: 200');
my $new_hash = sql_value("select password_hash from app_user where id = :'p1'", $target_id);
isnt($new_hash, $old_hash, 'the hash changed');
like($new_hash // '', qr/^\$argon2id\$/, '... to a new argon2id hash');
($code) = sign_in('shop_auth', { email => $target->{email}, password => 'a brand new one' });
is($code, 200, 'the new password signs in');
($code) = sign_in('shop_auth', { email => $target->{email}, password => $target->{password} });
is($code, 401, 'the old one no longer does');

($code, $body) = request_json('shop_auth', 'PUT', "/users/$target_id", json => {}, token => $admin);
is($code, 400, 'PUT {}: 400');
like($body->{message} // '', qr/nothing to update/, '... nothing to update');
($code, $body) = request_json('shop_auth', 'PUT', "/users/$target_id", json => { firstName => 'R', role => 'god' },
                              token => $admin);
is($code, 400, 'PUT with invalid fields: 400');
is_deeply([sort keys %{ $body->{fields} || {} }], [qw(firstName role)], '... naming them');
is(sql_value("select first_name || ' ' || role from app_user where id = :'p1'", $target_id), 'Renamed user',
   '... and changing nothing');
($code, $body) = request_json('shop_auth', 'PUT', "/users/$target_id", json => { username => uc $plain->{username} },
                              token => $admin);
is($code, 409, 'PUT a taken username: 409');
is($body->{field}, 'username', '... naming username');
($code) = request_json('shop_auth', 'PUT', '/users/00000000-0000-4000-8000-000000000000',
                       json => { firstName => 'Ghost' }, token => $admin);
is($code, 404, 'PUT an unknown id: 404');
($code) = request_json('shop_auth', 'PUT', '/users/' . uri_escape("' or '1'='1"),
                       json => { firstName => 'Everyone' }, token => $admin);
is($code, 404, 'PUT with SQL for an id: 404');
is(sql_value("select count(*) from app_user where first_name = 'Everyone'"), 0, '... and changed nobody');

# ---- delete ----------------------------------------------------------------------

my $victim = new_fields();
($code, $body) = sign_up('shop_auth', $victim);
my $victim_id = $body->{user}{id};
my $victim_token = $body->{token};
($code, $body, $res) = request_json('shop_auth', 'DELETE', "/users/$victim_id", token => $admin);
is($code, 204, 'DELETE /users/:id: 204');
is($res->content, '', '... with no body');
is(sql_value("select count(*) from app_user where id = :'p1'", $victim_id), 0, 'the row is gone');
($code, $body) = request_json('shop_auth', 'GET', "/users/$victim_id", token => $admin);
is($code, 404, 'GET it afterwards: 404');
is($body->{message}, 'no such user', '... no such user');
($code) = request_json('shop_auth', 'DELETE', "/users/$victim_id", token => $admin);
is($code, 404, 'DELETE it again: 404');
($code, $body) = request_json('shop_auth', 'GET', '/auth/me', token => $victim_token);
is($code, 401, 'the deleted user\'s token no longer opens /auth/me');
($code) = sign_in('shop_auth', { email => $victim->{email}, password => $victim->{password} });
is($code, 401, 'nor can they sign in');
