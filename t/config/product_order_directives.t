# `apachectl -t` refuses a missing upload directory and a ShopProductPublicURL
# that is not an absolute http(s) URL without user, query or fragment
# (mod_shop_product), and a bad MongoDB URI (mod_shop_order), with a message
# naming the directive, and accepts a good configuration.
use strict;
use warnings;
use Apache::Test qw(-withtestmore);
use File::Temp qw(tempdir);
use ShopHttpd ();

my $dir = tempdir(CLEANUP => 1);

my @cases = (
    [ "ShopProductUploadDir $dir/missing",
      qr/ShopProductUploadDir: \Q$dir\E\/missing is not a directory/ ],
    (map { [ "ShopProductPublicURL $_", qr/ShopProductPublicURL: give an http\(s\) URL/ ] }
         '/images', 'cdn.shop.example', 'ftp://cdn.shop.example', 'https://',
         'https://cdn.shop.example/?v=2', 'https://cdn.shop.example/#top',
         'https://user:secret@cdn.shop.example', '"https://cdn.shop.example/a b"'),
    [ 'ShopOrderMongoURI mysql://127.0.0.1/shop',
      qr/ShopOrderMongoURI: Invalid URI Schema, expecting 'mongodb:\/\/'/ ],
    [ 'ShopOrderMongoURI mongodb://',
      qr/ShopOrderMongoURI: / ],
);

plan tests => 2 * @cases + 2;

ShopHttpd::configtest_refuses(@$_) for @cases;

my ($status, $out) = ShopHttpd::configtest("ShopProductUploadDir $dir",
                                           'ShopProductPublicURL https://cdn.shop.example:8443/shop/',
                                           'ShopOrderMongoURI mongodb://127.0.0.1:27017/shop');
is($status, 0, 'a valid configuration passes configtest') or diag $out;
like($out, qr/Syntax OK/, 'Syntax OK');
