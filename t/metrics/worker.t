# The worker's figures: a poison message sent to the dead letter topic adds one
# to shop_kafka_dlq_messages_total; the worker reports (shop_worker_up 1) and
# its consumers' lag; kill -9 the worker and shop_worker_restarts_total adds one.
use strict;
use warnings;
use Apache::Test qw(-withtestmore);
use ShopTest;
use ShopMetrics;

plan tests => 6;

my $run = "metrics-$$-" . time;
my $figure = sub { metric(metrics('shop_order'), @_) };

ok(wait_for(30, sub { $figure->('shop_worker_up') == 1 }), 'the worker reports');

my $dlq = $figure->('shop_kafka_dlq_messages_total');
kcat_produce('consumer-test', "key-$run", "not json $run");
ok(wait_for(30, sub { $figure->('shop_kafka_dlq_messages_total') == $dlq + 1 }),
   'a poison message adds one to shop_kafka_dlq_messages_total');
ok(wait_for(20, sub { grep { $_->{key} eq "key-$run" } kcat_consume('consumer-test.dlq') }),
   'and it is in consumer-test.dlq');
ok(wait_for(30, sub { grep { $_->{name} eq 'shop_consumer_lag' && $_->{labels}{topic} eq 'consumer-test' }
                      @{ metrics('shop_order') } }), 'the lag of its consumers is reported, per partition');

my @pids = wait_for(20, sub { my @p = worker_pids(); @p ? \@p : undef }) ? worker_pids() : ();
my $restarts = $figure->('shop_worker_restarts_total');
kill 'KILL', @pids;
ok(@pids && wait_for(20, sub { $figure->('shop_worker_restarts_total') == $restarts + 1 }),
   'kill -9 the worker: shop_worker_restarts_total adds one');
# a worker that died young waits up to 60 s before it restarts
ok(wait_for(75, sub { my @p = grep { $_ != $pids[0] } worker_pids(); $p[0] }), 'a new worker runs');
