# The order routes: who sees what (401 without a token, 403 for the admin
# routes, 404 for another user's order), the lists, and PATCH along the
# lifecycle with its 409s and the order.updated event in the outbox.
use strict;
use warnings;
use Apache::Test qw(-withtestmore);
use JSON::PP ();
use ShopTest;

my $json = JSON::PP->new->utf8->canonical;
my ($uid, $f, $token) = new_user('ordr');
my ($other_id, undef, $other) = new_user('ordo');
my $admin = catalog_admin();
my $tag = unique_tag();
my ($code, $body);

# orders of $uid made by the worker from payment events; returns their ids
sub make_order {
    my ($session, $type) = @_;
    kcat_produce('payment-events', $session,
                 payment_event($type // 'payment.succeeded', $session, payment_fields($uid, $f->{email}, $session)));
    my $doc = order_from_payment($session) or die "no order for $session\n";
    return $doc->{_id}{'$oid'};
}
my $first = make_order("cs_r1_$tag");
my $second = make_order("cs_r2_$tag");
my $failed = make_order("cs_r3_$tag", 'payment.failed');

# ---- who may read ------------------------------------------------------------------------

for my $path ('/user-orders', '/orders', "/orders/$first", '/order-chart') {
    ($code, $body) = request_json('shop_order', 'GET', $path);
    is($code, 401, "GET $path without a token: 401");
    like($body->{message} // '', qr/\w/, '... with a JSON message');
}
for my $path ('/orders', '/orders?limit=5', '/order-chart') {
    ($code, $body) = request_json('shop_order', 'GET', $path, token => $token);
    is($code, 403, "GET $path as a user: 403");
}
($code) = request_json('shop_order', 'PATCH', "/orders/$first", token => $token, json => { status => 'shipped' });
is($code, 403, 'PATCH as a user: 403');
($code) = request_json('shop_order', 'POST', "/orders/$first/refund", token => $token, json => {});
is($code, 403, 'POST /orders/:id/refund as a user: 403');

($code, $body) = request_json('shop_order', 'GET', "/orders/$first", token => $other);
is($code, 404, "another user's order: 404");
($code, $body) = request_json('shop_order', 'GET', "/orders/$first", token => $admin);
is($code, 200, 'an admin reads any order');
is($body->{id}, $first, '... that one');
for my $bad ('nope', '0123456789abcdef0123456', 'zz23456789abcdef01234567', '000000000000000000000000') {
    ($code, $body) = request_json('shop_order', 'GET', "/orders/$bad", token => $admin);
    is($code, 404, "GET /orders/$bad: 404");
}

# ---- lists ------------------------------------------------------------------------------------

($code, $body) = request_json('shop_order', 'GET', '/user-orders', token => $token);
is($code, 200, 'GET /user-orders: 200');
is_deeply([map { $_->{id} } @$body], [$failed, $second, $first], "the user's three orders, newest first");
($code, $body) = request_json('shop_order', 'GET', '/user-orders', token => $other);
is_deeply($body, [], 'another user has none of them');

($code, $body) = request_json('shop_order', 'GET', '/orders?limit=100', token => $admin);
is($code, 200, 'GET /orders as an admin: 200');
my @mine = grep { $_->{userId} eq $uid } @$body;
is_deeply([map { $_->{id} } @mine], [$failed, $second, $first], '... newest first, every user\'s');
($code, $body) = request_json('shop_order', 'GET', '/orders?limit=2', token => $admin);
is(scalar @$body, 2, 'limit=2: two orders');
my ($code2, $next) = request_json('shop_order', 'GET', '/orders?limit=1&offset=1', token => $admin);
is($next->[0]{id}, $body->[1]{id}, 'offset=1 starts at the second');
($code, $body) = request_json('shop_order', 'GET', '/orders?status=failed&limit=100', token => $admin);
ok((grep { $_->{id} eq $failed } @$body) && !(grep { $_->{status} ne 'failed' } @$body),
   'status=failed: only failed orders, this one among them');
for my $q ('limit=0', 'limit=101', 'limit=x', 'offset=-1', 'status=lost', 'status=') {
    ($code, $body) = request_json('shop_order', 'GET', "/orders?$q", token => $admin);
    is($code, 400, "GET /orders?$q: 400");
    like($body->{message} // '', qr/\w/, '... with a message');
}

# ---- PATCH along the lifecycle ------------------------------------------------------------------

sub patch { request_json('shop_order', 'PATCH', "/orders/$_[0]", token => $admin, json => { status => $_[1] }) }
sub outbox_ids {
    map { $json->decode($_->[0])->{id} }
        sql("select payload::text from outbox where topic = 'order-events' and key = :'p1' order by id", $_[0]);
}

($code, $body) = patch($first, 'delivered');
is($code, 409, 'paid -> delivered: 409');
like($body->{message} // '', qr/paid.*delivered/, '... saying from what to what');
for my $status ('flying', 'paid', 'failed', 'partially_refunded', '') {
    ($code, $body) = patch($first, $status);
    is($code, 400, "PATCH to '$status' (not a status an admin sets): 400");
}
($code, $body) = request_json('shop_order', 'PATCH', "/orders/$first", token => $admin, content => '{"status":');
is($code, 400, 'a body that is not JSON: 400');
is_deeply([outbox_ids($first)], [], 'refused changes queue no event');

($code, $body) = patch($first, 'shipped');
is($code, 200, 'paid -> shipped: 200');
is($body->{status}, 'shipped', '... the order answered shipped');
my $shipped = $body;
($code, $body) = patch($first, 'shipped');
is($code, 200, 'shipped again: 200 (idempotent)');
is($body->{updatedAt}, $shipped->{updatedAt}, '... and the order is unchanged');
($code, $body) = request_json('shop_order', 'GET', "/orders/$first", token => $token);
is($body->{status}, 'shipped', 'its owner reads it shipped');
($code, $body) = patch($first, 'cancelled');
is($code, 409, 'shipped -> cancelled: 409');
($code, $body) = patch($first, 'delivered');
is($code, 200, 'shipped -> delivered: 200');
($code, $body) = patch($first, 'shipped');
is($code, 409, 'delivered -> shipped: 409');

is_deeply([outbox_ids($first)], ["order.updated:$first:shipped", "order.updated:$first:shipped",
                                 "order.updated:$first:delivered"],
          'order.updated in the outbox per change; the repeat with the same id');
my ($row) = sql("select payload::text from outbox where topic = 'order-events' and key = :'p1'"
                . " order by id desc limit 1", $first);
my $event = $json->decode($row->[0]);
is($event->{type}, 'order.updated', 'type order.updated');
is($event->{data}{status}, 'delivered', 'its data is the order as changed');
is($event->{data}{amount}, 45.48, '... money in major units');
ok(wait_for(30, sub { grep { $_->{id} eq "order.updated:$first:delivered" } order_events($first) }),
   'the relay publishes it to order-events, keyed by the order id');

($code, $body) = patch($second, 'cancelled');
is($code, 200, 'paid -> cancelled: 200');
($code, $body) = patch($second, 'shipped');
is($code, 409, 'cancelled -> shipped: 409');
($code, $body) = patch($failed, 'shipped');
is($code, 409, 'failed -> shipped: 409');
($code, $body) = patch('000000000000000000000000', 'shipped');
is($code, 404, 'PATCH of an unknown order: 404');

# ---- refunds (the refund itself is mod_shop_payment's: see its tests) -----------------------

($code, $body) = request_json('shop_order', 'POST', '/orders/000000000000000000000000/refund',
                              token => $admin, json => {});
is($code, 404, 'refund of an unknown order: 404');
($code, $body) = request_json('shop_order', 'POST', "/orders/$failed/refund", token => $admin, json => {});
is($code, 409, 'refund of a failed payment: 409');
for my $amount (-1, 0, 'x', 1.234) {
    ($code, $body) = request_json('shop_order', 'POST', "/orders/$first/refund", token => $admin,
                                  json => { amount => $amount });
    is($code, 400, "refund amount $amount: 400");
}

done_testing();
