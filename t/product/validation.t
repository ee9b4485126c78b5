# Product and category writes refuse what the admin form would refuse: a color
# without an image (400 naming missingColors), a size or color outside the
# allowed sets, an unknown category (fields.categorySlug "no such category"), a
# shortDescription over 60 characters, a price of 0, below 0, with three
# decimals or as a string, fields of the wrong type, malformed JSON, a JSON array
# and a body over 64K (413, with Content-Length or chunked). Unknown fields are
# ignored. No refused write leaves a row in PostgreSQL or an event in the outbox;
# a refused PUT changes nothing. A category may not take the slug "all" (category=all
# lists every product).
use strict;
use warnings;
use Apache::Test qw(-withtestmore);
use JSON::PP ();
use ShopTest;

my $json = JSON::PP->new->utf8->canonical;
my $admin = catalog_admin();
my $slug = catalog_category($admin)->{slug};
my ($code, $body, $res);

sub rows { sql_value("select count(*) from product where category_slug = :'p1'", $slug) }
sub events {
    sql_value("select count(*) from outbox where topic = 'product-events'"
              . " and payload->'data'->>'categorySlug' = :'p1'", $slug);
}
sub post { request_json('shop_product', 'POST', '/products', token => $admin, @_) }

# ---- one bad field at a time ------------------------------------------------------

my @cases = (
    ['a color without an image', { colors => ['blue', 'red', 'green'],
                                   images => { blue => '/uploads/b.png' } }, 'images'],
    ['an image given as null', { images => { blue => '/uploads/b.png', red => undef } }, 'images'],
    ['a size outside the set', { sizes => ['m', 'xxxl'] }, 'sizes'],
    ['a numeric size outside 34..48', { sizes => ['49'] }, 'sizes'],
    ['a size as a number', { sizes => [42] }, 'sizes'],
    ['a color outside the set', { colors => ['blue', 'magenta'],
                                  images => { blue => '/a.png', magenta => '/b.png' } }, 'colors'],
    ['a color in upper case', { colors => ['Blue'], images => { Blue => '/a.png' } }, 'colors'],
    ['no sizes', { sizes => [] }, 'sizes'],
    ['no colors', { colors => [], images => {} }, 'colors'],
    ['sizes as a string', { sizes => 'm' }, 'sizes'],
    ['colors as an object', { colors => { blue => 1 } }, 'colors'],
    ['images as an array', { images => ['/uploads/b.png', '/uploads/r.png'] }, 'images'],
    ['an image URL that is not a URL', { images => { blue => 'javascript:alert(1)', red => '/r.png' } }, 'images'],
    ['an image URL as a number', { images => { blue => 1, red => '/r.png' } }, 'images'],
    ['shortDescription of 61 characters', { shortDescription => 'x' x 61 }, 'shortDescription'],
    ['shortDescription of 61 non-ASCII characters', { shortDescription => "\x{e9}" x 61 }, 'shortDescription'],
    ['an empty name', { name => '' }, 'name'],
    ['a name as a number', { name => 123 }, 'name'],
    ['a name as an array', { name => ['Shirt'] }, 'name'],
    ['a description as true', { description => JSON::PP::true }, 'description'],
    ['a shortDescription as an object', { shortDescription => { text => 'x' } }, 'shortDescription'],
    ['price 0', { price => 0 }, 'price'],
    ['price -1', { price => -1 }, 'price'],
    ['price 1.999', { price => 1.999 }, 'price'],
    ['price 0.001', { price => 0.001 }, 'price'],
    ['price "10" as a string', { price => '10' }, 'price'],
    ['price true', { price => JSON::PP::true }, 'price'],
    ['price as an array', { price => [10] }, 'price'],
    ['a categorySlug as a number', { categorySlug => 5 }, 'categorySlug'],
);
for my $case (@cases) {
    my ($what, $over, $field) = @$case;
    my $product = catalog_product_body($slug, %$over);
    ($code, $body, $res) = post(json => $product);
    is($code, 400, "$what: 400");
    like($res->header('Content-Type') // '', qr{^application/json}, "$what: JSON");
    is($body->{message}, 'invalid fields', "$what: message invalid fields");
    ok(defined $body->{fields}{$field}, "$what: fields.$field says why")
        or diag($res->content);
    is(sql_value("select count(*) from product where name = :'p1'", $product->{name}), 0, "$what: no row");
}

($code, $body) = post(json => catalog_product_body($slug, colors => ['blue', 'red', 'green', 'pink'],
                                                   images => { red => '/uploads/r.png' }));
is_deeply($body->{missingColors}, ['blue', 'green', 'pink'], 'missingColors lists every color without an image');

($code, $body) = post(json => catalog_product_body("no-such-category-$$"));
is($code, 400, 'an unknown category: 400');
is_deeply($body->{fields}, { categorySlug => 'no such category' }, '... fields.categorySlug "no such category"');
($code, $body) = post(json => catalog_product_body("Not A Slug; drop table product"));
is($code, 400, 'a category that cannot be a slug: 400');
is_deeply($body->{fields}, { categorySlug => 'no such category' }, '... fields.categorySlug "no such category"');

# ---- several at once -----------------------------------------------------------------

($code, $body) = post(json => {});
is($code, 400, 'an empty object: 400');
# (images are checked against the colors, so without colors they need not be named)
is_deeply([sort grep { $_ ne 'images' } keys %{ $body->{fields} || {} }],
          [sort qw(name shortDescription description price sizes colors categorySlug)],
          '... naming every required field');
($code, $body) = post(json => { name => 'Only a name', price => 0, sizes => ['huge'] });
is_deeply([sort grep { /^(price|sizes)$/ } keys %{ $body->{fields} || {} }], [qw(price sizes)],
          'several bad fields: each is named');
($code, $body) = post(json => catalog_product_body($slug, name => undef));
is($code, 400, 'name null: 400');
ok(defined $body->{fields}{name}, '... naming name');

# ---- bodies that are not a product ---------------------------------------------------

for my $case (['malformed JSON', '{"name": "Shirt",'], ['a JSON array', '[{"name": "Shirt"}]'],
              ['a JSON string', '"Shirt"'], ['an empty body', ''], ['not JSON at all', 'name=Shirt'],
              ['a JSON object followed by garbage', '{"name": "Shirt"} x']) {
    my ($what, $content) = @$case;
    ($code, $body, $res) = post(content => $content);
    is($code, 400, "$what: 400");
    like($res->header('Content-Type') // '', qr{^application/json}, "$what: JSON");
    ok(length($body->{message} // ''), "$what: with a message");
}

# ---- sizes of the body ----------------------------------------------------------------

# a valid product padded with an unknown field to exactly SIZE bytes
sub padded {
    my ($product, $size) = @_;
    my $text = $json->encode({ %$product, padding => '' });
    $product->{padding} = 'x' x ($size - length $text);
    $text = $json->encode($product);
    die "padding went wrong" unless length $text == $size;
    return $text;
}

my $limit = 65536;
my $fits = catalog_product_body($slug);
($code, $body) = post(content => padded($fits, $limit));
is($code, 201, "a body of exactly $limit bytes: 201");
ok(!exists $body->{padding}, '... the unknown field is ignored');
my $over = catalog_product_body($slug);
($code, $body, $res) = post(content => padded($over, $limit + 1));
is($code, 413, "a body of $limit + 1 bytes with Content-Length: 413");
like($res->header('Content-Type') // '', qr{^application/json}, '... JSON');
ok(length($body->{message} // ''), '... with a message');
is(sql_value("select count(*) from product where name = :'p1'", $over->{name}), 0, '... and no row');
my $big = catalog_product_body($slug);
($code, $body) = post(content => padded($big, 1024 * 1024));
is($code, 413, 'a body of 1 MiB with Content-Length: 413');

my $chunked_fits = catalog_product_body($slug);
($code, $body) = send_chunked('shop_product', 'POST', '/products', padded($chunked_fits, $limit),
                              Authorization => "Bearer $admin");
is($code, 201, "a chunked body of $limit bytes: 201");
my $chunked_over = catalog_product_body($slug);
my $head;
($code, $body, $head) = send_chunked('shop_product', 'POST', '/products', padded($chunked_over, 100000),
                                     Authorization => "Bearer $admin");
is($code, 413, 'a chunked body of 100000 bytes: 413');
like($head, qr{^Content-Type:\s*application/json}mi, '... JSON');
is(sql_value("select count(*) from product where name = :'p1'", $chunked_over->{name}), 0, '... and no row');

# ---- what is accepted ------------------------------------------------------------------

for my $case ([0.01, 1], [10, 1000], [10.5, 1050], [39.9, 3990], [19.99, 1999], [1.1, 110], [99999.99, 9999999]) {
    my ($price, $minor) = @$case;
    my $product = catalog_product_body($slug, price => $price);
    ($code, $body) = post(json => $product);
    is_deeply([$code, $body->{price}], [201, $price], "price $price: 201, answered as $price");
    is(sql_value("select price_minor from product where id = :'p1'", $body->{id} // 0), $minor,
       "... stored as $minor minor units");
}

my $short60 = catalog_product_body($slug, shortDescription => 'y' x 60);
($code, $body) = post(json => $short60);
is($code, 201, 'shortDescription of 60 characters: 201');
($code, $body) = post(json => catalog_product_body($slug, shortDescription => "\x{e9}" x 60));
is($code, 201, 'shortDescription of 60 non-ASCII characters: 201');
is($body->{shortDescription}, "\x{e9}" x 60, '... kept as sent');

($code, $body) = post(json => catalog_product_body($slug, sizes => [qw(xs s m l xl xxl), map { "$_" } 34 .. 48]));
is($code, 201, 'every allowed size (as strings): 201');
my @colors = qw(blue green red yellow purple orange pink brown gray black white);
($code, $body) = post(json => catalog_product_body($slug, colors => \@colors,
                                                   images => { map { $_ => "/uploads/$_.png" } @colors }));
is($code, 201, 'every allowed color, each with an image: 201');
is_deeply($body->{colors}, \@colors, '... colors kept in order');

my $extra = catalog_product_body($slug, id => 999999, createdAt => '2000-01-01T00:00:00Z', stock => 5,
                                 images => { blue => '/b.png', red => '/r.png', green => '/g.png' });
($code, $body) = post(json => $extra);
is($code, 201, 'unknown fields, a given id and an image for a color not in colors: 201');
isnt($body->{id}, 999999, '... the id is not taken from the body');
isnt($body->{createdAt}, '2000-01-01T00:00:00Z', '... nor is createdAt');
ok(!exists $body->{stock}, '... unknown fields are not stored');
is_deeply($body->{images}, { blue => '/b.png', red => '/r.png' }, '... only the images of its colors are kept');

# ---- nothing refused was written --------------------------------------------------------

my $accepted = 1 + 1 + 7 + 1 + 1 + 1 + 1 + 1;
is(rows(), $accepted, "only the $accepted accepted products have rows in the category");
is(events(), $accepted, '... and only they have a product.created event in the outbox');

# ---- refused updates change nothing ------------------------------------------------------

my $stored = $body;
my $before = $json->encode([sql("select row_to_json(p)::text from product p where id = :'p1'", $stored->{id})]);
for my $case (['price 0', { price => 0 }], ['price "5"', { price => '5' }],
              ['a new color without an image', { colors => ['blue', 'yellow'] }],
              ['a bad size', { sizes => ['xxxxl'] }], ['an unknown category', { categorySlug => "none-$$" }],
              ['shortDescription of 61', { shortDescription => 'z' x 61 }], ['name 5', { name => 5 }],
              ['a color with images {}', { colors => ['red'], images => {} }]) {
    my ($what, $change) = @$case;
    ($code, $body) = request_json('shop_product', 'PUT', "/products/$stored->{id}", token => $admin, json => $change);
    is($code, 400, "PUT $what: 400");
}
($code, $body) = request_json('shop_product', 'PUT', "/products/$stored->{id}", token => $admin,
                              json => { colors => ['blue', 'yellow'] });
is_deeply($body->{missingColors}, ['yellow'], 'PUT a color without an image: missingColors names it');
($code, $body) = request_json('shop_product', 'PUT', "/products/$stored->{id}", token => $admin,
                              content => '[1,2]');
is($code, 400, 'PUT a JSON array: 400');
($code, $body) = request_json('shop_product', 'PUT', "/products/$stored->{id}", token => $admin,
                              content => '{"price": ');
is($code, 400, 'PUT malformed JSON: 400');
($code, $body) = request_json('shop_product', 'PUT', "/products/$stored->{id}", token => $admin,
                              content => padded({ name => 'Too big' }, $limit + 10));
is($code, 413, 'PUT a body over 64K: 413');
is($json->encode([sql("select row_to_json(p)::text from product p where id = :'p1'", $stored->{id})]), $before,
   'after the refused PUTs the row is unchanged');
is(sql_value("select count(*) from outbox where key = :'p1' and payload->>'type' = 'product.updated'",
             $stored->{id}), 0, '... and no product.updated event was written');
($code, $body) = request_json('shop_product', 'PUT', "/products/$stored->{id}", token => $admin,
                              json => { colors => ['blue'] });
is_deeply([$code, $body->{colors}, $body->{images}], [200, ['blue'], { blue => '/b.png' }],
          'PUT fewer colors: 200, the images of the dropped colors go');

# ---- categories ---------------------------------------------------------------------------

for my $case (['no fields', {}, [qw(name slug)]], ['an empty name', { name => '', slug => "ok-$$" }, ['name']],
              ['a slug with spaces and capitals', { name => 'X', slug => 'Bad Slug' }, ['slug']],
              ['a slug with SQL', { name => 'X', slug => "x';drop table category;--" }, ['slug']],
              ['a name of 61 characters', { name => 'n' x 61, slug => "ok-$$" }, ['name']],
              ['a name as a number', { name => 7, slug => "ok-$$" }, ['name']]) {
    my ($what, $fields, $named) = @$case;
    ($code, $body) = request_json('shop_product', 'POST', '/categories', token => $admin, json => $fields);
    is($code, 400, "POST /categories with $what: 400");
    is_deeply([sort keys %{ $body->{fields} || {} }], $named, "... naming @$named");
}
is(sql_value("select count(*) from category where slug = :'p1'", "ok-$$"), 0, 'no refused category has a row');

# the slug "all" would be unreachable: GET /products?category=all lists every category
($code, $body) = request_json('shop_product', 'POST', '/categories', token => $admin,
                              json => { name => 'All', slug => 'all' });
is($code, 400, 'POST /categories with the slug "all": 400');
like($body->{fields}{slug} // '', qr/reserved/, '... fields.slug: reserved');
my $category = catalog_category($admin);
($code, $body) = request_json('shop_product', 'PUT', "/categories/$category->{id}", token => $admin,
                              json => { slug => 'all' });
is($code, 400, 'PUT /categories/:id renaming the slug to "all": 400');
like($body->{fields}{slug} // '', qr/reserved/, '... fields.slug: reserved');
is(sql_value("select count(*) from category where slug = 'all'"), 0, '... no category is called all');
($code, $body) = request_json('shop_product', 'POST', '/categories', token => $admin,
                              json => { name => 'All of it', slug => "all-$$" });
is($code, 201, 'a slug that only starts with "all": 201');
request_json('shop_product', 'DELETE', "/categories/$body->{id}", token => $admin) if $code == 201;
($code, $body) = request_json('shop_product', 'POST', '/categories', token => $admin, content => '[]');
is($code, 400, 'POST /categories with a JSON array: 400');

done_testing();
