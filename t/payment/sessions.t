# POST /sessions/create-checkout-session with the test provider: prices, names
# and options come from the catalog, never from the client; bad carts and
# shipping are 400 naming the fields and store nothing; no sign-in is 401.
# GET /sessions/:id answers its owner only.
use strict;
use warnings;
use Apache::Test qw(-withtestmore);
use ShopTest;

my $product = payment_product(price => 39.9);
my ($user, $fields, $token) = new_user('pay');
my (undef, undef, $other) = new_user('payother');
my ($code, $body, $res);

sub sessions_of { sql_value("select count(*) from checkout_session where user_id = :'p1'", $user) }

# ---- the catalog prices it ---------------------------------------------------------------------

my $sent = checkout_body($product, quantity => 3, price => 0.01, name => 'Free stuff');
$sent->{total} = 0.03;
($code, $body) = create_checkout('shop_payment', $token, $sent);
is($code, 200, 'a valid checkout: 200');
my $id = $body->{id} // '';
like($id, qr/^[0-9a-f-]{36}$/, 'the answer has the session id');
like($body->{url} // '', qr{^http://[^/]+/pay/\Q$id\E$}, 'the url is the local checkout page');
my ($row) = sql("select total_minor, currency, status, payment_status, provider, email from checkout_session"
                . " where id = :'p1'", $id);
is_deeply($row, [11970, 'usd', 'open', 'unpaid', 'test', $fields->{email}],
          'stored: 3 x 39.90 from the catalog, open, unpaid, test provider, the account\'s email');
my ($item) = sql("select product_id, name, unit_minor, quantity, size, color from checkout_item"
                 . " where session_id = :'p1'", $id);
is_deeply($item, [$product->{id}, $product->{name}, 3990, 3, 'm', 'blue'],
          'the line: the catalog name and price, the chosen quantity, size and color');

# ---- refusals --------------------------------------------------------------------------------

my $before = sessions_of();
my @bad = (
    [ 'quantity 0',          { quantity => 0 },            'cart[0].quantity' ],
    [ 'quantity 100',        { quantity => 100 },          'cart[0].quantity' ],
    [ 'quantity 1.5',        { quantity => 1.5 },          'cart[0].quantity' ],
    [ 'quantity "2"',        { quantity => '2' },          'cart[0].quantity' ],
    [ 'a size not offered',  { selectedSize => 'xxl' },    'cart[0].selectedSize' ],
    [ 'a color not offered', { selectedColor => 'green' }, 'cart[0].selectedColor' ],
    [ 'no size',             { selectedSize => undef },    'cart[0].selectedSize' ],
    [ 'an unknown product',  { id => 2000000000 },         'cart[0].id' ],
    [ 'a bad product id',    { id => 'abc' },              'cart[0].id' ],
);
for my $case (@bad) {
    my ($what, $line, $field) = @$case;
    ($code, $body) = create_checkout('shop_payment', $token, checkout_body($product, %$line));
    is($code, 400, "$what: 400");
    ok(exists $body->{fields}{$field}, "$what: names $field") or diag explain $body;
}
($code, $body) = create_checkout('shop_payment', $token, checkout_body($product, id => 2000000000));
like($body->{fields}{'cart[0].id'} // '', qr/no such product: 2000000000/, 'the unknown product is named');

my @bad_shipping = (
    [ 'empty name',       name => '' ],
    [ 'no address',       address => undef ],
    [ 'long city',        city => 'x' x 201 ],
    [ 'bad email',        email => 'not-an-email' ],
    [ 'phone too short',  phone => '123456' ],
    [ 'phone too long',   phone => '12345678901' ],
    [ 'phone not digits', phone => '555-12345' ],
);
for my $case (@bad_shipping) {
    my ($what, $field, $value) = @$case;
    my $b = checkout_body($product);
    $b->{shipping}{$field} = $value;
    delete $b->{shipping}{$field} unless defined $value;
    ($code, $body) = create_checkout('shop_payment', $token, $b);
    is($code, 400, "shipping with $what: 400");
    ok(exists $body->{fields}{"shipping.$field"}, "shipping with $what: names shipping.$field");
}
($code, $body) = create_checkout('shop_payment', $token, { shipping => checkout_body($product)->{shipping} });
is($code, 400, 'no cart: 400');
ok(exists $body->{fields}{cart}, 'no cart: names cart');
($code, $body) = create_checkout('shop_payment', $token, { %{ checkout_body($product) }, cart => [] });
is($code, 400, 'an empty cart: 400');
($code) = request_json('shop_payment', 'POST', '/sessions/create-checkout-session', token => $token,
                       content => '{"cart": [');
is($code, 400, 'broken JSON: 400');
($code) = request_json('shop_payment', 'POST', '/sessions/create-checkout-session', token => $token,
                       content => '{"cart":"' . ('x' x 70000) . '"}');
is($code, 413, 'a body over ShopPaymentMaxBody: 413');
is(sessions_of(), $before, 'no refused checkout stored a session');

($code, $body) = create_checkout('shop_payment', undef, checkout_body($product));
is($code, 401, 'not signed in: 401');
like($body->{message} // '', qr/./, '401 is JSON with a message');

# ---- GET /sessions/:id -----------------------------------------------------------------------

($code, $body) = request_json('shop_payment', 'GET', "/sessions/$id", token => $token);
is($code, 200, 'the owner reads the session');
is_deeply([ @$body{qw(status paymentStatus orderId)} ], [ 'open', 'unpaid', undef ],
          'open, unpaid, no order yet');
($code) = request_json('shop_payment', 'GET', "/sessions/$id", token => $other);
is($code, 404, 'another user: 404');
($code) = request_json('shop_payment', 'GET', "/sessions/$id");
is($code, 401, 'nobody: 401');
($code) = request_json('shop_payment', 'GET', '/sessions/00000000-0000-0000-0000-000000000000',
                       token => $token);
is($code, 404, 'an unknown session: 404');
($code) = request_json('shop_payment', 'GET', '/sessions/nonsense', token => $token);
is($code, 404, 'a malformed id: 404');

done_testing();
