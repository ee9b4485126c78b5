# The catalog cache of a child is bounded in bytes (ShopProductCacheSize) and
# evicts the least recently used answers first, not everything at once. On a
# catalog server with one child and a 64K cache: a product is inserted behind the
# cache's back, so a cached answer lacks it and a fresh one has it. After about
# 100K of other answers, a list read between each of them is still cached (it
# lacks the product) while one read only before them was evicted (it has it).
use strict;
use warnings;
use Apache::Test qw(-withtestmore);
use ShopTest;
use ShopCatalogServer;

my $server = ShopCatalogServer->new(children => 1, threads => 2, conf => 'ShopProductCacheSize 64K');
my $admin = catalog_admin();
my $slug = catalog_category($admin)->{slug};
my $tag = unique_tag();

sub ids {
    my ($code, $body) = request_json('shop_product', 'GET', $server->url($_[0]));
    return $code == 200 ? join(',', map { $_->{id} } @$body) : "status $code";
}

for my $n (1 .. 20) {   # ~750 bytes each; written through the server, which knows the version at once
    my ($code) = request_json('shop_product', 'POST', $server->url('/products'), token => $admin,
                              json => catalog_product_body($slug, name => "Lru $n $tag"));
    die "POST /products: $code\n" unless $code == 201;
}
my $hot = "/products?category=$slug&limit=20";
my $cold = "/products?category=$slug&limit=19";
my $hot_ids = ids($hot);
my $cold_ids = ids($cold);
is(scalar(my @hot = split /,/, $hot_ids), 20, 'a list of 20 products (~15K) is cached');
sql_unnoticed("insert into product (name, short_description, description, price_minor, sizes, colors,"
              . " images, category_slug) values (:'p1', 's', 'd', 100, '{m}', '{red}',"
              . " '{\"red\": \"/r.png\"}', :'p2')", "Unnoticed $tag", $slug);
my $hidden = sql_value("select id from product where name = :'p1'", "Unnoticed $tag");
is(ids($cold), $cold_ids, 'another one (~14K) is cached: it lacks a product inserted unnoticed');

my $kept = 1;
for my $offset (1 .. 8) {       # 8 new answers of 12-15K each, the hot list read after each
    like(ids("/products?category=$slug&limit=20&offset=$offset"), qr/^\d/, "offset $offset: a new answer");
    $kept &&= ids($hot) eq $hot_ids;
}
ok($kept, 'the list read between them stayed cached (it still lacks the product)');
like(ids($cold), qr/^$hidden,/, 'the list read only before them was evicted: read again, it has the product');

sql("update product set name = name where id = :'p1'", $hidden);      # tell the caches
done_testing();
