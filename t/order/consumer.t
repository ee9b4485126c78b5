# The order worker consumes payment-events (ShopOrderWorker On): a payment
# makes one order in MongoDB, whatever the number of deliveries, and one
# order.created id on order-events; a failed payment makes a failed order;
# refunds move refundedAmount and the status; malformed events go to
# payment-events.dlq.
use strict;
use warnings;
use Apache::Test qw(-withtestmore);
use ShopTest;

my ($uid, $f, $token) = new_user('ord');
my $tag = unique_tag();
my $session = "cs_test_$tag";
my $hex24 = qr/^[0-9a-f]{24}$/;
my $time = qr/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

# ---- payment.succeeded, three times ------------------------------------------------------

my $event = payment_event('payment.succeeded', $session, payment_fields($uid, $f->{email}, $session));
# a fourth payment on the same key (so the same partition, after the three) tells when they are done
my $marker = "cs_marker_$tag";
kcat_produce('payment-events', $session, $event, $event, $event,
             payment_event('payment.succeeded', $marker, payment_fields($uid, $f->{email}, $marker)));
ok(order_from_payment($marker, 60), 'the worker consumed the payments') or BAIL_OUT('no order worker');

my @stored = mongo_orders({ checkoutSessionId => $session });
is(scalar @stored, 1, 'three deliveries of payment.succeeded: one order in MongoDB');
my $doc = $stored[0] || {};
my $id = $doc->{_id}{'$oid'} // '';
like($id, $hex24, 'its _id is an ObjectId');
is($doc->{status}, 'paid', 'stored with status paid');
is($doc->{amount}, 4548, 'amount stored in minor units');
is($doc->{items}[0]{price}, 1999, 'item prices stored in minor units');
is($doc->{refundedAmount}, 0, 'nothing refunded');
like($doc->{month} // '', qr/^\d{4}-\d\d$/, 'the month of the order is stored for the chart');

my ($code, $order) = request_json('shop_order', 'GET', "/orders/$id", token => $token);
is($code, 200, 'GET /orders/:id by its owner: 200');
is($order->{id}, $id, 'id');
is($order->{userId}, $uid, 'userId');
is($order->{email}, $f->{email}, 'email');
is($order->{amount}, 45.48, 'amount in major units');
is($order->{currency}, 'usd', 'currency');
is($order->{status}, 'paid', 'status paid');
is($order->{checkoutSessionId}, $session, 'checkoutSessionId');
is($order->{paymentIntentId}, "pi_$session", 'paymentIntentId');
is($order->{refundedAmount}, 0, 'refundedAmount 0');
is_deeply($order->{items}, payment_fields($uid, $f->{email}, $session)->{items},
          'items as paid (price in major units, productId as sent)');
is_deeply($order->{shipping}, payment_fields($uid, $f->{email}, $session)->{shipping}, 'shipping');
like($order->{createdAt} // '', $time, 'createdAt');
like($order->{updatedAt} // '', $time, 'updatedAt');
ok(!exists $order->{month}, 'the chart field is not part of the answer');

my @created;
ok(wait_for(20, sub { @created = grep { $_->{type} eq 'order.created' } order_events($id) }),
   'order.created on order-events, keyed by the order id');
my %ids = map { $_->{id} => 1 } @created;
is_deeply([keys %ids], ["order.created:$id"], 'one order.created id for three deliveries');
is_deeply($created[0]{data}, $order, 'its data is the order as GET /orders/:id answers it');
is($created[0]{source}, '/mod_shop/order', 'source /mod_shop/order');

# ---- refunds: partial, then the rest, then a late copy of the first ------------------------

sub refund {
    my ($refund, $amount, $total) = @_;
    return payment_event('payment.refunded', $session,
        { refundId => $refund, amount => $amount, refundedTotal => $total, paidAmount => 45.48,
          currency => 'usd', email => $f->{email}, userId => $uid });
}
sub stored { (mongo_orders({ checkoutSessionId => $session }))[0] || {} }

kcat_produce('payment-events', $session, refund("re_1_$tag", 10, 10));
ok(wait_for(30, sub { stored()->{status} eq 'partially_refunded' }), 'a partial refund: partially_refunded');
(undef, $order) = request_json('shop_order', 'GET', "/orders/$id", token => $token);
is($order->{refundedAmount}, 10, 'refundedAmount 10');
kcat_produce('payment-events', $session, refund("re_2_$tag", 35.48, 45.48), refund("re_1_$tag", 10, 10));
ok(wait_for(30, sub { stored()->{status} eq 'refunded' }), 'the rest refunded: refunded');
kcat_produce('payment-events', $marker, payment_event('payment.failed', "${marker}_2",
    payment_fields($uid, $f->{email}, "${marker}_2")));
ok(order_from_payment("${marker}_2"), 'later events were consumed');
($code, $order) = request_json('shop_order', 'GET', "/orders/$id", token => $token);
is($order->{status}, 'refunded', 'a late copy of the first refund leaves the order refunded');
is($order->{refundedAmount}, 45.48, '... and refundedAmount at the total (the larger)');
my @updated = grep { $_->{type} eq 'order.updated' } order_events($id);
ok(wait_for(20, sub { @updated = grep { $_->{type} eq 'order.updated' } order_events($id);
                      grep { $_->{id} eq "order.updated:$id:refund:re_2_$tag" } @updated }),
   'order.updated with the refund\'s id on order-events');
ok((grep { $_->{id} eq "order.updated:$id:refund:re_1_$tag" } @updated), '... for both refunds');

# ---- payment.failed --------------------------------------------------------------------------

my $failed = "cs_failed_$tag";
kcat_produce('payment-events', $failed, payment_event('payment.failed', $failed,
    { %{ payment_fields($uid, $f->{email}, $failed) }, reason => 'card_declined' }));
my $fdoc = order_from_payment($failed) || {};
is($fdoc->{status}, 'failed', 'payment.failed: an order with status failed');
my $fid = $fdoc->{_id}{'$oid'} // '';
($code, $order) = request_json('shop_order', 'GET', "/orders/$fid", token => $token);
is($order->{status}, 'failed', 'GET /orders/:id answers it failed');
ok(wait_for(20, sub { grep { $_->{id} eq "order.created:$fid" } order_events($fid) }),
   'order.created for the failed order');

# ---- malformed events: to the dead letter topic ----------------------------------------------

my $bad = "bad_$tag";
kcat_produce('payment-events', "$bad-json", 'not json at all');
kcat_produce('payment-events', "$bad-items", payment_event('payment.succeeded', "$bad-items",
    { %{ payment_fields($uid, $f->{email}, "$bad-items") }, items => [ { name => 'x' } ] }));
kcat_produce('payment-events', "$bad-amount", payment_event('payment.succeeded', "$bad-amount",
    { %{ payment_fields($uid, $f->{email}, "$bad-amount") }, amount => 'lots' }));
for my $key ("$bad-json", "$bad-items", "$bad-amount") {
    my ($dead) = ();
    ok(wait_for(30, sub { ($dead) = grep { $_->{key} eq $key } kcat_consume('payment-events.dlq'); $dead }),
       "a malformed payment event ($key) goes to payment-events.dlq");
    like($dead->{headers}{error} // '', qr/\w/, '... with the reason in a header');
}
is(scalar(mongo_orders({ checkoutSessionId => { '$in' => ["$bad-items", "$bad-amount"] } })), 0,
   'and makes no order');

done_testing();
