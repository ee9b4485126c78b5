# A worker that cannot set itself up exits with 254 and is not restarted (a
# setup it cannot fix would only crash again); /health/worker answers 503. With
# ShopKafkaWorker Off it answers 503 too. Runs its own small httpds.
use strict;
use warnings;
use Apache::Test qw(-withtestmore);
use Time::HiRes ();
use ShopHttpd;

plan tests => 10;

# the producer cannot start: TLS with a CA file that does not exist
# (a valid property, so configtest passes; librdkafka refuses it at start)
my $h = ShopHttpd->new(conf => <<"CONF");
ShopKafkaBrokers 127.0.0.1:$ENV{SHOP_KAFKA_PORT}
ShopKafkaProperty security.protocol ssl
ShopKafkaProperty ssl.ca.location /nonexistent/ca.pem
ShopKafkaWorker On
CONF
ok($h->start, 'httpd starts') or diag $h->{why};
ok($h->wait_for(20, sub { $h->log =~ /the worker could not set itself up \(see above\); not restarting it/ }),
   'the worker exits with its setup error, and httpd says it will not restart it');
ok($h->wait_for(10, sub { !$h->workers }), 'the worker is gone');
# a restart would fork at once (the backoff is slept in the new worker)
Time::HiRes::sleep(3);
is(scalar($h->workers), 0, 'and no new worker was started 3 s later');
unlike($h->log, qr/starting a new one/, 'no restart was scheduled');

my ($code, $body) = $h->get_json('/health/worker');
is($code, 503, '/health/worker is 503');
is($body->{status}, 'unavailable', 'status unavailable');
is($body->{message}, 'no report from the worker yet', 'it says why');
$h->stop;

my $off = ShopHttpd->new(conf => "ShopKafkaBrokers 127.0.0.1:$ENV{SHOP_KAFKA_PORT}\nShopKafkaWorker Off\n");
$off->start or diag $off->{why};
($code, $body) = $off->get_json('/health/worker');
is($code, 503, '/health/worker is 503 with ShopKafkaWorker Off');
is($body->{message}, 'the worker is off (ShopKafkaWorker)', 'it says why');
