# `apachectl -t` checks the order directives: ShopOrderWorker takes On or Off,
# needs mod_shop_kafka (its consumer runs in that module's worker process) and
# ShopOrderMongoURI (where it stores the orders).
use strict;
use warnings;
use Apache::Test qw(-withtestmore);
use File::Temp ();
use ShopHttpd ();

my $uri = 'ShopOrderMongoURI mongodb://127.0.0.1:27017/shop';
my @cases = (
    [ [$uri, 'ShopOrderWorker maybe'], qr/ShopOrderWorker must be On or Off/ ],
    [ 'ShopOrderWorker On', qr/ShopOrderWorker On needs ShopOrderMongoURI/ ],
    [ [$uri, '<VirtualHost *:80>', 'ShopOrderWorker On', '</VirtualHost>'],
      qr/ShopOrderWorker cannot occur within <VirtualHost> section/ ],
);

plan tests => 2 * @cases + 3;

ShopHttpd::configtest_refuses(@$_) for @cases;

my ($status, $out) = ShopHttpd::configtest($uri, 'ShopOrderWorker On');
is($status, 0, 'ShopOrderWorker On with a MongoDB URI passes configtest') or diag $out;

# without mod_shop_kafka: a configuration of mod_shop_order alone
my $top = ShopHttpd::top_dir();
my $dir = File::Temp::tempdir(CLEANUP => 1);
open(my $fh, '>', "$dir/httpd.conf") or die $!;
print $fh join "\n", 'ServerRoot /etc/apache2', 'ServerName localhost',
    'LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so',
    'LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so',
    "LoadModule shop_order_module $top/build/mod_shop_order.so",
    'ErrorLog /dev/null', 'Listen 127.0.0.1:1', $uri, 'ShopOrderWorker On', '';
close $fh;
$out = `${\ShopTest::apache2_bin()} -t -f $dir/httpd.conf 2>&1`;
isnt($? >> 8, 0, 'ShopOrderWorker On without mod_shop_kafka fails configtest');
like($out, qr/ShopOrderWorker On: .*load mod_shop_kafka/, '... and names the module') or diag $out;
