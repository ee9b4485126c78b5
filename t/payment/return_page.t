# The customer's return page completes a Stripe payment when it comes first:
# GET /sessions/:id asks Stripe about an open session and, when Stripe says
# paid with the stored amount and currency, completes it through the same path
# as the webhook (one payment.succeeded, the webhook after it has no effect).
# Stripe is a second stripe-mock whose checkout.session fixture is paid,
# 20.00 usd; the sessions here total exactly that.
use strict;
use warnings;
use Apache::Test qw(-withtestmore);
use ShopTest;

my $stripe = stripe_mock_paid(2000);
ok($stripe, 'the patched stripe-mock is up');

my $product = payment_product(price => 10);
my ($user, $fields, $token) = new_user('ret');
my ($code, $body) = create_checkout('shop_payment_stripe_paid', $token,
                                    checkout_body($product, quantity => 2));
is($code, 200, 'a Stripe checkout of 2 x 10.00');
my $id = $body->{id};

($code, $body) = request_json('shop_payment_stripe_paid', 'GET', "/sessions/$id", token => $token);
is($code, 200, 'the return page asks for the session');
is_deeply([ @$body{qw(status paymentStatus)} ], [ 'complete', 'paid' ], 'Stripe says paid: complete and paid');
is(sql_value("select payment_intent_id from checkout_session where id = :'p1'", $id), 'pi_fixture_paid',
   'with Stripe\'s payment intent');
request_json('shop_payment_stripe_paid', 'GET', "/sessions/$id", token => $token) for 1 .. 2;
my $object = { id => "cs_test_$id", object => 'checkout.session', metadata => { session_id => $id },
               payment_status => 'paid', amount_total => 2000, currency => 'usd',
               payment_intent => 'pi_fixture_paid' };
($code) = stripe_webhook(stripe_event('checkout.session.completed', $object));
is($code, 200, 'the webhook after it: 200');
my @events = payment_events('payment-events', $id, 1);
is_deeply([ map { $_->{type} } payment_outbox('payment-events', $id) ], [ 'payment.succeeded' ],
          'one payment.succeeded in all');
is($events[0]{data}{paymentIntentId}, 'pi_fixture_paid', 'on Kafka, with the payment intent');

# Stripe says paid, but for another amount: not fulfilled
($code, $body) = create_checkout('shop_payment_stripe_paid', $token, checkout_body($product, quantity => 3));
my $other = $body->{id};
($code, $body) = request_json('shop_payment_stripe_paid', 'GET', "/sessions/$other", token => $token);
is($body->{paymentStatus}, 'unpaid', 'paid 20.00 for a 30.00 session: still unpaid');
is(scalar(payment_outbox('payment-events', $other)), 0, 'no payment event');
is(scalar(payment_outbox('payment-events.dlq', $other)), 0, 'no dead letter either: the webhook makes that');
like(`grep SHOP05005 @{[ Apache::Test::vars('t_logs') ]}/error_log`, qr/\Q$other\E not fulfilled/,
     'an error-log line says why');

done_testing();
