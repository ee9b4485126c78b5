# Checkout to inbox, across every part: payment -> payment-events -> the order worker
# -> MongoDB -> order-events -> the email worker -> SMTP (mailpit).
#   - a Stripe checkout.session.completed, signed by Stripe's own library and sent 3
#     times: one order with the catalog's items and amount, one confirmation mail with
#     the items and the total
#   - the test provider: paying ends in a paid order and its confirmation, failing in
#     a failed order and the "payment failed" mail
#   - refunds, partial then full, through the order host, by the test provider and by
#     Stripe (stripe-mock): the order's status and one mail per refund; more than is
#     left is 409; a user may not refund (403)
# Each checkout has a mailbox of its own (its shipping email).
use strict;
use warnings;
use Apache::Test qw(-withtestmore);
use ShopTest;
use ShopMail;

my $product = payment_product(price => 15, name => 'Flow Parka');
my ($user, $fields, $token) = new_user('flow');
my $admin = catalog_admin();
my ($code, $body);

# a checkout of quantity x the product: (session id, its mailbox)
sub checkout {
    my ($service, $quantity) = @_;
    my $address = unique_address('flow');
    my $cart = checkout_body($product, quantity => $quantity, selectedSize => 'l', selectedColor => 'red');
    $cart->{shipping}{email} = $address;
    $cart->{cart}[0]{price} = 0.5;              # the client's price is never used
    my ($c, $b) = create_checkout($service, $token, $cart);
    die "create-checkout-session: $c\n" unless $c == 200;
    return ($b->{id}, $address);
}

sub pay_on_test_page {
    my ($session, $action) = @_;
    return (request_json('shop_payment', 'POST', "/pay/$session", content => "action=$action",
                         headers => [ 'Content-Type' => 'application/x-www-form-urlencoded' ]))[0];
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

# the subjects of the mails at address once there are n (and a moment for a duplicate)
sub subjects {
    my ($address, $n) = @_;
    wait_mails($address, $n, 60);
    sleep 1;
    return [ sort map { $_->{Subject} } mails_to($address) ];
}

# ---- Stripe: a signed webhook, sent three times ----------------------------------------------

my ($sid, $smail) = checkout('shop_payment_stripe', 2);
my $event = stripe_event('checkout.session.completed', {
    id => "cs_test_$sid", object => 'checkout.session', metadata => { session_id => $sid },
    client_reference_id => $sid, payment_status => 'paid', status => 'complete',
    amount_total => 3000, currency => 'usd', payment_intent => "pi_flow_$sid" });
is_deeply([ map { (stripe_webhook($event))[0] } 1 .. 3 ], [ 200, 200, 200 ],
          'the same signed webhook three times: 200 each');
my $order = order_from_payment($sid);
ok($order, 'the order is in MongoDB');
is_deeply([ map { [ @$_{qw(productId name price quantity size color)} ] } @{ $order->{items} || [] } ],
          [ [ $product->{id}, 'Flow Parka', 1500, 2, 'l', 'red' ] ],
          'its items are the catalog\'s (minor units in the store)');
is_deeply([ @$order{qw(amount currency status paymentIntentId)} ], [ 3000, 'usd', 'paid', "pi_flow_$sid" ],
          'amount 30.00 usd, paid, with the payment intent');
is(scalar(mongo_orders({ checkoutSessionId => $sid })), 1, 'one order for the three deliveries');
my ($confirmation) = wait_mails($smail, 1, 60);
my $mail = mail_message($confirmation->{ID} // '');
like($mail->{Subject} // '', qr/^Your order \w+ is confirmed$/, 'the confirmation mail arrived');
like($mail->{Text} // '', qr/Flow Parka \(size l, color red\) x 2/, 'with the item, its size and color');
like($mail->{Text} // '', qr/Total: \$30\.00/, 'and the total');
like($mail->{HTML} // '', qr/Flow Parka.*\$30\.00/s, 'in the HTML part too');
is_deeply(subjects($smail, 1), [ $mail->{Subject} ], 'one mail for the three deliveries');

(undef, $body) = request_json('shop_payment_stripe', 'GET', "/sessions/$sid", token => $token);
my $sorder = $body->{orderId};
is_deeply([ @$body{qw(status paymentStatus)} ], [ 'complete', 'paid' ], 'GET /sessions/:id: complete, paid');
ok($sorder, 'and it names the order');

# ---- the test provider: pay, and fail -----------------------------------------------------

my ($tid, $tmail) = checkout('shop_payment', 1);
is(pay_on_test_page($tid, 'pay'), 303, 'paid on the test provider\'s page');
my $torder = order_from_payment($tid);
is($torder->{status}, 'paid', 'a paid order');
like(subjects($tmail, 1)->[0], qr/^Your order \w+ is confirmed$/, 'and its confirmation mail');

my ($fid, $fmail) = checkout('shop_payment', 1);
is(pay_on_test_page($fid, 'fail'), 303, 'failed on the test provider\'s page');
is(order_from_payment($fid)->{status}, 'failed', 'a failed order');
is_deeply(subjects($fmail, 1), [ 'Your payment did not go through' ], 'and only the payment failed mail');

# ---- refunds ---------------------------------------------------------------------------------

(undef, $body) = request_json('shop_payment', 'GET', "/sessions/$tid", token => $token);
my $tod = $body->{orderId};
($code) = request_json('shop_order', 'POST', "/orders/$tod/refund", token => $token, json => {});
is($code, 403, 'a user may not refund');
($code, $body) = request_json('shop_order', 'POST', "/orders/$tod/refund", token => $admin,
                              json => { amount => 5 });
is($code, 200, 'the test provider refunds 5.00 of 15.00');
is(order_status($tod, 'partially_refunded'), 'partially_refunded', 'the order: partially refunded');
($code) = request_json('shop_order', 'POST', "/orders/$tod/refund", token => $admin, json => { amount => 10.01 });
is($code, 409, 'more than is left: 409');
($code, $body) = request_json('shop_order', 'POST', "/orders/$tod/refund", token => $admin, json => {});
is_deeply([ $code, $body->{amount} ], [ 200, 10 ], 'the rest, 10.00');
is(order_status($tod, 'refunded'), 'refunded', 'the order: refunded');
is_deeply(subjects($tmail, 3), [ sort "Part of your order $tod was refunded", "Your order $tod is confirmed",
                                      "Your order $tod was refunded" ],
          'a mail for each refund');

($code, $body) = request_json('shop_order', 'POST', "/orders/$sorder/refund", token => $admin,
                              json => { amount => 12.5 });
is($code, 200, 'Stripe (stripe-mock) refunds 12.50 of 30.00');
like(sql_value("select provider_refund_id from payment_refund where id = :'p1'", $body->{refundId} // '')
     // '', qr/^re_/, 'Stripe\'s refund id is stored');
is(order_status($sorder, 'partially_refunded'), 'partially_refunded', 'the order: partially refunded');
($code, $body) = request_json('shop_order', 'POST', "/orders/$sorder/refund", token => $admin, json => {});
is_deeply([ $code, $body->{amount} ], [ 200, 17.5 ], 'the rest, 17.50');
is(order_status($sorder, 'refunded'), 'refunded', 'the order: refunded');
is(scalar(@{ subjects($smail, 3) }), 3, 'the confirmation and a mail for each refund');

done_testing();
