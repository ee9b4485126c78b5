# The whole checkout across the services: a test-provider payment and a Stripe
# payment (webhook) become orders (mod_shop_order's worker), GET /sessions/:id
# then names the order, and the admin's POST /orders/:id/refund on the order
# host refunds through shop_payment_refund (locally, and at stripe-mock).
use strict;
use warnings;
use Apache::Test qw(-withtestmore);
use ShopTest;

my $product = payment_product(price => 15);
my ($user, $fields, $token) = new_user('flow');
my $admin = catalog_admin();
my ($code, $body);

# the order made from session id, once GET /sessions/:id names it
sub order_of {
    my ($service, $id) = @_;
    my $order;
    wait_for(30, sub {
        my (undef, $b) = request_json($service, 'GET', "/sessions/$id", token => $token);
        $order = $b->{orderId};
    }, 0.5);
    return $order;
}

sub order_status {
    my ($order, $want) = @_;
    my $status;
    wait_for(30, sub {
        my (undef, $b) = request_json('shop_order', 'GET', "/orders/$order", token => $admin);
        ($status = $b->{status} // '') eq $want;
    }, 0.5);
    return $status;
}

# ---- the test provider ---------------------------------------------------------------------

(undef, $body) = create_checkout('shop_payment', $token, checkout_body($product, quantity => 2));
my $id = $body->{id};
request_json('shop_payment', 'POST', "/pay/$id", content => 'action=pay',
             headers => [ 'Content-Type' => 'application/x-www-form-urlencoded' ]);
my $order = order_of('shop_payment', $id);
ok($order, 'the paid session became an order, named by GET /sessions/:id');
($code, $body) = request_json('shop_order', 'GET', "/orders/$order", token => $token);
is($code, 200, 'the customer reads it');
is_deeply([ @$body{qw(checkoutSessionId amount status)} ], [ $id, 30, 'paid' ],
          'for the session, 30.00, paid');

($code, $body) = request_json('shop_order', 'POST', "/orders/$order/refund", token => $admin,
                              json => { amount => 10 });
is($code, 200, 'the admin refunds 10.00 on the order host');
is_deeply([ @$body{qw(amount refundedAmount paidAmount)} ], [ 10, 10, 30 ], 'its answer');
is(order_status($order, 'partially_refunded'), 'partially_refunded',
   'the order follows payment.refunded: partially refunded');
($code) = request_json('shop_order', 'POST', "/orders/$order/refund", token => $admin,
                       json => { amount => 25 });
is($code, 409, 'more than is left: 409');
($code, $body) = request_json('shop_order', 'POST', "/orders/$order/refund", token => $admin, json => {});
is($code, 200, 'the rest');
is($body->{amount}, 20, '20.00');
is(order_status($order, 'refunded'), 'refunded', 'the order is refunded');

# ---- Stripe --------------------------------------------------------------------------------

(undef, $body) = create_checkout('shop_payment_stripe', $token, checkout_body($product, quantity => 1));
my $sid = $body->{id};
stripe_webhook(stripe_event('checkout.session.completed', {
    id => "cs_test_$sid", object => 'checkout.session', metadata => { session_id => $sid },
    payment_status => 'paid', amount_total => 1500, currency => 'usd', payment_intent => "pi_f$sid" }));
my $sorder = order_of('shop_payment_stripe', $sid);
ok($sorder, 'the Stripe payment became an order');
($code, $body) = request_json('shop_order', 'POST', "/orders/$sorder/refund", token => $admin, json => {});
is($code, 200, 'refunded in full through Stripe (stripe-mock)');
like(sql_value("select provider_refund_id from payment_refund where id = :'p1'", $body->{refundId} // '')
     // '', qr/^re_/, 'Stripe\'s refund id is stored');
is(order_status($sorder, 'refunded'), 'refunded', 'the order is refunded');

done_testing();
