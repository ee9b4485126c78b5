# A handler whose dependency (PostgreSQL) is down is retried, with backoff,
# until it returns; then the message is applied exactly once.
use strict;
use warnings;
use Apache::Test qw(-withtestmore);
use ShopTest;

plan tests => 4;

my $run = "transient-$$-" . time;
stack('stop', 'postgres');
my $restarted;
my $guard = bless sub { stack('start', 'postgres') unless $restarted }, 'ShopTest::Guard';
kcat_produce('consumer-test', "key-$run", qq({"id":"$run"}));

# while the database is down the worker says it is retrying, again and again
my $retried = sub {
    my ($code, $body) = get_json('shop_product', '/health/worker');
    my ($c) = grep { $_->{name} eq 'consumer-test' } @{ $body->{consumers} || [] };
    $c ? $c->{retried} : 0;
};
my $before = $retried->();
ok(wait_for(30, sub { $retried->() >= $before + 2 }),
   'the consumer retries (twice at least) while PostgreSQL is down');

stack('start', 'postgres');
$restarted = 1;
ok(wait_for(90, sub { my @r = eval { sql("select applied from consumer_test_applied where id = '$run'") }; @r }),
   'the message is applied once PostgreSQL is back');
is((sql("select applied from consumer_test_applied where id = '$run'"))[0][0], 1, 'exactly once');
my ($code) = get_json('shop_product', '/health/worker');
is($code, 200, 'the worker reports healthy');
