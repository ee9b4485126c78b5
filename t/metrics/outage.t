# PostgreSQL stopped: a catalog read fails with 503 and shop_pg_errors_total
# grows; a refused write (a unique constraint: the taken slug) is not an error.
use strict;
use warnings;
use Apache::Test qw(-withtestmore);
use ShopTest;
use ShopMetrics;

plan tests => 5;

my $admin = catalog_admin();
my $slug = catalog_category($admin)->{slug};
my $errors = sub { metric(metrics('shop_product'), 'shop_pg_errors_total') };

my $before = $errors->();
my ($taken) = request_json('shop_product', 'POST', '/categories', token => $admin,
                           json => { name => 'Again', slug => $slug });
is($taken, 409, 'a taken slug is 409');
is($errors->(), $before, 'and no PostgreSQL error');

stack('stop', 'postgres');
my $restarted;
my $guard = bless sub { stack('start', 'postgres') unless $restarted }, 'ShopTest::Guard';
my ($code) = request_json('shop_product', 'GET', '/products?search=' . unique_tag());
is($code, 503, 'a catalog read is 503 while PostgreSQL is down');
cmp_ok($errors->(), '>', $before, 'shop_pg_errors_total grew');
stack('start', 'postgres');
$restarted = 1;
ok(wait_for(30, sub { (get_json('shop_product', '/health'))[0] == 200 }), 'PostgreSQL is back');
