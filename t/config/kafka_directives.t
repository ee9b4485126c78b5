# `apachectl -t` refuses bad mod_shop_kafka directives with a message naming the
# directive, and accepts a good configuration.
use strict;
use warnings;
use Apache::Test qw(-withtestmore);
use File::Temp qw(tempfile);
use ShopTest;

my @cases = (
    [ 'ShopKafkaBrokers ""',                  qr/ShopKafkaBrokers takes one argument/ ],
    [ 'ShopKafkaBrokers ", "',                qr/ShopKafkaBrokers: the broker list is empty/ ],
    [ 'ShopKafkaBrokers localhost:port',       qr/ShopKafkaBrokers: 'localhost:port' is not host:port/ ],
    [ 'ShopKafkaProperty acks maybe',          qr/ShopKafkaProperty acks: / ],
    [ 'ShopKafkaProperty no.such.property 1',  qr/ShopKafkaProperty no\.such\.property: / ],
    [ 'ShopKafkaProperty bootstrap.servers x:1', qr/use ShopKafkaBrokers|ShopKafkaBrokers/ ],
);

plan tests => 2 * @cases + 2;

# configtest(DIRECTIVE) -> (exit status, output)
sub configtest {
    my ($directive) = @_;
    my ($fh, $file) = tempfile(SUFFIX => '.conf', UNLINK => 1);
    my $so = top_dir() . '/build/mod_shop_kafka.so';
    print $fh <<"CONF";
ServerRoot /etc/apache2
ServerName localhost
LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so
LoadModule shop_kafka_module $so
ErrorLog /dev/null
Listen 127.0.0.1:1
$directive
CONF
    close $fh;
    my $out = `${\ShopTest::apache2_bin()} -t -f $file 2>&1`;
    return ($? >> 8, $out);
}

for my $case (@cases) {
    my ($directive, $message) = @$case;
    my ($status, $out) = configtest($directive);
    isnt($status, 0, "configtest fails for: $directive");
    like($out, $message, "and names the directive: $directive");
}

my ($status, $out) = configtest('ShopKafkaBrokers 127.0.0.1:9092,kafka-2:9093');
is($status, 0, 'a valid broker list passes configtest');
like($out, qr/Syntax OK/, 'Syntax OK');
