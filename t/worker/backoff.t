# A worker that keeps dying young is restarted after a backoff that grows:
# 2 s after the first crash, 4 s after the second in a row; /health/worker
# counts the restarts. Runs its own small httpd (the suite's worker is left alone).
use strict;
use warnings;
use Apache::Test qw(-withtestmore);
use Time::HiRes ();
use ShopHttpd;

plan tests => 9;

my $h = ShopHttpd->new(conf => "ShopKafkaBrokers 127.0.0.1:$ENV{SHOP_KAFKA_PORT}\nShopKafkaWorker On\n");
ok($h->start, 'httpd starts') or diag $h->{why};

# the worker that is set up and running (past its backoff), other than $old
my $running = sub {
    my ($old) = @_;
    my ($pid) = grep { !defined $old || $_ != $old } $h->workers;
    return $pid && $h->log =~ /worker $pid running/ ? $pid : undef;
};

my $first = $h->wait_for(20, sub { $running->() });
ok($first, 'a worker runs');

kill 'KILL', $first;
my $t0 = Time::HiRes::time();
my $second = $h->wait_for(20, sub { $running->($first) });
my $waited = Time::HiRes::time() - $t0;
ok($second, 'a new worker runs after the first crash');
cmp_ok($waited, '>=', 1.9, 'only after a backoff of 2 s');
like($h->log, qr/worker $first died \(status \d+\); starting a new one in 2 s/, 'the log says 2 s');

kill 'KILL', $second;                   # dying young again: the backoff doubles
$t0 = Time::HiRes::time();
my $third = $h->wait_for(20, sub { $running->($second) });
$waited = Time::HiRes::time() - $t0;
ok($third, 'a new worker runs after the second crash');
cmp_ok($waited, '>=', 3.9, 'only after a backoff of 4 s');
like($h->log, qr/worker $second died \(status \d+\); starting a new one in 4 s/, 'the log says 4 s');

my ($code, $body);
$h->wait_for(10, sub { ($code, $body) = $h->get_json('/health/worker'); $code == 200 });
is($body->{restarts}, 2, '/health/worker counts 2 restarts');
