# A customer signs up, signs in (by email, by username, in any letter case),
# proves who they are with the token (Bearer header or session cookie) and
# signs out. The password is stored as an argon2id hash and never answered.
use strict;
use warnings;
use Apache::Test qw(-withtestmore);
use ShopTest;
use HTTP::Date ();

plan tests => 64;

my $tag = unique_tag();
my %fields = (
    email     => "Ada.$tag\@Example.test",
    username  => "ada_$tag",
    firstName => 'Ada',
    lastName  => 'Lovelace',
    password  => "correct horse $tag",
);

# ---- sign-up ------------------------------------------------------------------

my ($code, $body, $res) = sign_up('shop_auth', { %fields, role => 'admin' });
is($code, 201, 'sign-up answers 201');
is($res->header('Content-Type'), 'application/json', 'sign-up answers JSON');
my $user = $body->{user} || {};
like($user->{id} // '', qr/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
     'the new user has a uuid');
is($user->{email}, $fields{email}, 'the user carries the email as given');
is($user->{username}, $fields{username}, '... the username');
is($user->{firstName}, 'Ada', '... firstName');
is($user->{lastName}, 'Lovelace', '... lastName');
is($user->{role}, 'user', 'a customer is a user even when the body asks for admin');
like($user->{createdAt} // '', qr/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/, 'createdAt is ISO 8601 UTC');
unlike($res->content, qr/password|argon2|\Q$fields{password}\E/i,
       'no password nor hash anywhere in the sign-up answer');

my $token = $body->{token} // '';
my ($header, $claims) = jwt_parts($token);
is($header->{alg}, 'ES256', 'the token is ES256');
is($claims->{iss}, 'mod_shop', 'the token is issued by mod_shop');
is($claims->{sub}, $user->{id}, 'its subject is the user id');
is($claims->{email}, $fields{email}, 'it carries the email');
is($claims->{role}, 'user', 'it carries role user');
is($claims->{metadata}{role}, 'user', 'and metadata.role user');
is($claims->{name}, 'Ada Lovelace', 'and the name');
is(($claims->{exp} // 0) - ($claims->{iat} // 0), 28800, 'it lasts 8 hours');
ok(abs(($claims->{iat} // 0) - time) < 60, 'issued now');

sub check_cookie {
    my ($res, $token, $what) = @_;
    my ($cookie) = grep { /^shop_session=/ } $res->header('Set-Cookie');
    ok($cookie, "$what sets the shop_session cookie") or return;
    my ($value, @attrs) = split /\s*;\s*/, $cookie;
    my %attr = map { my ($k, $v) = split /=/, $_, 2; (lc $k => $v // 1) } @attrs;
    is($value, "shop_session=$token", "$what: the cookie holds the token of the body");
    ok(exists $attr{httponly}, "$what: cookie is HttpOnly");
    is($attr{samesite}, 'Lax', "$what: cookie is SameSite=Lax");
    is($attr{path}, '/', "$what: cookie has Path=/");
    ok(!exists $attr{secure}, "$what: no Secure with ShopAuthCookieSecure Off");
    is($attr{'max-age'}, 28800, "$what: cookie lasts as long as the token (Max-Age=28800)");
}
check_cookie($res, $token, 'sign-up');

my @row = sql("select email, username, role, password_hash from app_user where id = :'p1'",
              $user->{id});
is(scalar @row, 1, 'one app_user row for the new user');
is($row[0][1], $fields{username}, 'the row holds the username');
like($row[0][3] // '', qr/^\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+\/]+\$[A-Za-z0-9+\/]+$/,
     'the password is stored as an argon2id PHC string');
unlike($row[0][3] // '', qr/\Q$fields{password}\E/, 'and not in clear');

# ---- sign-in ------------------------------------------------------------------

for my $login (["email" => $fields{email}],
               ["username" => $fields{username}],
               ["email in other case" => uc $fields{email}],
               ["username in other case" => uc $fields{username}]) {
    my ($what, $value) = @$login;
    my $key = $what =~ /email/ ? 'email' : 'username';
    ($code, $body, $res) = sign_in('shop_auth', { $key => $value, password => $fields{password} });
    is($code, 200, "sign-in with the $what answers 200");
    is($body->{user}{id}, $user->{id}, "sign-in with the $what names the user");
}
unlike($res->content, qr/password|argon2/i, 'no password nor hash in the sign-in answer');
my $signin_token = $body->{token} // '';
is((jwt_parts($signin_token))[1]{sub}, $user->{id}, 'the sign-in token is the user\'s');
check_cookie($res, $signin_token, 'sign-in');

($code, $body) = request_json('shop_auth', 'POST', '/auth/sign-in',
                              json => { email => $fields{email}, password => $fields{password} },
                              headers => [Cookie => 'shop_session=expired.or.garbage']);
is($code, 200, 'a stale session cookie does not stand in the way of signing in');

# ---- who am I -----------------------------------------------------------------

($code, $body, $res) = request_json('shop_auth', 'GET', '/auth/me', token => $token);
is($code, 200, '/auth/me with the Bearer token answers 200');
is($body->{id}, $user->{id}, '... with the user');
is($body->{email}, $fields{email}, '... and its email');
unlike($res->content, qr/password|argon2/i, '... and no password nor hash');

($code, $body) = request_json('shop_auth', 'GET', '/auth/me',
                              headers => [Cookie => "theme=dark; shop_session=$signin_token"]);
is($code, 200, '/auth/me with the session cookie answers 200');
is($body->{id}, $user->{id}, '... with the user');

($code, $body, $res) = request_json('shop_auth', 'GET', '/auth/me');
is($code, 401, '/auth/me without a token answers 401');
is($body->{message}, 'authentication required', '... with a JSON message');
like($res->header('WWW-Authenticate') // '', qr/^Bearer\b/, '... and a Bearer challenge');

# ---- sign-out -----------------------------------------------------------------

($code, $body, $res) = request_json('shop_auth', 'POST', '/auth/sign-out',
                                    headers => [Cookie => "shop_session=$signin_token"]);
is($code, 204, 'sign-out answers 204');
is($res->content, '', '... with no body');
my ($cleared) = grep { /^shop_session=/ } $res->header('Set-Cookie');
ok($cleared, 'sign-out sends the shop_session cookie');
like($cleared // '', qr/^shop_session=;|^shop_session=(?:""|)\s*;/, '... emptied');
ok(($cleared // '') =~ /;\s*Max-Age=0\b/i
   || (($cleared // '') =~ /;\s*Expires=([^;]+)/i && HTTP::Date::str2time($1) < time),
   '... and expired (Max-Age=0 or an Expires in the past)');
like($cleared // '', qr/;\s*Path=\//i, '... for Path=/');

($code) = request_json('shop_auth', 'GET', '/auth/sign-in');
is($code, 405, 'GET /auth/sign-in answers 405');
