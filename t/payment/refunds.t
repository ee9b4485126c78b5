# shop_payment_refund (called through the test-only module
# t/modules/mod_shop_refund_test.c, as mod_shop_order's refund route calls it):
# partial, full (what is left) and too much (409) refunds with the test
# provider and with Stripe (stripe-mock), each done one queuing one
# payment.refunded; and charge.refunded from Stripe's dashboard counted once,
# never doubling a refund made here.
use strict;
use warnings;
use Apache::Test qw(-withtestmore);
use JSON::PP ();
use ShopTest;

my $product = payment_product(price => 10);
my ($user, $fields, $token) = new_user('rpay');
my ($code, $body);

sub refund {
    my ($service, $id, $amount) = @_;
    return request_json($service, 'POST', "/refund-test/$id" . (defined $amount ? "?amount=$amount" : ''));
}

sub counters {
    [ sql("select refunded_minor, reserved_minor from checkout_session where id = :'p1'", $_[0]) ]->[0];
}

sub refunded_events { grep { $_->{type} eq 'payment.refunded' } payment_outbox('payment-events', $_[0]) }

# a paid test-provider session of 3 x 10.00
my ($c, $b) = create_checkout('shop_payment', $token, checkout_body($product, quantity => 3));
my $id = $b->{id};
($code) = refund('shop_payment', $id, 100);
is($code, 404, 'an unpaid session: 404');
request_json('shop_payment', 'POST', "/pay/$id", content => 'action=pay',
             headers => [ 'Content-Type' => 'application/x-www-form-urlencoded' ]);

# ---- the test provider -----------------------------------------------------------------------

($code, $body) = refund('shop_payment', $id, 1000);
is($code, 200, 'a partial refund of 10.00: 200');
is_deeply([ @$body{qw(amount refunded paid)} ], [ 1000, 1000, 3000 ], 'refunded 10.00 of 30.00');
($code, $body) = refund('shop_payment', $id, 2001);
is($code, 409, 'more than is left: 409');
is_deeply(counters($id), [ 1000, 0 ], 'and nothing changed');
($code, $body) = refund('shop_payment', $id);
is($code, 200, 'the rest: 200');
is_deeply([ @$body{qw(amount refunded)} ], [ 2000, 3000 ], 'refunded 20.00 more, 30.00 in all');
($code) = refund('shop_payment', $id);
is($code, 409, 'nothing left: 409');
my @events = refunded_events($id);
is(scalar @events, 2, 'two payment.refunded events');
my $d = $events[1]{data} // {};
is($events[1]{id}, "payment.refunded:$d->{refundId}", 'id payment.refunded:<refund id>');
is_deeply([ @$d{qw(checkoutSessionId amount refundedTotal paidAmount currency email userId)} ],
          [ $id, 20, 30, 30, 'usd', $fields->{email}, $user ], 'its data, money in major units');
is(sql_value("select string_agg(status || ':' || amount_minor, ',' order by created_at)"
             . " from payment_refund where session_id = :'p1'", $id),
   'succeeded:1000,succeeded:2000', 'two refunds recorded as succeeded');
($code) = refund('shop_payment', '00000000-0000-0000-0000-000000000000');
is($code, 404, 'an unknown session: 404');

# ---- Stripe (stripe-mock) --------------------------------------------------------------------

($c, $b) = create_checkout('shop_payment_stripe', $token, checkout_body($product, quantity => 2));
my $sid = $b->{id};
my $object = { id => "cs_test_$sid", object => 'checkout.session', metadata => { session_id => $sid },
               payment_status => 'paid', amount_total => 2000, currency => 'usd',
               payment_intent => "pi_r$sid" };
stripe_webhook(stripe_event('checkout.session.completed', $object));
is(sql_value("select payment_status from checkout_session where id = :'p1'", $sid), 'paid',
   'a Stripe session paid by its webhook');

($code, $body) = refund('shop_payment_stripe', $sid, 500);
is($code, 200, 'a partial Stripe refund: 200');
like(sql_value("select provider_refund_id from payment_refund where id = :'p1'", $body->{refundId} // '') // '',
     qr/^re_/, 'Stripe\'s refund id is stored');
($code) = refund('shop_payment_stripe', $sid, 1501);
is($code, 409, 'more than is left: 409');

# Stripe then tells about the charge: 5.00 refunded in all, which is ours
my $charge = { id => "ch_$sid", object => 'charge', payment_intent => "pi_r$sid", amount => 2000,
               amount_refunded => 500, currency => 'usd', refunded => JSON::PP::false() };
($code) = stripe_webhook(stripe_event('charge.refunded', $charge));
is($code, 200, 'charge.refunded for our own refund: 200');
is_deeply(counters($sid), [ 500, 0 ], 'not counted twice');
is(scalar(refunded_events($sid)), 1, 'no second payment.refunded');

# a refund of 3.00 made in Stripe's dashboard: 8.00 refunded in all
($code) = stripe_webhook(stripe_event('charge.refunded', { %$charge, amount_refunded => 800 }));
is($code, 200, 'charge.refunded with 3.00 more: 200');
is_deeply(counters($sid), [ 800, 0 ], 'the 3.00 is counted');
@events = refunded_events($sid);
is(scalar @events, 2, 'one payment.refunded more');
is_deeply([ @{ $events[-1]{data} }{qw(amount refundedTotal paidAmount)} ], [ 3, 8, 20 ],
          'for 3.00, 8.00 in all');

($code, $body) = refund('shop_payment_stripe', $sid);
is($code, 200, 'the rest through Stripe: 200');
is($body->{amount}, 1200, '12.00');
is_deeply(counters($sid), [ 2000, 0 ], 'all of it refunded');
@events = payment_events('payment-events', $sid, 4);
is_deeply([ map { $_->{type} } @events ],
          [ 'payment.succeeded', ('payment.refunded') x 3 ], 'on Kafka: paid, then three refunds');

done_testing();
