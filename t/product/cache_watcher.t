# A child whose watcher is disconnected from PostgreSQL serves nothing from its
# cache: on a catalog server of 4 children (one thread each), all of which have a
# product and a list cached, stopping PostgreSQL turns every answer into 503, not
# a cached 200; once it is started again, a change made in SQL shows on every child.
use strict;
use warnings;
use Apache::Test qw(-withtestmore);
use JSON::PP ();
use ShopTest;
use ShopCatalogServer;

my $server = ShopCatalogServer->new(children => 4, threads => 1);
my $admin = catalog_admin();
my $slug = catalog_category($admin)->{slug};
my $tag = unique_tag();
my ($code, $product) = request_json('shop_product', 'POST', $server->url('/products'), token => $admin,
                                    json => catalog_product_body($slug, name => "Watched $tag"));
die "POST /products: $code\n" unless $code == 201;
my $path = "/products/$product->{id}";
my $list = "/products?category=$slug";
my $json = JSON::PP->new->utf8;
sub codes { join ',', sort keys %{ { map { $_->{code} => 1 } @_ } } }
sub names { join ',', sort keys %{ { map { (eval { $json->decode($_->{content})->{name} } // '') => 1 } @_ } } }

$server->each_child($list, 'warm');
my @each = $server->each_child($path, 'warm');
is_deeply([codes(@each), names(@each)], ['200', "Watched $tag"], 'every child has the product cached');
is(scalar(my @pids = $server->pids('warm')), 4, '... each of the 4 children');

my $started = 0;
my $guard = bless sub { stack('start', 'postgres') unless $started }, 'ShopTest::Guard';    # if we die
stack('stop', 'postgres');
ok(wait_for(10, sub { codes($server->each_child($path, 'down')) eq '503' }),
   'PostgreSQL stopped: every child answers the product with 503, none from its cache');
is(codes($server->each_child($list, 'down')), '503', '... and the list');
stack('start', 'postgres');
$started = 1;
sql("update product set name = :'p1' where id = :'p2'", "Changed $tag", $product->{id});
ok(wait_for(15, sub { my @m = $server->each_child($path, 'up'); codes(@m) eq '200' && names(@m) eq "Changed $tag" }),
   'PostgreSQL started and the product changed in SQL: every child shows the change');
# the list's statement is prepared per connection: the connections PostgreSQL's
# restart broke prepare it again
my @lists = $server->each_child($list, 'up-list');
is_deeply([codes(@lists), scalar(grep { $_->{content} =~ /"Changed \Q$tag\E"/ } @lists)], ['200', 4],
          '... and the list, on every child');
done_testing();
