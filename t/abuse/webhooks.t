# Abuse: POST /webhooks/stripe as an attacker would send it. A genuine
# signature over another payload, and a genuine request replayed after the
# tolerance (ShopStripeWebhookTolerance, 300 s), are 400 and change nothing. A
# processed event sent again with a fresh valid signature, or the same payment
# under a new event id, makes no second payment.succeeded (outbox and Kafka),
# no second order and no second mail. A signed amount that is not the
# session's (more, less, a fraction, out of range, a string) fulfils nothing.
# (t/payment/stripe.t: missing and bad signatures, wrong secret, a lower
# amount and another currency.)
use strict;
use warnings;
use Apache::Test qw(-withtestmore);
use JSON::PP ();
use ShopTest;
use ShopMail;

my $json = JSON::PP->new->utf8->canonical;
my $product = payment_product(price => 20);
my (undef, $fields, $token) = new_user('abhook');
my ($code, $body);

# a new session at stripe-mock for the user, 1 x 20.00 usd, shipped to the user's address
sub new_session {
    my $checkout = checkout_body($product, quantity => 1);
    $checkout->{shipping}{email} = $fields->{email};
    my ($c, $b) = create_checkout('shop_payment_stripe', $token, $checkout);
    die "create-checkout-session: $c\n" unless $c == 200;
    return $b->{id};
}

# post(PAYLOAD_TEXT, SIGNATURE_HEADER) -> (status, body)
sub post {
    my ($payload, $header) = @_;
    return request_json('shop_payment_stripe', 'POST', '/webhooks/stripe', content => $payload,
                        headers => [ 'Stripe-Signature' => $header ]);
}

# nothing_done(SESSION, WHAT): the session is open and unpaid, no event queued for it
sub nothing_done {
    my ($sid, $what) = @_;
    is_deeply(session_state($sid), [ 'open', 'unpaid' ], "$what: the session is not paid");
    is(scalar(payment_outbox('payment-events', $sid)), 0, "$what: no payment event queued");
}

# ---- forged: a genuine signature over another payload ------------------------------------

my $forged = new_session();
my $genuine = $json->encode(stripe_event('checkout.session.completed',
                                         stripe_session_object($forged, payment_status => 'unpaid')));
my $signature = stripe_signature($genuine, 'whsec_mod_shop_test');
($code, $body) = post($genuine =~ s/"unpaid"/"paid"/r, $signature);
is($code, 400, 'unpaid changed to paid under the genuine signature: 400');
like($body->{message} // '', qr/signature/i, '... the JSON error names the signature');
($code) = post($json->encode(stripe_event('checkout.session.completed', stripe_session_object($forged))),
               $signature);
is($code, 400, "another event under that signature: 400");
nothing_done($forged, 'forged');

# ---- replayed after the tolerance ----------------------------------------------------------

my $late = new_session();
my $captured = $json->encode(stripe_event('checkout.session.completed', stripe_session_object($late)));
($code, $body) = post($captured, stripe_signature($captured, 'whsec_mod_shop_test', time - 301));
is($code, 400, 'a genuine request signed 301 s ago: 400');
like($body->{message} // '', qr/\w/, '... with the JSON error');
nothing_done($late, 'replayed late');
is(sql_value("select count(*) from payment_webhook_event where id = :'p1'",
             $json->decode($captured)->{id}), 0, '... and the event is not recorded');

# ---- a processed event again, freshly signed ---------------------------------------------------

my $paid = new_session();
my $event = stripe_event('checkout.session.completed', stripe_session_object($paid));
($code) = stripe_webhook($event);
is($code, 200, 'the payment: 200');
my $order = order_from_payment($paid, 60);
ok($order, 'the order is made');
# the user's mails: the welcome mail of sign-up, then the order's
sub order_mails { grep { ($_->{Subject} // '') =~ /^Your order / } mails_to($fields->{email}) }
ok(wait_for(90, sub { order_mails() }), 'the confirmation mail is sent');

for my $n (1 .. 2) {
    ($code, $body) = stripe_webhook($event);
    is($code, 200, "the same event, signed now ($n): 200");
    ok($body->{duplicate}, '... acknowledged as a duplicate');
}
($code) = stripe_webhook(stripe_event('checkout.session.completed', stripe_session_object($paid)));
is($code, 200, 'the same payment under a new event id: 200');
($code) = stripe_webhook(stripe_event('checkout.session.async_payment_succeeded', stripe_session_object($paid)));
is($code, 200, 'and as async_payment_succeeded: 200');

is(scalar(payment_outbox('payment-events', $paid)), 1, 'one payment.succeeded in the outbox');
sleep 3;        # what the replays would have made had time to arrive
my @events = payment_events('payment-events', $paid, 1);
is(scalar @events, 1, 'one payment event on Kafka');
is(scalar(mongo_orders({ checkoutSessionId => $paid })), 1, 'one order');
is(scalar(order_mails()), 1, 'one confirmation mail');

# ---- the wrong amount, signed correctly ---------------------------------------------------------

for my $case ([ 'more (2001)', 2001 ], [ 'less (1)', 1 ], [ 'zero', 0 ], [ 'negative', -2000 ],
              [ 'a fraction (2000.5)', 2000.5 ], [ '2000 and a trifle', 2000.000001 ],
              [ 'out of range (1e300)', 1e300 ], [ 'a string "2000"', '2000' ], [ 'null', undef ]) {
    my ($what, $amount) = @$case;
    my $sid = new_session();
    ($code) = stripe_webhook(stripe_event('checkout.session.completed',
                                          stripe_session_object($sid, amount_total => $amount)));
    is($code, 200, "amount_total $what: acknowledged (Stripe must not retry it)");
    nothing_done($sid, "amount_total $what");
}

# the product leaves the catalog: its test image would show broken on the storefront
# that t/browser tests next
($code) = request_json('shop_product', 'DELETE', "/products/$product->{id}", token => catalog_admin());
is($code, 204, 'the test product is deleted');

done_testing();
