# Abuse: access. IDOR: user B changing user A's order, user record or checkout
# session is refused and changes nothing (reading them: t/order/routes.t,
# t/payment/sessions.t). CSRF: the session cookie is HttpOnly and SameSite, and
# an unsafe request it authenticates that comes from another site (Origin not
# ours nor ShopAuthCORSOrigin's, or Sec-Fetch-Site: cross-site) gets 403 and
# writes nothing, on every service. CORS from a foreign origin: no
# Access-Control-Allow-Origin on any service (t/auth/cors.t: shop_auth in detail).
use strict;
use warnings;
use Apache::Test qw(-withtestmore);
use Apache::TestRequest ();
use ShopTest;

my $evil = 'http://evil.example';
my $store = 'http://store.test';
my ($a_id, $a_fields, $a_token) = new_user('idora');
my ($b_id, undef, $b_token) = new_user('idorb');
my $admin = catalog_admin();
my $product = payment_product();
my ($code, $body, $res);

sub user_row { [ sql("select email, first_name, role from app_user where id = :'p1'", $_[0]) ]->[0] }
sub sessions_of { sql_value("select count(*) from checkout_session where user_id = :'p1'", $_[0]) }

# ---- IDOR --------------------------------------------------------------------------

my $session = "cs_idor_" . unique_tag();
kcat_produce('payment-events', $session,
             payment_event('payment.succeeded', $session, payment_fields($a_id, $a_fields->{email}, $session)));
my $order = order_from_payment($session) or die "no order for $session\n";
my $order_id = $order->{_id}{'$oid'};
($code) = request_json('shop_order', 'PATCH', "/orders/$order_id", token => $b_token,
                       json => { status => 'cancelled' });
is($code, 403, "B's PATCH of A's order: 403");
($code) = request_json('shop_order', 'POST', "/orders/$order_id/refund", token => $b_token, json => {});
is($code, 403, "B's refund of A's order: 403");
is((mongo_orders({ checkoutSessionId => $session }))[0]{status}, $order->{status}, "A's order is unchanged");

my $a_row = user_row($a_id);
($code, $body) = request_json('shop_auth', 'GET', "/users/$a_id", token => $b_token);
is($code, 403, "B's GET of A's user: 403");
ok(!defined $body->{email}, '... which shows nothing of A');
($code, $body) = request_json('shop_auth', 'PUT', "/users/$a_id", token => $b_token,
                              json => { firstName => 'Mallory', role => 'admin', email => "b.$b_id\@example.test" });
is($code, 403, "B's PUT of A's user: 403");
like($body->{message} // '', qr/admin/, '... with the JSON error');
($code) = request_json('shop_auth', 'PUT', "/users/$b_id", token => $b_token, json => { role => 'admin' });
is($code, 403, 'B making themself admin: 403');
($code) = request_json('shop_auth', 'DELETE', "/users/$a_id", token => $b_token);
is($code, 403, "B's DELETE of A's user: 403");
is_deeply(user_row($a_id), $a_row, "A's user row is unchanged");
is(sql_value("select role from app_user where id = :'p1'", $b_id), 'user', 'B is still a user');

($code, $body) = create_checkout('shop_payment', $a_token, checkout_body($product));
is($code, 200, 'A opens a checkout session');
my $a_session = $body->{id};
($code, $body) = request_json('shop_payment', 'GET', "/sessions/$a_session", token => $b_token);
is($code, 404, "B's GET of A's session: 404");
ok(!defined $body->{amount}, '... which shows nothing of it');
is(sql_value("select payment_status from checkout_session where id = :'p1'", $a_session), 'unpaid',
   "A's session is unchanged");

# ---- CSRF: the cookie ------------------------------------------------------------------

($code, $body, $res) = sign_in('shop_auth', { email => $a_fields->{email}, password => $a_fields->{password} });
is($code, 200, 'A signs in');
my ($set_cookie) = grep { /^shop_session=/ } $res->header('Set-Cookie');
like($set_cookie // '', qr/;\s*HttpOnly/i, 'the session cookie is HttpOnly');
like($set_cookie // '', qr/;\s*SameSite=(Lax|Strict)/i, 'the session cookie is SameSite=Lax (no cross-site POST carries it)');
my $cookie = "shop_session=$body->{token}";
my $admin_cookie = "shop_session=$admin";

# own(SERVICE) -> the origin of SERVICE as the client reaches it (its Host)
sub own {
    Apache::TestRequest::module($_[0]);
    (my $origin = Apache::TestRequest::resolve_url('/')) =~ s{/$}{};
    return $origin;
}

# with_cookie(SERVICE, METHOD, PATH, COOKIE, JSON, HEADERS) -> (status, body, res)
sub with_cookie {
    my ($service, $method, $path, $cookie, $data, @headers) = @_;
    return request_json($service, $method, $path, headers => [ Cookie => $cookie, @headers ],
                        defined $data ? (json => $data) : ());
}

my @cross_site = ([ "Origin: $evil" => Origin => $evil ],
                  [ 'Origin: null' => Origin => 'null' ],
                  [ 'Sec-Fetch-Site: cross-site' => 'Sec-Fetch-Site' => 'cross-site' ],
                  [ "Origin: $evil and Sec-Fetch-Site: cross-site" => Origin => $evil, 'Sec-Fetch-Site' => 'cross-site' ]);

# a checkout session (the user's write of shop_payment)
my $before = sessions_of($a_id);
for my $case (@cross_site) {
    my ($what, @headers) = @$case;
    ($code, $body) = with_cookie('shop_payment', 'POST', '/sessions/create-checkout-session', $cookie,
                                 checkout_body($product), @headers);
    is($code, 403, "cookie checkout from $what: 403");
    like($body->{message} // '', qr/cross-site/, '... the JSON error says cross-site');
}
is(sessions_of($a_id), $before, 'no checkout session was opened');
for my $case ([ 'its own origin', Origin => own('shop_payment') ], [ "$store (ShopAuthCORSOrigin)", Origin => $store ],
              [ 'a client that sends no Origin', ]) {
    my ($what, @headers) = @$case;
    ($code) = with_cookie('shop_payment', 'POST', '/sessions/create-checkout-session', $cookie,
                          checkout_body($product), @headers);
    is($code, 200, "cookie checkout from $what: 200");
}
($code) = request_json('shop_payment', 'POST', '/sessions/create-checkout-session', token => $a_token,
                       json => checkout_body($product), headers => [ Origin => $evil ]);
is($code, 200, "a Bearer token from $evil: 200 (a page of another site cannot send our token)");

# an admin's product write and user delete
my $name = 'CSRF ' . unique_tag();
my $outbox = sql_value("select coalesce(max(id), 0) from outbox");
($code, $body) = with_cookie('shop_product', 'POST', '/products', $admin_cookie,
                             catalog_product_body(catalog_category($admin)->{slug}, name => $name), Origin => $evil);
is($code, 403, "the admin's cookie product write from $evil: 403");
like($body->{message} // '', qr/cross-site/, '... the JSON error');
($code) = with_cookie('shop_product', 'DELETE', "/products/$product->{id}", $admin_cookie, undef,
                      'Sec-Fetch-Site' => 'cross-site');
is($code, 403, "the admin's cookie product delete, Sec-Fetch-Site: cross-site: 403");
($code) = with_cookie('shop_auth', 'DELETE', "/users/$b_id", $admin_cookie, undef, Origin => $evil);
is($code, 403, "the admin's cookie user delete from $evil: 403");
is(sql_value("select count(*) from product where name = :'p1'", $name), 0, 'no product written');
is(sql_value("select count(*) from product where id = :'p1'", $product->{id}), 1, 'none deleted');
is(sql_value("select count(*) from app_user where id = :'p1'", $b_id), 1, 'no user deleted');
is(sql_value("select count(*) from outbox where id > :'p1' and topic in ('product-events', 'user-events')", $outbox),
   0, 'no product or user event queued');

# sign-out
($code, $body, $res) = with_cookie('shop_auth', 'POST', '/auth/sign-out', $cookie, undef, Origin => $evil);
is($code, 403, "cookie sign-out from $evil: 403");
ok(!grep({ /^shop_session=/ } $res->header('Set-Cookie')), '... the cookie is not cleared');
($code) = with_cookie('shop_auth', 'GET', '/auth/me', $cookie);
is($code, 200, "... and A's session still works");
($code) = with_cookie('shop_auth', 'POST', '/auth/sign-out', $cookie, undef, Origin => own('shop_auth'));
is($code, 204, 'cookie sign-out from its own origin: 204');

# ---- CORS on every service ------------------------------------------------------------

for my $case ([ 'shop_product', 'POST', '/products' ], [ 'shop_order', 'GET', '/user-orders' ],
              [ 'shop_payment', 'POST', '/sessions/create-checkout-session' ]) {
    my ($service, $method, $path) = @$case;
    my @preflight = ('Access-Control-Request-Method' => $method,
                     'Access-Control-Request-Headers' => 'authorization, content-type');
    ($code, $body, $res) = request_json($service, 'OPTIONS', $path, headers => [ Origin => $evil, @preflight ]);
    ok(!defined $res->header('Access-Control-Allow-Origin'), "$service: preflight from $evil: no Allow-Origin");
    ok(!defined $res->header('Access-Control-Allow-Methods'), "$service: ... nor Allow-Methods");
    ok(!defined $res->header('Access-Control-Allow-Credentials'), "$service: ... nor Allow-Credentials");
    ($code, $body, $res) = request_json($service, 'OPTIONS', $path, headers => [ Origin => $store, @preflight ]);
    is($res->header('Access-Control-Allow-Origin'), $store, "$service: preflight from $store: allowed (control)");
}
($code, $body, $res) = request_json('shop_order', 'GET', '/user-orders', token => $b_token, headers => [ Origin => $evil ]);
is($code, 200, "GET /user-orders from $evil with B's token: 200 (a browser would not let the page read it)");
ok(!defined $res->header('Access-Control-Allow-Origin'), '... without Access-Control-Allow-Origin');

# the product leaves the catalog: its test image would show broken on the storefront
# that t/browser tests next
($code) = request_json('shop_product', 'DELETE', "/products/$product->{id}", token => $admin);
is($code, 204, 'the test product is deleted');

done_testing();
