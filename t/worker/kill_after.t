# Stopping httpd while a consumer's handler hangs: the worker gets SIGTERM, is
# given 3 s to finish, then SIGKILL. It neither blocks httpd's stop nor is
# killed at once. Runs its own small httpd with the test consumer on worker-test.
use strict;
use warnings;
use Apache::Test qw(-withtestmore);
use Time::HiRes ();
use ShopTest;
use ShopHttpd;

plan tests => 6;

my $top = top_dir();
my $conninfo = "host=127.0.0.1 port=$ENV{SHOP_PG_PORT} dbname=$ENV{SHOP_DB} user=$ENV{SHOP_DB_USER}";
my $h = ShopHttpd->new(
    modules => ["shop_consumer_test_module $top/build/test/mod_shop_consumer_test.so"],
    conf => <<"CONF");
ShopKafkaBrokers 127.0.0.1:$ENV{SHOP_KAFKA_PORT}
ShopKafkaWorker On
ShopTestConsumer worker-test "$conninfo" shop-worker-test
CONF
ok($h->start, 'httpd starts') or diag $h->{why};
ok($h->wait_for(30, sub { $h->log =~ /consumer consumer-test: \d+ partition\(s\) assigned/ }),
   'its consumer has partitions');
my ($worker) = $h->workers;

my $run = "kill-after-$$-" . time;
# the handler hangs 40 s; a run right after this one meets this message again
# (it was never committed), which then delays it by what is left of the 40 s
kcat_produce('worker-test', "key-$run", qq({"id":"$run","sleepUntil":@{[time + 40]}}));
ok($h->wait_for(60, sub { $h->log =~ /key=key-\Q$run\E/ }), 'the handler is busy with a message');

my $parent = $h->parent_pid;
$h->httpd('stop');
my $t0 = Time::HiRes::time();
my $gone = $h->wait_for(20, sub { !kill(0, $worker) && !kill(0, $parent) });
my $took = Time::HiRes::time() - $t0;
ok($gone, 'the stuck worker and httpd are gone within 20 s (the handler would hang 40 s)');
cmp_ok($took, '>=', 2.5, 'the worker had its 3 s before SIGKILL');
is(scalar sql("select 1 from consumer_test_applied where id = :'p1'", $run), 0,
   'the message was not applied (the handler was killed)');
