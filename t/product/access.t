# Who may call the catalog (conf/product.conf): reads are public, with or
# without a token; every write route (products, categories, uploads) answers
# an anonymous caller or a bad token 401 JSON and a signed-in user 403 JSON,
# changing nothing; an admin's calls succeed.
use strict;
use warnings;
use Apache::Test qw(-withtestmore);
use JSON::PP ();
use ShopTest;

my $json = JSON::PP->new->utf8->canonical;
my $admin = catalog_admin();
my ($user) = catalog_user();
my $category = catalog_category($admin);
my $slug = $category->{slug};
my ($code, $body, $res);
my $intruders = "intruders-" . unique_tag();

($code, $body) = request_json('shop_product', 'POST', '/products', token => $admin,
                              json => catalog_product_body($slug));
is($code, 201, 'the admin creates a product to aim at');
my $product = $body;
my $id = $product->{id};
my $png = catalog_png(2, 2);

sub snapshot {
    return $json->encode([sql("select row_to_json(p)::text from product p where category_slug = :'p1' order by id",
                              $slug),
                          sql("select row_to_json(c)::text from category c where id = :'p1'", $category->{id}),
                          sql("select count(*) from category")]);
}
my $before = snapshot();
my $products_before = sql_value('select count(*) from product');
my $outbox_before = sql_value('select max(id) from outbox') // 0;

my @writes = (
    ['POST',   '/products',                json => catalog_product_body($slug)],
    ['PUT',    "/products/$id",            json => { name => 'Taken over' }],
    ['DELETE', "/products/$id"],
    ['POST',   '/categories',              json => { name => 'Intruders', slug => $intruders }],
    ['PUT',    "/categories/$category->{id}", json => { name => 'Taken over' }],
    ['DELETE', "/categories/$category->{id}"],
    ['POST',   '/uploads',                 content => $png, headers => ['Content-Type' => 'image/png']],
);

for my $call (@writes) {
    my ($method, $path, @opt) = @$call;
    for my $who (['anonymous', 401, 'authentication required'],
                 ['a malformed token', 401, 'authentication required', token => 'not.a.jwt'],
                 ['a forged token', 401, 'authentication required',
                  token => join('.', b64url_encode('{"alg":"none","typ":"JWT"}'),
                                b64url_encode('{"sub":"x","role":"admin","exp":9999999999}'), '')],
                 ['a user', 403, 'forbidden: requires role admin', token => $user]) {
        my ($what, $status, $message, @auth) = @$who;
        ($code, $body, $res) = request_json('shop_product', $method, $path, @opt, @auth);
        is($code, $status, "$what: $method $path: $status");
        like($res->header('Content-Type') // '', qr{^application/json}, "$what: $method $path: JSON");
        if ($status == 403 || $what eq 'anonymous') {
            is($body->{message}, $message, "$what: $method $path: \"$message\"");
        }
        else {
            ok(length($body->{message} // ''), "$what: $method $path: a message") or diag($res->content);
        }
    }
}

is(snapshot(), $before, 'the refused writes changed no product or category');
is(sql_value('select count(*) from product'), $products_before, '... created no product');
is(sql_value("select count(*) from outbox where id > :'p1' and topic = 'product-events'", $outbox_before), 0,
   '... and wrote no product event');
is(sql_value("select count(*) from category where slug = :'p1'", $intruders), 0, '... nor a category');

# ---- reads are public -------------------------------------------------------------------

for my $path ('/products', "/products/$id", "/products?category=$slug&sort=asc", '/categories') {
    for my $who (['anonymous'], ['a user', token => $user], ['an admin', token => $admin],
                 ['a malformed token', token => 'not.a.jwt']) {
        my ($what, @auth) = @$who;
        ($code, $body) = request_json('shop_product', 'GET', $path, @auth);
        is($code, 200, "$what: GET $path: 200");
    }
}
($code, $body, $res) = request_json('shop_product', 'OPTIONS', '/products');
is($code, 204, 'anonymous OPTIONS /products: 204');
like($res->header('Allow') // '', qr/\bPOST\b/, '... Allow names POST');

# ---- the admin may do each -----------------------------------------------------------------

my %ok = ('POST /products' => 201, "PUT /products/$id" => 200, "DELETE /products/$id" => 204,
          'POST /categories' => 201, "PUT /categories/$category->{id}" => 200,
          "DELETE /categories/$category->{id}" => 204, 'POST /uploads' => 201);
# the category can go only once its products are gone: delete the product POST made first
my $new_product;
for my $call (@writes) {
    my ($method, $path, @opt) = @$call;
    if ($method eq 'DELETE' && $path =~ m{^/categories/} && $new_product) {
        request_json('shop_product', 'DELETE', "/products/$new_product", token => $admin);
    }
    ($code, $body, $res) = request_json('shop_product', $method, $path, @opt, token => $admin);
    is($code, $ok{"$method $path"}, "admin: $method $path: $ok{\"$method $path\"}") or diag($res->content);
    $new_product = $body->{id} if $method eq 'POST' && $path eq '/products';
}
is(sql_value("select count(*) from product where id = :'p1'", $id), 0, 'the admin\'s DELETE removed the product');
is(sql_value("select count(*) from category where id = :'p1'", $category->{id}), 0, '... and the category');

done_testing();
