# The catalog cache's figures: a product read twice on one connection (so by one
# child) is a miss, then a hit; the children's cache bytes hold its answer.
use strict;
use warnings;
use Apache::Test qw(-withtestmore);
use LWP::UserAgent;
use ShopTest;
use ShopMetrics;

plan tests => 5;

my $id = new_product();
my $ua = LWP::UserAgent->new(keep_alive => 1, timeout => 30);
Apache::TestRequest::module('shop_product');
my $url = Apache::TestRequest::resolve_url("/products/$id");
my $figures = sub { my $m = metrics('shop_product');
                    map { metric($m, "shop_catalog_cache_$_") } qw(misses_total hits_total bytes) };

my ($misses, $hits) = $figures->();
my $first = $ua->get($url);
is($first->code, 200, 'the product is read');
my ($misses1, $hits1, $bytes1) = $figures->();
is_deeply([$misses1 - $misses, $hits1 - $hits], [1, 0], 'the first read is a miss');
cmp_ok($bytes1, '>=', length($first->content), 'the cache bytes hold at least its answer');
is($ua->get($url)->code, 200, 'read again on the same connection');
my ($misses2, $hits2) = $figures->();
is_deeply([$misses2 - $misses1, $hits2 - $hits1], [0, 1], 'the second read is a hit');
