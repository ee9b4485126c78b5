# `apachectl -t` refuses bad mod_shop_auth directives with a message naming the
# directive, and accepts a good configuration.
use strict;
use warnings;
use Apache::Test qw(-withtestmore);
use File::Temp qw(tempdir);
use ShopHttpd ();

my $dir = tempdir(CLEANUP => 1);
my $key = "$dir/signing-key.pem";
system("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out $key 2>/dev/null") == 0
    or die 'openssl genpkey failed';
my $not_a_key = "$dir/not-a-key.pem";
open(my $fh, '>', $not_a_key) or die $!;
print $fh "this is not a key\n";
close $fh;
my $public = "$dir/public.pem";
system("openssl pkey -in $key -pubout -out $public 2>/dev/null") == 0 or die 'openssl pkey failed';

my @cases = (
    [ [ "ShopAuthSigningKey $dir/missing.pem" ],
      qr/ShopAuthSigningKey \Q$dir\E\/missing\.pem: cannot open the file/ ],
    [ [ "ShopAuthSigningKey $not_a_key" ],
      qr/ShopAuthSigningKey \Q$not_a_key\E: no PEM private key in the file/ ],
    [ [ "ShopAuthSigningKey $public" ],
      qr/ShopAuthSigningKey \Q$public\E: no PEM private key in the file/ ],
    [ [ 'ShopAuthExternalJWKS https://idp.example/jwks.json' ],
      qr/needs both ShopAuthExternalJWKS and ShopAuthExternalIssuer/ ],
    [ [ 'ShopAuthTokenLifetime 0' ],
      qr/ShopAuthTokenLifetime: give seconds, 1 to 2592000 \(30 days\)/ ],
    [ [ 'ShopAuthTokenLifetime 2592001' ],
      qr/ShopAuthTokenLifetime: give seconds, 1 to 2592000 \(30 days\)/ ],
);

plan tests => 2 * @cases + 2;

ShopHttpd::configtest_refuses(@$_) for @cases;

my ($status, $out) = ShopHttpd::configtest("ShopAuthSigningKey $key", 'ShopAuthTokenLifetime 2592000',
                                           'ShopAuthExternalJWKS https://idp.example/jwks.json',
                                           'ShopAuthExternalIssuer https://idp.example');
is($status, 0, 'a valid configuration passes configtest') or diag $out;
like($out, qr/Syntax OK/, 'Syntax OK');
