# kill -9 the worker: httpd starts a new one, counts the restart, and consumption
# resumes from the committed offset: every message is applied, none skipped, and none
# committed before the kill applied again.
# (How soon it restarts is t/worker/backoff.t's business.)
use strict;
use warnings;
use Apache::Test qw(-withtestmore);
use ShopTest;

plan tests => 6;

my $run = "restart-$$-" . time;
my @first = map { qq({"id":"$run-a$_"}) } 1 .. 20;
my @second = map { qq({"id":"$run-b$_"}) } 1 .. 20;
my $applied = sub {
    my ($prefix) = @_;
    (sql("select count(*) from consumer_test_applied where id like '$run-$prefix%'"))[0][0];
};

my @before = wait_for(20, sub { my @p = worker_pids(); @p ? \@p : undef }) ? worker_pids() : ();
is(scalar @before, 1, 'one worker runs');

kcat_produce('consumer-test', "key-$run", @first);
ok(wait_for(30, sub { $applied->('a') == 20 }), 'the first 20 messages are applied');

# commits are asynchronous (after the effect): give them a moment to reach the broker,
# so the kill finds every applied message committed
sleep 2;
my $restarts = sub { my (undef, $body) = get_json('shop_product', '/health/worker'); $body->{restarts} };
my $restarts_before = $restarts->();
kill 'KILL', @before;
# a worker that died young waits up to 60 s before it restarts
my $after = wait_for(75, sub { my @p = grep { $_ != $before[0] } worker_pids(); $p[0] });
ok($after, 'a new worker was started');
is($restarts->(), $restarts_before + 1, '/health/worker counts the restart');

kcat_produce('consumer-test', "key-$run", @second);
ok(wait_for(30, sub { $applied->('b') == 20 }), 'the next 20 are applied by the new worker');
is((sql("select count(*) from consumer_test_applied where id like '$run-%' and applied <> 1"))[0][0],
   0, 'none applied twice');
