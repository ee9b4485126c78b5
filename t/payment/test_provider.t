# The test provider: GET /pay/:id shows the lines and the total with Pay and
# Fail; POST /pay/:id goes through the same completion as a Stripe webhook and
# redirects to the success or cancel URL. Paying publishes exactly one
# payment.succeeded (the contract of include/mod_shop.h), however often it is
# submitted; failing publishes payment.failed.
use strict;
use warnings;
use Apache::Test qw(-withtestmore);
use ShopTest;

my $product = payment_product(price => 12.5);
my ($user, $fields, $token) = new_user('tpay');
my ($code, $body, $res);

sub new_session {
    my ($c, $b) = create_checkout('shop_payment', $token, checkout_body($product, quantity => 2));
    die "create-checkout-session: $c\n" unless $c == 200;
    return $b->{id};
}

sub submit {
    my ($id, $action) = @_;
    return request_json('shop_payment', 'POST', "/pay/$id", content => "action=$action",
                        headers => [ 'Content-Type' => 'application/x-www-form-urlencoded' ]);
}

# ---- the page --------------------------------------------------------------------------------

my $id = new_session();
(undef, undef, $res) = request_json('shop_payment', 'GET', "/pay/$id");
is($res->code, 200, 'GET /pay/:id: 200');
like($res->header('Content-Type') // '', qr{^text/html}, 'an HTML page');
my $page = $res->content;
like($page, qr/\Q$product->{name}\E/, 'it shows the product name');
like($page, qr/25\.00/, 'and the line total');
like($page, qr/Total 25\.00 usd/, 'and the total');
like($page, qr/value="pay"/, 'a Pay button');
like($page, qr/value="fail"/, 'a Fail button');
(undef, undef, $res) = request_json('shop_payment', 'GET', '/pay/00000000-0000-0000-0000-000000000000');
is($res->code, 404, 'an unknown session: 404');

# ---- pay -------------------------------------------------------------------------------------

($code, undef, $res) = submit($id, 'nonsense');
is($code, 400, 'an unknown action: 400');
is(sql_value("select payment_status from checkout_session where id = :'p1'", $id), 'unpaid',
   'and the session is still unpaid');

($code, undef, $res) = submit($id, 'pay');
is($code, 303, 'Pay: 303');
like($res->header('Location') // '', qr{/result/\Q$id\E$}, 'to the success URL with the session id');
($code, undef, $res) = submit($id, 'pay') for 1 .. 2;
is($code, 303, 'paying again: 303 as well');
($code, $body) = request_json('shop_payment', 'GET', "/sessions/$id", token => $token);
is_deeply([ @$body{qw(status paymentStatus)} ], [ 'complete', 'paid' ], 'the session is complete and paid');
(undef, undef, $res) = request_json('shop_payment', 'GET', "/result/$id");
like($res->content, qr/payment was received/, 'the result page says so');
(undef, undef, $res) = request_json('shop_payment', 'GET', "/pay/$id");
is($res->code, 409, 'the checkout page of a paid session: 409');

my @rows = payment_outbox('payment-events', $id);
is(scalar @rows, 1, 'three submissions, one outbox row');
my @events = payment_events('payment-events', $id, 1);
is(scalar @events, 1, 'one event on payment-events, keyed by the session id');
my $e = $events[0] // {};
is($e->{type}, 'payment.succeeded', 'type payment.succeeded');
is($e->{id}, "payment.succeeded:$id", 'id payment.succeeded:<session id>');
is($e->{source}, '/mod_shop/payment', 'source /mod_shop/payment');
my $d = $e->{data} // {};
is_deeply([ @$d{qw(checkoutSessionId userId email amount currency provider paymentIntentId)} ],
          [ $id, $user, $fields->{email}, 25, 'usd', 'test', undef ],
          'data: session, user, email, amount 25 in major units, currency, provider');
is_deeply($d->{items}, [ { productId => $product->{id}, name => $product->{name}, price => 12.5,
                           quantity => 2, size => 'm', color => 'blue' } ], 'data.items');
is_deeply($d->{shipping}, checkout_body($product)->{shipping}, 'data.shipping');

# ---- fail ------------------------------------------------------------------------------------

my $failed = new_session();
($code, undef, $res) = submit($failed, 'fail');
is($code, 303, 'Fail: 303');
like($res->header('Location') // '', qr{/result/\Q$failed\E$}, 'to the cancel URL');
($code, $body) = request_json('shop_payment', 'GET', "/sessions/$failed", token => $token);
is($body->{paymentStatus}, 'failed', 'the payment is failed');
submit($failed, 'pay');
is(sql_value("select payment_status from checkout_session where id = :'p1'", $failed), 'failed',
   'paying a failed session changes nothing');
@events = payment_events('payment-events', $failed, 1);
is_deeply([ map { $_->{type} } @events ], [ 'payment.failed' ], 'one payment.failed, no payment.succeeded');
is($events[0]{id}, "payment.failed:$failed", 'id payment.failed:<session id>');
like($events[0]{data}{reason} // '', qr/declined/, 'with the reason');
is($events[0]{data}{amount}, 25, 'and the session\'s data');

done_testing();
