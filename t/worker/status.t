# The worker's state for operators: GET /health/worker on any service host
# shows the relay (state, backlog), the consumers (counts, lag per partition)
# and the restarts.
use strict;
use warnings;
use Apache::Test qw(-withtestmore);
use ShopTest;

plan tests => 8;

my ($code, $body);
wait_for(20, sub { ($code, $body) = get_json('shop_product', '/health/worker'); $code == 200 });
is($code, 200, '/health/worker is 200');
is($body->{status}, 'ok', 'status ok');
ok($body->{pid} > 0, 'it names the worker pid');
ok(defined $body->{restarts}, 'it counts restarts');
is($body->{relay}{state}, 'relaying', 'the relay is relaying');
like($body->{relay}{backlog}, qr/^\d+$/, 'the outbox backlog is a number');
my ($consumer) = grep { $_->{name} eq 'consumer-test' } @{ $body->{consumers} };
ok($consumer && $consumer->{group} eq 'shop-consumer-test', 'the test consumer is listed with its group');
ok(wait_for(20, sub {
    my (undef, $b) = get_json('shop_product', '/health/worker');
    my ($c) = grep { $_->{name} eq 'consumer-test' } @{ $b->{consumers} };
    $c && keys %{ $c->{lag} } }), 'lag per partition is reported');
