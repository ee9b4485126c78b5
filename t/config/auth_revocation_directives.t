# `apachectl -t` refuses bad revocation directives of mod_shop_auth with a
# message naming the directive, and accepts good ones.
use strict;
use warnings;
use Apache::Test qw(-withtestmore);
use ShopTest;
use ShopHttpd ();

my @cases = (
    [ 'ShopAuthRevocationSlots 15',         qr/ShopAuthRevocationSlots: give a number of entries, 16 to 4194304/ ],
    [ 'ShopAuthRevocationSlots 4194305',    qr/ShopAuthRevocationSlots: give a number/ ],
    [ 'ShopAuthRevocationSlots lots',       qr/ShopAuthRevocationSlots: give a number/ ],
    [ 'ShopAuthRevocationDB "port=notaport x"', qr/ShopAuthRevocationDB: / ],
    [ "<VirtualHost *:1>\nShopAuthRevocationSlots 100\n</VirtualHost>", qr/ShopAuthRevocationSlots cannot occur within/ ],
    [ "<VirtualHost *:1>\nShopAuthRevocationDB \"host=x\"\n</VirtualHost>", qr/ShopAuthRevocationDB cannot occur within/ ],
);

plan tests => 2 * @cases + 2;

sub configtest { ShopHttpd::configtest(@_) }

ShopHttpd::configtest_refuses(@$_) for @cases;

my ($status, $out) = configtest(qq{ShopAuthRevocationSlots 16\nShopAuthRevocationDB "host=127.0.0.1 port=5432 dbname=shop"});
is($status, 0, 'valid revocation directives pass configtest') or diag($out);
like($out, qr/Syntax OK/, 'Syntax OK');
