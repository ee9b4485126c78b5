# MongoDB (FerretDB) stopped: the order routes answer 503 JSON, and a payment
# that arrives meanwhile is retried by the order worker (not lost, not sent
# to the dead letter topic) until MongoDB is back; then it becomes its order.
use strict;
use warnings;
use Apache::Test qw(-withtestmore);
use ShopTest;

my ($uid, $f, $token) = new_user('ordm');
my $session = 'cs_down_' . unique_tag();

stack('stop', 'ferretdb');
my $restarted;
my $guard = bless sub { stack('start', 'ferretdb') unless $restarted }, 'ShopTest::Guard';

my ($code, $body) = request_json('shop_order', 'GET', '/user-orders', token => $token);
is($code, 503, 'GET /user-orders while MongoDB is down: 503');
like($body->{message} // '', qr/MongoDB/, '... saying MongoDB is unavailable');

kcat_produce('payment-events', $session,
             payment_event('payment.succeeded', $session, payment_fields($uid, $f->{email}, $session)));
sleep 4;                                   # the worker tries, and fails, meanwhile
stack('start', 'ferretdb');
$restarted = 1;

my $order = order_from_payment($session, 90);
ok($order, 'once MongoDB is back the payment becomes its order');
($code, $body) = request_json('shop_order', 'GET', '/user-orders', token => $token);
is($code, 200, 'GET /user-orders: 200 again');
is(scalar(grep { $_->{checkoutSessionId} eq $session } @$body), 1, '... with that one order');
ok(!(grep { $_->{key} eq $session } kcat_consume('payment-events.dlq')),
   'the payment did not go to the dead letter topic');

done_testing();
