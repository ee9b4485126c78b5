# `apachectl -t` refuses a missing upload directory (mod_shop_product) and a bad
# MongoDB URI (mod_shop_order) with a message naming the directive, and accepts
# a good configuration.
use strict;
use warnings;
use Apache::Test qw(-withtestmore);
use File::Temp qw(tempdir);
use ShopHttpd ();

my $dir = tempdir(CLEANUP => 1);

my @cases = (
    [ "ShopProductUploadDir $dir/missing",
      qr/ShopProductUploadDir: \Q$dir\E\/missing is not a directory/ ],
    [ 'ShopOrderMongoURI mysql://127.0.0.1/shop',
      qr/ShopOrderMongoURI: Invalid URI Schema, expecting 'mongodb:\/\/'/ ],
    [ 'ShopOrderMongoURI mongodb://',
      qr/ShopOrderMongoURI: / ],
);

plan tests => 2 * @cases + 2;

ShopHttpd::configtest_refuses(@$_) for @cases;

my ($status, $out) = ShopHttpd::configtest("ShopProductUploadDir $dir",
                                           'ShopOrderMongoURI mongodb://127.0.0.1:27017/shop');
is($status, 0, 'a valid configuration passes configtest') or diag $out;
like($out, qr/Syntax OK/, 'Syntax OK');
