# Requests are counted by service, route pattern and status in memory shared by
# all children: N requests on N connections add exactly N; a 404 and a 401 are
# counted with their status; the latency histogram counts them too.
use strict;
use warnings;
use Apache::Test qw(-withtestmore);
use ShopTest;
use ShopMetrics;

plan tests => 6;

my $N = 25;
my $id = new_product();
ok($id, 'a product to read');

my %route = (service => 'product', method => 'GET', route => '/products/:id', status => 200);
my $before = metrics('shop_product');
my @codes = map { (request_json('shop_product', 'GET', "/products/$id"))[0] } 1 .. $N;
is_deeply([grep { $_ != 200 } @codes], [], "$N reads on $N connections");
my $after = metrics('shop_product');
is(metric($after, 'shop_http_requests_total', %route) - metric($before, 'shop_http_requests_total', %route),
   $N, 'GET /products/:id 200 grew by exactly N, whichever child served them');
cmp_ok(metric($after, 'shop_http_request_duration_seconds_count', service => 'product')
       - metric($before, 'shop_http_request_duration_seconds_count', service => 'product'),
       '>=', $N, 'and the latency histogram counted them');

my %missing = (service => 'product', route => 'none', status => 404);
my %refused = (service => 'order', route => 'none', status => 401);
$before = metrics('shop_product');
request_json('shop_product', 'GET', '/no-such-route');
request_json('shop_order', 'GET', '/user-orders');
$after = metrics('shop_order');
is(metric($after, 'shop_http_requests_total', %missing) - metric($before, 'shop_http_requests_total', %missing),
   1, 'a 404 is counted with its status');
is(metric($after, 'shop_http_requests_total', %refused) - metric($before, 'shop_http_requests_total', %refused),
   1, 'a 401 (refused before the handler) is counted for its service');
