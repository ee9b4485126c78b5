# Pages deep in a long list (offset 200 and more) are cut from the list's whole order,
# which mod_shop_product reads once per catalog version and caches: in a category of
# 2,500 products with ties on price and on created_at, every sort, without and with a
# search, gives at offsets on both sides of the middle, near the end and past it the
# pages of the order PostgreSQL computes here. A product added in SQL (the trigger
# tells every child) moves the deep pages at once: the order kept for the old catalog
# version is not used for the new one.
use strict;
use warnings;
use Apache::Test qw(-withtestmore);
use ShopTest;

my $slug = 'deep-' . unique_tag();
my $N = 2500;
my %order = (newest => 'created_at desc, id desc', oldest => 'created_at, id',
             asc => 'price_minor, id', desc => 'price_minor desc, id desc');

sql("insert into category (name, slug) values (:'p1', :'p1')", $slug);
sql("insert into product (name, short_description, description, price_minor, sizes, colors,"
    . " images, category_slug, created_at)"
    . " select 'Deep ' || case when i % 2 = 0 then 'even' else 'odd' end || ' ' || i, 's', 'd',"
    . " 100 + i % 37, '{m}', '{blue}', '{}', :'p1',"
    . " timestamptz '2026-01-01' + (i % 400) * interval '1 second'"
    . " from generate_series(1, $N) i", $slug);

# the ids of the category in a sort's order, those whose name holds search
sub expected {
    my ($sort, $search) = @_;
    return [map { $_->[0] } sql("select id from product where category_slug = :'p1'"
                                . " and lower(name) like :'p2' order by $order{$sort}",
                                $slug, "%$search%")];
}

# [status, ids] of GET /products in the category with query
sub page {
    my ($query) = @_;
    my ($code, $body) = request_json('shop_product', 'GET', "/products?category=$slug&$query");
    return [$code, [map { $_->{id} } @{ ref $body eq 'ARRAY' ? $body : [] }]];
}

for my $sort (sort keys %order) {
    for my $search ('', 'odd') {
        my $all = expected($sort, $search);
        my $n = @$all;
        for my $page ([100, 150], [1, 199], [3, 200], [100, 999], [100, 1000], [7, 1200], [100, $n / 2], [100, $n - 150],
                      [100, $n - 100], [37, $n - 20], [100, $n - 1], [100, $n], [5, $n + 10]) {
            my ($limit, $offset) = @$page;
            my $want = [@$all[grep { $_ < $n } $offset .. $offset + $limit - 1]];
            is_deeply(page("sort=$sort&limit=$limit&offset=$offset&search=$search"), [200, $want],
                      "$n products, sort=$sort search='$search' limit=$limit offset=$offset");
        }
    }
}

# a product older than all: the last of sort=newest, so the last page moves by one
my $deep = "sort=newest&limit=100&offset=" . ($N - 99);
is_deeply(page($deep), [200, [@{ expected('newest', '') }[$N - 99 .. $N - 1]]],
          "offset $N - 99 before the change: the last 99");
sql("insert into product (name, short_description, description, price_minor, sizes, colors,"
    . " images, category_slug, created_at)"
    . " values ('Deep oldest', 's', 'd', 100, '{m}', '{blue}', '{}', :'p1', '2025-01-01')", $slug);
my $all = expected('newest', '');
my $want = [200, [@$all[$N - 99 .. $N]]];
wait_for(10, sub { my $got = page($deep); "@{ $got->[1] }" eq "@{ $want->[1] }" });
is_deeply(page($deep), $want, '... after a product was added in SQL: the last 100, the new one last');
is($want->[1][-1], sql_value("select id from product where name = 'Deep oldest' and category_slug = :'p1'", $slug),
   '... (which is the one added)');

sql("delete from product where category_slug = :'p1'", $slug);
sql("delete from category where slug = :'p1'", $slug);

done_testing();
