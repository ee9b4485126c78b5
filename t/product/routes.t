# The catalog's routes with an admin: categories are created, listed, renamed
# (a new slug carries its products along), refused when the slug is taken and
# deleted only when empty; products are created, read, updated partially and
# deleted, every answer checked against the row in PostgreSQL. The list is
# checked for every combination of sort, search, limit and offset within a
# category of this run, against the order computed here; category=all is no
# filter; bad parameters are 400.
use strict;
use warnings;
use Apache::Test qw(-withtestmore);
use URI::Escape qw(uri_escape_utf8);
use Time::HiRes ();
use ShopTest;

my $admin = catalog_admin();
my $tag = unique_tag();
my ($code, $body, $res);

my @product_keys = sort qw(id name shortDescription description price sizes colors images
                           categorySlug createdAt updatedAt);
my $time_re = qr/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

sub product_row {
    my ($id) = @_;
    my ($row) = sql("select name, short_description, description, price_minor, array_to_string(sizes, ','),"
                    . " array_to_string(colors, ','), images::text, category_slug from product where id = :'p1'",
                    $id);
    return $row;
}
sub product_count { sql_value("select count(*) from product where category_slug = :'p1'", $_[0]) }
sub ids { [map { $_->{id} } @{ ref $_[0] eq 'ARRAY' ? $_[0] : [] }] }

# ---- categories ----------------------------------------------------------------------

my $slug = "routes-$tag";
($code, $body, $res) = request_json('shop_product', 'POST', '/categories', token => $admin,
                                    json => { name => "Routes $tag", slug => $slug });
is($code, 201, 'POST /categories: 201');
like($res->header('Content-Type') // '', qr{^application/json}, '... JSON');
is_deeply([sort keys %{ $body || {} }], [qw(id name slug)], '... {id, name, slug}');
is($body->{name}, "Routes $tag", '... with the name');
is($body->{slug}, $slug, '... and the slug');
like($body->{id} // '', qr/^\d+$/, '... and a numeric id');
my $category = $body;
is_deeply([sql("select name, slug from category where id = :'p1'", $category->{id})], [["Routes $tag", $slug]],
          'the category row is in PostgreSQL');

($code, $body) = request_json('shop_product', 'GET', '/categories');
is($code, 200, 'GET /categories, anonymous: 200');
is_deeply([grep { $_->{id} == $category->{id} } @{ $body || [] }], [$category], '... lists the new category');
is(scalar @{ $body || [] }, sql_value('select count(*) from category'), '... and every category in the table');

($code, $body, $res) = request_json('shop_product', 'POST', '/categories', token => $admin,
                                    json => { name => 'Same slug', slug => $slug });
is($code, 409, 'POST /categories with a taken slug: 409');
like($body->{message} // '', qr/slug/, '... JSON message about the slug');
is(sql_value("select count(*) from category where slug = :'p1'", $slug), 1, '... and no second row');

($code, $body) = request_json('shop_product', 'PUT', "/categories/$category->{id}", token => $admin,
                              json => { name => "Renamed $tag" });
is($code, 200, 'PUT /categories/:id with a new name: 200');
is_deeply($body, { id => $category->{id}, name => "Renamed $tag", slug => $slug }, '... the renamed category');
is(sql_value("select name from category where id = :'p1'", $category->{id}), "Renamed $tag", '... in the row too');
($code, $body) = request_json('shop_product', 'GET', '/categories');
is_deeply([grep { $_->{id} == $category->{id} } @{ $body || [] }],
          [{ id => $category->{id}, name => "Renamed $tag", slug => $slug }], 'GET /categories shows the new name');

my $other = catalog_category($admin, "Other $tag");
($code, $body) = request_json('shop_product', 'PUT', "/categories/$other->{id}", token => $admin,
                              json => { slug => $slug });
is($code, 409, 'PUT /categories/:id to a taken slug: 409');
is(sql_value("select slug from category where id = :'p1'", $other->{id}), $other->{slug}, '... the slug is unchanged');

for my $id ('999999999', 'abc', '0', '-1') {
    ($code, $body) = request_json('shop_product', 'PUT', "/categories/$id", token => $admin,
                                  json => { name => 'Nobody' });
    is($code, 404, "PUT /categories/$id: 404");
    ($code, $body) = request_json('shop_product', 'DELETE', "/categories/$id", token => $admin);
    is($code, 404, "DELETE /categories/$id: 404");
    ok(defined $body->{message}, '... with a JSON message');
}

my $empty = catalog_category($admin);
($code, $body, $res) = request_json('shop_product', 'DELETE', "/categories/$empty->{id}", token => $admin);
is($code, 204, 'DELETE /categories/:id of an empty category: 204');
is($res->content, '', '... no body');
is(sql_value("select count(*) from category where id = :'p1'", $empty->{id}), 0, '... the row is gone');
($code, $body) = request_json('shop_product', 'GET', '/categories');
ok(!grep({ $_->{id} == $empty->{id} } @{ $body || [] }), '... and it is no longer listed');
($code) = request_json('shop_product', 'DELETE', "/categories/$empty->{id}", token => $admin);
is($code, 404, 'DELETE it again: 404');

# ---- products: create, read, update, delete -------------------------------------------

my $sent = catalog_product_body($slug, price => 39.9, sizes => ['s', '42'], colors => ['green', 'black'],
                                images => { green => '/uploads/g.png', black => 'https://img.example/b.jpg' });
($code, $body, $res) = request_json('shop_product', 'POST', '/products', token => $admin, json => $sent);
is($code, 201, 'POST /products: 201');
like($res->header('Content-Type') // '', qr{^application/json}, '... JSON');
is_deeply([sort keys %{ $body || {} }], \@product_keys, '... with exactly the product fields');
like($body->{id} // '', qr/^\d+$/, '... a numeric id');
is_deeply({ map { $_ => $body->{$_} } keys %$sent }, $sent, '... and the fields as sent');
like($res->content, qr/"price"\s*:\s*39\.90?\s*[,}]/, '... the price a JSON number in major units: 39.9');
like($body->{createdAt} // '', $time_re, '... createdAt in RFC 3339 UTC');
is($body->{updatedAt}, $body->{createdAt}, '... updatedAt equal to createdAt');
my $created = $body;
my $id = $created->{id};
is_deeply(product_row($id), [$sent->{name}, $sent->{shortDescription}, $sent->{description}, 3990, 's,42',
                             'green,black', '{"black": "https://img.example/b.jpg", "green": "/uploads/g.png"}',
                             $slug], 'the row holds every field, price 3990 minor units');

($code, $body, $res) = request_json('shop_product', 'GET', "/products/$id");
is($code, 200, 'GET /products/:id, anonymous: 200');
like($res->header('Content-Type') // '', qr{^application/json}, '... JSON');
is_deeply($body, $created, '... the product as created');

Time::HiRes::sleep(0.02);
($code, $body) = request_json('shop_product', 'PUT', "/products/$id", token => $admin,
                              json => { price => 12.5, name => "Renamed $tag" });
is($code, 200, 'PUT /products/:id with name and price only: 200');
is($body->{price}, 12.5, '... the new price');
is($body->{name}, "Renamed $tag", '... the new name');
is_deeply({ map { $_ => $body->{$_} } grep { !/^(price|name|updatedAt)$/ } keys %$created },
          { map { $_ => $created->{$_} } grep { !/^(price|name|updatedAt)$/ } keys %$created },
          '... every other field unchanged');
ok(($body->{updatedAt} // '') gt $created->{updatedAt}, '... updatedAt moved on');
is_deeply([@{ product_row($id) }[0, 3]], ["Renamed $tag", 1250], 'the row has the new name and 1250 minor units');
my $updated = $body;
($code, $body) = request_json('shop_product', 'GET', "/products/$id");
is_deeply($body, $updated, 'GET /products/:id shows the update');

($code, $body) = request_json('shop_product', 'PUT', "/products/$id", token => $admin,
                              json => { sizes => ['xs', 'xxl', '48'], description => 'Changed.' });
is($code, 200, 'PUT sizes and description: 200');
is_deeply($body->{sizes}, ['xs', 'xxl', '48'], '... the new sizes');
is($body->{description}, 'Changed.', '... the new description');
is_deeply([@$body{qw(name price colors images)}], [@$updated{qw(name price colors images)}], '... the rest kept');

($code, $body) = request_json('shop_product', 'PUT', "/products/$id", token => $admin,
                              json => { colors => ['white'], images => { white => '/uploads/w.png' } });
is($code, 200, 'PUT new colors with their images: 200');
is_deeply([$body->{colors}, $body->{images}], [['white'], { white => '/uploads/w.png' }],
          '... colors and images replaced');

($code, $body) = request_json('shop_product', 'PUT', "/products/$id", token => $admin,
                              json => { categorySlug => $other->{slug} });
is($code, 200, 'PUT another category: 200');
is($body->{categorySlug}, $other->{slug}, '... the product moved');
($code, $body) = request_json('shop_product', 'GET', '/products?category=' . $other->{slug});
is_deeply(ids($body), [$id], '... and is listed in the other category');
($code, $body) = request_json('shop_product', 'GET', "/products?category=$slug");
is_deeply(ids($body), [], '... and no longer in the first');

for my $bad ('999999999', 'abc', '0', '-3', '1.5', '') {
    my $path = "/products/$bad";
    ($code, $body, $res) = request_json('shop_product', 'PUT', $path, token => $admin, json => { name => 'Ghost' });
    next if $bad eq '' && $code == 405;                  # /products/ is not an id
    is($code, 404, "PUT $path: 404");
    like($res->header('Content-Type') // '', qr{^application/json}, '... JSON');
}
for my $bad ('999999999', 'abc', '0', '1.5', '2147483648') {
    ($code, $body, $res) = request_json('shop_product', 'GET', "/products/$bad");
    is($code, 404, "GET /products/$bad: 404");
    ok(defined $body->{message}, '... with a JSON message');
}

($code, $body) = request_json('shop_product', 'DELETE', "/categories/$other->{id}", token => $admin);
is($code, 409, 'DELETE a category that still has a product: 409');
ok(defined $body->{message}, '... with a JSON message');
is(sql_value("select count(*) from category where id = :'p1'", $other->{id}), 1, '... the category stays');
is(product_count($other->{slug}), 1, '... and so does its product');

# a new slug carries the category's products along
my $moved = "moved-$tag";
($code, $body) = request_json('shop_product', 'PUT', "/categories/$other->{id}", token => $admin,
                              json => { slug => $moved });
is($code, 200, 'PUT a new slug on a category with a product: 200');
is($body->{slug}, $moved, '... the new slug');
($code, $body) = request_json('shop_product', 'GET', "/products/$id");
is($body->{categorySlug}, $moved, 'the product now names the new slug');
($code, $body) = request_json('shop_product', 'GET', "/products?category=$moved");
is_deeply(ids($body), [$id], '... and is listed under it');

($code, $body, $res) = request_json('shop_product', 'DELETE', "/products/$id", token => $admin);
is($code, 204, 'DELETE /products/:id: 204');
is($res->content, '', '... no body');
is(sql_value("select count(*) from product where id = :'p1'", $id), 0, '... the row is gone');
($code, $body) = request_json('shop_product', 'GET', "/products/$id");
is($code, 404, 'GET it afterwards: 404');
is($body->{message}, 'no such product', '... no such product');
($code) = request_json('shop_product', 'DELETE', "/products/$id", token => $admin);
is($code, 404, 'DELETE it again: 404');
($code) = request_json('shop_product', 'DELETE', "/categories/$other->{id}", token => $admin);
is($code, 204, 'now empty, its category can be deleted: 204');

($code, $body, $res) = request_json('shop_product', 'PATCH', '/products/1', token => $admin, content => '{}');
is($code, 405, 'PATCH /products/:id: 405');
like($res->header('Allow') // '', qr/\bPUT\b/, '... Allow names PUT');
($code, $body) = request_json('shop_product', 'GET', '/products/1/extra');
is($code, 404, 'GET /products/1/extra: 404');
ok(defined $body->{message}, '... JSON');

# ---- the list: every sort, search, limit and offset -------------------------------------

my $list = "list-$tag";
($code) = request_json('shop_product', 'POST', '/categories', token => $admin,
                       json => { name => "List $tag", slug => $list });
is($code, 201, 'a category for the list');
my @specs = (["$tag Alpha Shirt", 25], ["$tag beta SHIRT", 9.99], ["$tag Gamma Pants", 120],
             ["$tag delta shirt long", 49.5], ["$tag Epsilon Hat", 5], ["$tag Zeta ShIrT", 75.25]);
my @made;                                    # in creation order
for my $spec (@specs) {
    ($code, $body) = request_json('shop_product', 'POST', '/products', token => $admin,
                                  json => catalog_product_body($list, name => $spec->[0], price => $spec->[1]));
    push @made, $body if $code == 201;
    Time::HiRes::sleep(0.005);
}
is(scalar @made, 6, 'six products in it');
is(product_count($list), 6, '... six rows');

my %order = (
    newest => sub { sort { $b->{id} <=> $a->{id} } @_ },
    oldest => sub { sort { $a->{id} <=> $b->{id} } @_ },
    asc    => sub { sort { $a->{price} <=> $b->{price} } @_ },
    desc   => sub { sort { $b->{price} <=> $a->{price} } @_ },
);
for my $sort (undef, qw(newest oldest asc desc)) {
    for my $search (undef, 'shirt', 'SHIRT', 'ShIrT long', 'nothing like it') {
        my @all = $order{ $sort // 'newest' }->(grep { !defined $search || index(lc $_->{name}, lc $search) >= 0 } @made);
        for my $page ([undef, undef], [2, 0], [2, 2], [2, 4], [3, 1], [100, 0], [1, 5], [5, 10], [undef, 3], [4, undef]) {
            my ($limit, $offset) = @$page;
            my @query = ("category=$list");
            push @query, "sort=$sort" if defined $sort;
            push @query, 'search=' . uri_escape_utf8($search) if defined $search;
            push @query, "limit=$limit" if defined $limit;
            push @query, "offset=$offset" if defined $offset;
            my $from = $offset // 0;
            my $to = $from + ($limit // 100) - 1;
            $to = $#all if $to > $#all;
            my @want = map { $_->{id} } @all[$from .. $to];
            my $path = '/products?' . join('&', @query);
            ($code, $body) = request_json('shop_product', 'GET', $path);
            is_deeply([$code, ids($body)], [200, \@want], "GET $path");
        }
    }
}

($code, $body) = request_json('shop_product', 'GET', "/products?category=$list&sort=oldest");
is_deeply($body, \@made, 'the list holds the products exactly as created');
($code, $body) = request_json('shop_product', 'GET', '/products?sort=asc&search=' . uri_escape_utf8(uc $tag));
is_deeply(ids($body), [map { $_->{id} } $order{asc}->(@made)],
          'search alone (no category, upper case) finds the products named with it, by price');
($code, $body) = request_json('shop_product', 'GET', '/products?sort=desc&limit=2&offset=1&search=' . $tag);
is_deeply(ids($body), [map { $_->{id} } ($order{desc}->(@made))[1, 2]], '... with sort desc, limit and offset too');
# a browser's form encoding: '+' is a space, %2B a plus
($code, $body) = request_json('shop_product', 'GET', "/products?category=$list&search=ShIrT+long");
is_deeply(ids($body), [map { $_->{id} } grep { $_->{name} =~ /shirt long/i } @made],
          "search=ShIrT+long finds 'shirt long' ('+' is a space, as browsers send it)");
($code, $body) = request_json('shop_product', 'GET', "/products?category=$list&search=shirt%2Blong");
is_deeply([$code, $body], [200, []], '... and search=shirt%2Blong looks for a plus');
# category=all (the seed's "All" button) is no filter: the same as no category
for my $query ("sort=asc&search=$tag", "sort=oldest&limit=5", 'limit=3&offset=2') {
    my ($want_code, $want) = request_json('shop_product', 'GET', "/products?$query");
    ($code, $body) = request_json('shop_product', 'GET', "/products?category=all&$query");
    is($code, 200, "GET /products?category=all&$query: 200");
    is_deeply(ids($body), ids($want), '... the products of every category, as without category');
}
is(scalar @{ ids($body) }, 3, '... (a page of 3 products, not an empty list)');
($code, $body) = request_json('shop_product', 'GET', "/products?category=all&sort=asc&search=$tag");
is_deeply(ids($body), [map { $_->{id} } $order{asc}->(@made)], 'category=all with search finds this run\'s products');
($code, $body) = request_json('shop_product', 'GET', "/products?category=no-such-$tag");
is_deeply([$code, $body], [200, []], 'an unknown category: 200 []');
($code, $body) = request_json('shop_product', 'GET', "/products?category=$list&offset=1000000");
is_deeply([$code, $body], [200, []], 'an offset past the end: 200 []');

($code, $body) = request_json('shop_product', 'GET', '/products');
is($code, 200, 'GET /products: 200');
my $total = sql_value('select count(*) from product');
is(scalar @{ $body || [] }, $total < 100 ? $total : 100, '... at most 100 products by default');
my @created = map { $_->{createdAt} } @{ $body || [] };
is_deeply(\@created, [sort { $b cmp $a } @created], '... newest first');

# equal prices: pages never repeat nor skip a product
my $ties = "ties-$tag";
request_json('shop_product', 'POST', '/categories', token => $admin, json => { name => "Ties $tag", slug => $ties });
my @tied;
for (1 .. 4) {
    ($code, $body) = request_json('shop_product', 'POST', '/products', token => $admin,
                                  json => catalog_product_body($ties, price => 10));
    push @tied, $body->{id};
}
for my $sort (qw(asc desc)) {
    my @seen;
    for my $offset (0 .. 3) {
        ($code, $body) = request_json('shop_product', 'GET', "/products?category=$ties&sort=$sort&limit=1&offset=$offset");
        push @seen, @{ ids($body) };
    }
    is_deeply([sort { $a <=> $b } @seen], [sort { $a <=> $b } @tied],
              "four equal prices, sort=$sort one per page: each product exactly once");
}

# ---- bad parameters ---------------------------------------------------------------------

for my $query (qw(sort=price sort=ASC sort=cheapest limit=0 limit=101 limit=-1 limit=abc limit=1.5 limit=
                  offset=-1 offset=abc offset=1.5), 'limit=10%3Bdrop', 'sort=asc%3Bdrop') {
    ($code, $body, $res) = request_json('shop_product', 'GET', "/products?category=$list&$query");
    is($code, 400, "GET /products?$query: 400");
    like($res->header('Content-Type') // '', qr{^application/json}, '... JSON');
    ok(length($body->{message} // ''), '... with a message');
}
($code) = request_json('shop_product', 'GET', "/products?category=$list&limit=100&offset=0");
is($code, 200, 'limit=100 is allowed');
($code) = request_json('shop_product', 'GET', "/products?category=$list&limit=1");
is($code, 200, 'limit=1 is allowed');

done_testing();
