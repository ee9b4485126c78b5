# A catalog write on one httpd is visible on the other at once: each child's
# catalog cache is dropped by the NOTIFY of the write (LISTEN shop_catalog), on
# every server of the shared PostgreSQL, not only on the one that wrote.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Test::More;
use ShopCluster;

plan tests => 6;

my $admin = admin_token(1);
my ($one, $two) = (service(1, 'product'), service(2, 'product'));
my $slug = 'cl-' . unique_tag();
my ($code, $body) = request(POST => "$one/categories", token => $admin,
                            json => { name => "Cluster $slug", slug => $slug });
is($code, 201, 'a category made on httpd1');
($code, $body) = request(POST => "$one/products", token => $admin, json => product_body($slug, price => 20));
is($code, 201, 'a product made on httpd1');
my $id = $body->{id};

# httpd2's children cache the product and the category's listing (several reads,
# several children)
my $price = sub { my ($c, $b) = request(GET => "$two/products/$id"); $c == 200 ? $b->{price} : $c };
my $listed = sub { my ($c, $b) = request(GET => "$two/products?category=$slug");
                   $c == 200 ? scalar @$b : -1 };
is_deeply([ map { $price->() } 1 .. 8 ], [ (20) x 8 ], 'httpd2 serves it (and caches it)');
$listed->() for 1 .. 8;

($code) = request(PUT => "$one/products/$id", token => $admin, json => { price => 25 });
is($code, 200, 'its price changed on httpd1');
# "at once": the NOTIFY arrives within a few milliseconds; a stale answer after 0.5 s fails
wait_for(0.5, sub { $price->() == 25 }, 0.02);
is_deeply([ map { $price->() } 1 .. 8 ], [ (25) x 8 ], 'every child of httpd2 answers the new price');

request(DELETE => "$one/products/$id", token => $admin);
wait_for(0.5, sub { $listed->() == 0 }, 0.02);
is_deeply([ map { $listed->() } 1 .. 8 ], [ (0) x 8 ], 'deleted on httpd1, gone from httpd2\'s listing');
