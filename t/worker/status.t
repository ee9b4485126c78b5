# The worker's state for operators: GET /health/worker on every service host
# shows the relay (state, backlog), the consumers (counts, lag per partition)
# and the restarts. Its 503s are in t/worker/setup_error.t.
use strict;
use warnings;
use Apache::Test qw(-withtestmore);
use ShopTest;

my @hosts = qw(shop_product shop_order shop_payment shop_auth);

plan tests => 8 + 3 * @hosts;

my ($code, $body);
# the first report may come before the relay has connected: wait for it to lead
wait_for(20, sub { ($code, $body) = get_json('shop_product', '/health/worker');
                   $code == 200 && ($body->{relay}{state} // '') eq 'relaying' });
is($code, 200, '/health/worker is 200');
is($body->{status}, 'ok', 'status ok');
ok($body->{pid} > 0, 'it names the worker pid');
like($body->{restarts}, qr/^\d+$/, 'it counts restarts');
is($body->{relay}{state}, 'relaying', 'the relay is relaying');
like($body->{relay}{backlog}, qr/^\d+$/, 'the outbox backlog is a number');
my ($consumer) = grep { $_->{name} eq 'consumer-test' } @{ $body->{consumers} };
ok($consumer && $consumer->{group} eq 'shop-consumer-test', 'the test consumer is listed with its group');
ok(wait_for(20, sub {
    my (undef, $b) = get_json('shop_product', '/health/worker');
    my ($c) = grep { $_->{name} eq 'consumer-test' } @{ $b->{consumers} };
    $c && keys %{ $c->{lag} } }), 'lag per partition is reported');

# every service host serves the same worker's report
my $pid = $body->{pid};
for my $host (@hosts) {
    my ($code, $body, $res) = get_json($host, '/health/worker');
    is($code, 200, "$host: /health/worker is 200");
    is($res->header('Content-Type'), 'application/json', "$host: JSON");
    is($body->{pid}, $pid, "$host: the same worker");
}
