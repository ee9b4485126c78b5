# ShopProductPublicURL: on a host that sets it (shop_product_public, with
# https://cdn.shop.test/shop/), every product answer (a create, an update, one
# product, a list) carries image paths as absolute URLs on that base, its trailing
# slash dropped; an absolute URL (Cloudinary) is left as it is. The database keeps
# the paths, and the plain product host, without the directive, answers them as
# stored: one host's cached answers (and ETags) are never another's. An uploaded
# image and a demo picture are served at their paths under /images/ on the
# product host, with their Content-Type.
use strict;
use warnings;
use Apache::Test qw(-withtestmore);
use ShopTest;

my $base = 'https://cdn.shop.test/shop';
my $cloudinary = 'https://res.cloudinary.com/demo/image/upload/v1/shirt-red.png';
my $admin = catalog_admin();
my $slug = catalog_category($admin)->{slug};
my ($code, $body, $res);

# ---- the image, uploaded and served by httpd ------------------------------------------------

my $png = catalog_png(12, 7);
($code, $body) = request_json('shop_product', 'POST', '/uploads', token => $admin, content => $png,
                              headers => ['Content-Type' => 'image/png']);
is($code, 201, 'POST /uploads a PNG as admin: 201');
my $path = $body->{url} // '';
like($path, qr{^/images/uploads/[^/]+\.png$}, "... answers its path: $path");
($code, undef, $res) = request_json('shop_product', 'GET', $path);
is($code, 200, "GET $path on the product host: 200");
is($res->header('Content-Type'), 'image/png', '... image/png');
ok($res->content eq $png, '... the uploaded bytes');

my $demo = 'public-url-' . unique_tag() . '.png';
my $demo_file = "$ENV{SHOP_VAR}/images/products/$demo";
open(my $fh, '>:raw', $demo_file) or die "$demo_file: $!";
print $fh $png;
close $fh;
chmod 0644, $demo_file;
($code, undef, $res) = request_json('shop_product', 'GET', "/images/products/$demo");
is($code, 200, 'a picture in the image directory\'s products/ is served at /images/products/: 200');
is($res->header('Content-Type'), 'image/png', '... image/png');
unlink $demo_file;

# ---- product answers ------------------------------------------------------------------------

my %stored = (blue => $path, red => $cloudinary);
my %public = (blue => "$base$path", red => $cloudinary);

($code, $body) = request_json('shop_product_public', 'POST', '/products', token => $admin,
                              json => catalog_product_body($slug, images => \%stored));
is($code, 201, 'POST /products on the host with ShopProductPublicURL: 201');
is_deeply($body->{images}, \%public, '... the answer\'s path is absolute on the base, Cloudinary\'s URL untouched');
my $id = $body->{id} // 0;
is(sql_value("select images->>'blue' from product where id = :'p1'", $id), $path, '... the row keeps the path');

# each host reads twice: the second read is the cached answer
for my $round (1, 2) {
    ($code, $body, $res) = request_json('shop_product', 'GET', "/products/$id");
    is_deeply([$code, $body->{images}], [200, \%stored], "GET /products/:id, plain host ($round): the path as stored");
    my $plain_etag = $res->header('ETag');
    ($code, $body, $res) = request_json('shop_product_public', 'GET', "/products/$id");
    is_deeply([$code, $body->{images}], [200, \%public], "... public host ($round): absolute");
    isnt($res->header('ETag'), $plain_etag, '... with an ETag of its own');
    ($code) = request_json('shop_product_public', 'GET', "/products/$id",
                           headers => ['If-None-Match' => $plain_etag]);
    is($code, 200, '... the plain host\'s ETag does not give 304 on the public host');

    ($code, $body) = request_json('shop_product_public', 'GET', "/products?category=$slug");
    is_deeply([$code, [map { $_->{images} } @{ ref $body eq 'ARRAY' ? $body : [] }]], [200, [\%public]],
              "GET /products?category=, public host ($round): absolute");
    ($code, $body) = request_json('shop_product', 'GET', "/products?category=$slug");
    is_deeply([$code, [map { $_->{images} } @{ ref $body eq 'ARRAY' ? $body : [] }]], [200, [\%stored]],
              "... plain host ($round): the path as stored");
}

($code, $body) = request_json('shop_product_public', 'PUT', "/products/$id", token => $admin,
                              json => { colors => ['blue'], images => { blue => $path } });
is($code, 200, 'PUT /products/:id on the public host: 200');
is_deeply($body->{images}, { blue => "$base$path" }, '... the answer\'s path is absolute');
is(sql_value("select images::text from product where id = :'p1'", $id), qq({"blue": "$path"}),
   '... the row keeps the path (an update does not store the answer\'s URL)');
($code, $body) = request_json('shop_product_public', 'PUT', "/products/$id", token => $admin,
                              json => { name => 'Renamed ' . unique_tag() });
is_deeply([$code, $body->{images}], [200, { blue => "$base$path" }],
          'an update of another field on the public host: the image stays one base deep');
is(sql_value("select images->>'blue' from product where id = :'p1'", $id), $path, '... and a path in the row');
($code, $body) = request_json('shop_product', 'GET', "/products/$id");
is_deeply($body->{images}, { blue => $path }, 'the plain host reads the updated product with its path');

($code) = request_json('shop_product', 'DELETE', "/products/$id", token => $admin);
is($code, 204, 'cleanup: DELETE the product');

done_testing();
