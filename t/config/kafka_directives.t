# `apachectl -t` refuses bad mod_shop_kafka directives with a message naming the
# directive, and accepts a good configuration.
use strict;
use warnings;
use Apache::Test qw(-withtestmore);
use ShopHttpd ();

my @cases = (
    [ 'ShopKafkaBrokers ""',                  qr/ShopKafkaBrokers takes one argument/ ],
    [ 'ShopKafkaBrokers ", "',                qr/ShopKafkaBrokers: the broker list is empty/ ],
    [ 'ShopKafkaBrokers localhost:port',       qr/ShopKafkaBrokers: 'localhost:port' is not host:port/ ],
    [ 'ShopKafkaProperty acks maybe',          qr/ShopKafkaProperty acks: / ],
    [ 'ShopKafkaProperty no.such.property 1',  qr/ShopKafkaProperty no\.such\.property: / ],
    [ 'ShopKafkaProperty bootstrap.servers x:1',
      qr/ShopKafkaProperty: set the brokers with ShopKafkaBrokers/ ],
    [ 'ShopKafkaOutbox "host=127.0.0.1 nosuch=1"', qr/ShopKafkaOutbox: invalid connection option "nosuch"/ ],
    [ q{ShopKafkaOutbox "host='127.0.0.1"},   qr/ShopKafkaOutbox: unterminated quoted string/ ],
    [ 'ShopKafkaOutboxPoll soon',              qr/ShopKafkaOutboxPoll: 'soon' is not a time/ ],
    [ 'ShopKafkaOutboxPoll 50ms',              qr/ShopKafkaOutboxPoll: must be between 100ms and 1 hour/ ],
    [ 'ShopKafkaOutboxPoll 2h',                qr/ShopKafkaOutboxPoll: must be between 100ms and 1 hour/ ],
    [ 'ShopKafkaWorker On',                    qr/ShopKafkaWorker On needs ShopKafkaBrokers/ ],
    [ 'ShopMetricsSeries many',                qr/ShopMetricsSeries: 'many' is not a number of series between 16 and 65536/ ],
    [ 'ShopMetricsSeries 8',                   qr/ShopMetricsSeries: '8' is not a number/ ],
    [ ['<VirtualHost *:80>', 'ShopMetricsSeries 64', '</VirtualHost>'],
      qr/ShopMetricsSeries cannot occur within <VirtualHost> section/ ],
);

plan tests => 2 * @cases + 2;

ShopHttpd::configtest_refuses(@$_) for @cases;

my ($status, $out) = ShopHttpd::configtest('ShopKafkaBrokers 127.0.0.1:9092,kafka-2:9093',
                                           'ShopKafkaWorker On', 'ShopKafkaOutboxPoll 500ms',
                                           'ShopMetricsSeries 1024',
                                           'ShopKafkaOutbox "host=127.0.0.1 dbname=shop"');
is($status, 0, 'a valid configuration passes configtest') or diag $out;
like($out, qr/Syntax OK/, 'Syntax OK');
