# Failures on the way: Stripe unreachable during a refund answers 503 and
# releases the reserved amount (a later refund can take it); PostgreSQL down
# answers a webhook 503, so Stripe retries, and the retry pays the session once.
use strict;
use warnings;
use Apache::Test qw(-withtestmore);
use ShopTest;

my $product = payment_product(price => 10);
my ($user, $fields, $token) = new_user('opay');
my ($code, $body);

my (undef, $b) = create_checkout('shop_payment_stripe', $token, checkout_body($product, quantity => 1));
my $id = $b->{id};
my $object = { id => "cs_test_$id", object => 'checkout.session', metadata => { session_id => $id },
               payment_status => 'paid', amount_total => 1000, currency => 'usd',
               payment_intent => "pi_o$id" };
my $event = stripe_event('checkout.session.completed', $object);

# ---- PostgreSQL down: 503, then the retry --------------------------------------------------------

stack('stop', 'postgres');
my $restarted;
my $guard = bless sub { stack('start', 'postgres') unless $restarted }, 'ShopTest::Guard';
($code) = stripe_webhook($event);
is($code, 503, 'a webhook while PostgreSQL is down: 503 (Stripe retries)');
stack('start', 'postgres');
$restarted = 1;
ok(wait_for(30, sub { (stripe_webhook($event))[0] == 200 }), 'the retry once it is back: 200');
is(sql_value("select payment_status from checkout_session where id = :'p1'", $id), 'paid', 'paid');
is(scalar(payment_outbox('payment-events', $id)), 1, 'one payment.succeeded');

# ---- Stripe down during a refund ---------------------------------------------------------------

($code, $body) = request_json('shop_payment_stripe_down', 'POST', "/refund-test/$id?amount=400");
is($code, 503, 'a refund while Stripe cannot be reached: 503');
is_deeply([ sql("select refunded_minor, reserved_minor from checkout_session where id = :'p1'", $id) ],
          [ [ 0, 0 ] ], 'the reservation is released');
is(sql_value("select status from payment_refund where session_id = :'p1'", $id), 'failed',
   'the refund is recorded as failed');
is(scalar(grep { $_->{type} eq 'payment.refunded' } payment_outbox('payment-events', $id)), 0,
   'no payment.refunded');
($code, $body) = request_json('shop_payment_stripe', 'POST', "/refund-test/$id");
is($code, 200, 'once Stripe answers, the whole amount can be refunded');
is($body->{amount}, 1000, '10.00');

done_testing();
