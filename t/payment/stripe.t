# The Stripe provider against stripe-mock, and POST /webhooks/stripe signed as
# Stripe signs: bad, missing, old or wrongly keyed signatures are 400 and change
# nothing; checkout.session.completed pays the session with exactly one
# payment.succeeded, whether one event arrives three times or different events
# for the same session arrive in parallel; an amount or currency that is not
# the session's fulfils nothing and goes to payment-events.dlq.
use strict;
use warnings;
use Apache::Test qw(-withtestmore);
use JSON::PP ();
use POSIX ();
use ShopTest;

my $product = payment_product(price => 20);
my ($user, $fields, $token) = new_user('spay');
my ($code, $body);

sub new_session {
    my ($c, $b) = create_checkout('shop_payment_stripe', $token, checkout_body($product, quantity => 1));
    die "create-checkout-session: $c\n" unless $c == 200;
    return $b;
}

# ---- creating the session at Stripe ----------------------------------------------------------

my $created = new_session();
my $id = $created->{id};
like($created->{url} // '', qr{^https://checkout\.stripe\.com/}, 'the url is Stripe\'s hosted checkout');
like(sql_value("select provider_session_id from checkout_session where id = :'p1'", $id) // '',
     qr/^cs_/, 'Stripe\'s session id is stored');
is(sql_value("select provider from checkout_session where id = :'p1'", $id), 'stripe', 'provider stripe');
($code) = request_json('shop_payment_stripe', 'GET', "/pay/$id");
is($code, 404, 'a Stripe session has no test checkout page');
($code, $body) = request_json('shop_payment_stripe', 'GET', "/sessions/$id", token => $token);
is($code, 200, 'GET /sessions/:id asks Stripe (stripe-mock: unpaid)');
is($body->{paymentStatus}, 'unpaid', 'and the session stays unpaid');

# ---- signatures --------------------------------------------------------------------------------

my $event = stripe_event('checkout.session.completed', stripe_session_object($id));
my @refused = (
    [ 'no Stripe-Signature header', header => undef ],
    [ 'a bad signature',            header => 't=' . time . ',v1=' . ('0' x 64) ],
    [ 'no timestamp',               header => 'v1=' . ('a' x 64) ],
    [ 'a timestamp 10 minutes old', timestamp => time - 600 ],
    [ 'a timestamp 10 minutes ahead', timestamp => time + 600 ],
    [ 'the wrong secret',           secret => 'whsec_someone_else' ],
);
for my $case (@refused) {
    my ($what, @opt) = @$case;
    ($code, $body) = stripe_webhook($event, @opt);
    is($code, 400, "$what: 400");
}
is_deeply(session_state($id), [ 'open', 'unpaid' ], 'no refused webhook changed the session');
is(sql_value("select count(*) from payment_webhook_event where id = :'p1'", $event->{id}), 0,
   'nor recorded the event');
is(scalar(payment_outbox('payment-events', $id)), 0, 'nor queued an event');

# a second v1 (Stripe sends one per active secret): any one that matches is enough
{
    my $payload = JSON::PP->new->utf8->canonical->encode($event);
    my ($ts, $good) = stripe_signature($payload, 'whsec_mod_shop_test') =~ /^t=(\d+),v1=([0-9a-f]{64})/;
    ($code) = request_json('shop_payment_stripe', 'POST', '/webhooks/stripe', content => $payload,
                           headers => [ 'Stripe-Signature' => "t=$ts,v1=" . ('f' x 64) . ",v1=$good" ]);
    is($code, 200, 'a header with a stale and a valid v1: 200');
}

# ---- completion, exactly once ----------------------------------------------------------------

($code, $body) = stripe_webhook($event) for 1 .. 3;
is($code, 200, 'the same event twice more: 200');
ok($body->{duplicate}, 'acknowledged as a duplicate');
is_deeply(session_state($id), [ 'complete', 'paid' ], 'the session is paid');
is(sql_value("select payment_intent_id from checkout_session where id = :'p1'", $id), "pi_$id",
   'with the payment intent');
is(scalar(payment_outbox('payment-events', $id)), 1, 'one payment.succeeded in the outbox');

# different events for one session, in parallel
my $parallel = new_session()->{id};
my @pids;
for my $n (1 .. 6) {
    my $pid = fork // die "fork: $!";
    if (!$pid) {
        my ($c) = stripe_webhook(stripe_event($n % 2 ? 'checkout.session.completed'
                                                     : 'checkout.session.async_payment_succeeded',
                                              stripe_session_object($parallel)));
        POSIX::_exit($c == 200 ? 0 : 1);
    }
    push @pids, $pid;
}
my $ok = 0;
for (@pids) { waitpid($_, 0); $ok++ if $? == 0 }
is($ok, 6, 'six different events for one session in parallel: all 200');
is_deeply(session_state($parallel), [ 'complete', 'paid' ], 'the session is paid');
is(scalar(payment_outbox('payment-events', $parallel)), 1, 'one payment.succeeded in the outbox');
my @events = payment_events('payment-events', $parallel, 1);
sleep 1;
@events = payment_events('payment-events', $parallel, 1);
is(scalar @events, 1, 'and one on Kafka');
is($events[0]{id}, "payment.succeeded:$parallel", 'its id');
is_deeply([ @{ $events[0]{data} }{qw(amount currency paymentIntentId provider)} ],
          [ 20, 'usd', "pi_$parallel", 'stripe' ], 'its data');

# ---- the wrong amount or currency ------------------------------------------------------------

for my $case ([ 'amount', amount_total => 1999 ], [ 'currency', currency => 'eur' ]) {
    my ($what, @over) = @$case;
    my $sid = new_session()->{id};
    my $bad = stripe_event('checkout.session.completed', stripe_session_object($sid, @over));
    ($code) = stripe_webhook($bad);
    is($code, 200, "a different $what: acknowledged");
    is_deeply(session_state($sid), [ 'open', 'unpaid' ], "a different $what: nothing fulfilled");
    is(scalar(payment_outbox('payment-events', $sid)), 0, "a different $what: no payment event");
    my @dlq = payment_events('payment-events.dlq', $sid, 1);
    is(scalar @dlq, 1, "a different $what: one event on payment-events.dlq");
    like($dlq[0]{data}{reason} // '', qr/20\d\d|eur/, "a different $what: with the reason");
}

# ---- the other events ------------------------------------------------------------------------

my $async = new_session()->{id};
stripe_webhook(stripe_event('checkout.session.completed', stripe_session_object($async, payment_status => 'unpaid')));
is_deeply(session_state($async), [ 'open', 'unpaid' ], 'completed but unpaid (async method): waits');
stripe_webhook(stripe_event('checkout.session.async_payment_failed', stripe_session_object($async, payment_status => 'unpaid')));
is_deeply(session_state($async), [ 'complete', 'failed' ], 'async_payment_failed: failed');
is_deeply([ map { $_->{type} } payment_outbox('payment-events', $async) ], [ 'payment.failed' ],
          'with payment.failed');

my $expired = new_session()->{id};
($code) = stripe_webhook(stripe_event('checkout.session.expired', stripe_session_object($expired, payment_status => 'unpaid', status => 'expired')));
is($code, 200, 'checkout.session.expired: 200');
is_deeply(session_state($expired), [ 'expired', 'unpaid' ], 'the session is expired');
stripe_webhook(stripe_event('checkout.session.completed', stripe_session_object($expired)));
is_deeply(session_state($expired), [ 'expired', 'unpaid' ], 'and cannot be paid afterwards');
is(scalar(payment_outbox('payment-events', $expired)), 0, 'no event');

($code) = stripe_webhook(stripe_event('customer.created', { id => 'cus_1', object => 'customer' }));
is($code, 200, 'an event of no interest: 200');

done_testing();
