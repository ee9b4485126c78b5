# The worker belongs to its httpd: `-k graceful` replaces it, `-k stop` leaves
# no worker behind (checked in the process table). Runs its own small httpd.
use strict;
use warnings;
use Apache::Test qw(-withtestmore);
use ShopHttpd;

plan tests => 6;

my $h = ShopHttpd->new(conf => "ShopKafkaBrokers 127.0.0.1:$ENV{SHOP_KAFKA_PORT}\nShopKafkaWorker On\n");
ok($h->start, 'httpd starts') or diag $h->{why};
my $parent = $h->parent_pid;
my @first = ();
$h->wait_for(10, sub { @first = $h->workers; @first == 1 });
is(scalar @first, 1, 'it runs one worker');

$h->httpd('graceful');
my @second = ();
$h->wait_for(15, sub { @second = $h->workers; @second == 1 && $second[0] != $first[0] && !kill(0, $first[0]) });
ok(@second == 1 && $second[0] != $first[0], 'graceful restart replaced the worker');
ok(!kill(0, $first[0]), 'the old worker is gone');

$h->httpd('stop');
ok($h->wait_for(15, sub { !kill(0, $parent) }), 'httpd stopped');
ok($h->wait_for(10, sub { !grep { kill(0, $_) } @first, @second }), 'no worker left behind');
