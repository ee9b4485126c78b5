# The catalog cache keys a list by its parsed query, defaults applied: sort,
# category, search, limit, offset. Spellings of one query share one entry, and
# parameters the route does not know are ignored (left out of the key); a product
# is one entry whatever the spelling of its id. Seen on a catalog server with one
# child: a product inserted behind the cache's back (its catalog version unchanged)
# is missing from every spelling of a cached query, and present in a different one.
use strict;
use warnings;
use Apache::Test qw(-withtestmore);
use JSON::PP ();
use ShopTest;
use ShopCatalogServer;

my $server = ShopCatalogServer->new(children => 1, threads => 2);
my $admin = catalog_admin();
my $slug = catalog_category($admin)->{slug};
my $tag = unique_tag();

sub get { my ($code, $body) = request_json('shop_product', 'GET', $server->url($_[0])); ($code, $body) }
sub ids { my ($code, $body) = get($_[0]); $code == 200 ? join(',', map { $_->{id} } @$body) : "status $code" }

my @ids;
for my $n (1 .. 3) {     # written through the server itself: it knows the new version at once
    my ($code, $body) = request_json('shop_product', 'POST', $server->url('/products'), token => $admin,
                                     json => catalog_product_body($slug, name => "Key $n $tag"));
    die "POST /products: $code\n" unless $code == 201;
    unshift @ids, $body->{id};
}
my $cached = join ',', @ids;
is(ids("/products?category=$slug"), $cached, 'the list, cached: newest first');

sql_unnoticed("insert into product (name, short_description, description, price_minor, sizes, colors,"
              . " images, category_slug) values (:'p1', 's', 'd', 100, '{m}', '{red}',"
              . " '{\"red\": \"/r.png\"}', :'p2')", "Unnoticed $tag", $slug);
my $hidden = sql_value("select id from product where name = :'p1'", "Unnoticed $tag");
like(ids("/products?category=$slug&limit=99"), qr/^$hidden,/,
     'a product inserted unnoticed shows in a query not cached yet');

for my $query ("category=$slug&limit=100", "offset=0&limit=100&category=$slug",
               "sort=newest&category=$slug&offset=0&limit=100", "category=$slug&search=",
               "limit=0100&category=$slug", "category=$slug&x=1&utm_source=mail") {
    is(ids("/products?$query"), $cached, "?$query is the same entry (without it)");
}
is(ids("/products?category=$slug&sort=oldest"), join(',', reverse(@ids), $hidden),
   '?sort=oldest is another query (with it)');

my ($code, $body) = get("/products/$ids[0]");
is($body->{name}, "Key 3 $tag", "GET /products/$ids[0]");
sql_unnoticed("update product set name = 'Renamed unnoticed' where id = :'p1'", $ids[0]);
($code, $body) = get("/products/00$ids[0]");
is_deeply([$code, $body->{name}], [200, "Key 3 $tag"], "GET /products/00$ids[0] is the same entry");

sql("update product set name = name where id = :'p1'", $hidden);      # tell the caches
ok(wait_for(10, sub { ids("/products?category=$slug") eq "$hidden,$cached" }),
   'once the catalog version moves, every spelling shows it');
done_testing();
