# The /api routes of conf/gateway.conf reach the real services from each of the
# three origins that include it: the gateway (:8080), the storefront (:3002)
# and the admin dashboard (:3003). Each answer is one only its service gives; the
# sites serve their pages at / and their own 404 page; the checkout's test
# provider page is on the origin the customer checked out from; the gateway's own
# errors are JSON.
use strict;
use warnings;
use Apache::Test qw(-withtestmore);
use LWP::UserAgent ();
use ShopTest;

my %origin = (gateway => $ENV{SHOP_GATEWAY_PORT}, store => $ENV{SHOP_STORE_PORT},
              admin => $ENV{SHOP_ADMIN_PORT});
my $admin = catalog_admin();
my ($user) = catalog_user();
my $product = payment_product();
my $slug = $product->{categorySlug};
my $ua = LWP::UserAgent->new(timeout => 30, keep_alive => 0);
my $png = catalog_png(7, 5);
my ($up_code, $upload) = request_json('shop_product', 'POST',
    "http://127.0.0.1:$origin{gateway}/api/uploads", token => $admin, content => $png,
    headers => ['Content-Type' => 'image/png']);
is($up_code, 201, 'an admin uploads an image through the gateway');

for my $name (sort keys %origin) {
    my $base = "http://127.0.0.1:$origin{$name}";
    my $call = sub { my ($method, $path, %opt) = @_; request_json('shop_product', $method, "$base$path", %opt) };

    my ($code, $body) = $call->('GET', "/api/products?category=$slug");
    is_deeply([$code, [map { $_->{id} } @{ $body || [] }]], [200, [$product->{id}]],
              "$name: GET /api/products?category=");
    ($code, $body) = $call->('GET', "/api/products/$product->{id}");
    is($body->{name}, $product->{name}, "$name: GET /api/products/:id is the catalog's product");
    like($body->{images}{blue} // '', qr{^http://127\.0\.0\.1:$origin{gateway}/},
         "$name: ... its image URLs on the gateway (ShopProductPublicURL)");
    my $image = $ua->get("$base$upload->{url}");
    is_deeply([$image->code, $image->header('Content-Type'), $image->content eq $png],
              [200, 'image/png', 1], "$name: the uploaded image is served at $upload->{url}");
    ($code, $body) = $call->('GET', '/api/categories');
    ok((grep { $_->{slug} eq $slug } @{ $body || [] }), "$name: GET /api/categories lists it");
    ($code, $body) = $call->('POST', '/api/uploads', token => $user, content => 'x',
                             headers => ['Content-Type' => 'image/png']);
    is($code, 403, "$name: POST /api/uploads refuses a user (catalog's policy)");

    ($code, $body) = $call->('GET', '/api/user-orders', token => $user);
    is_deeply([$code, $body], [200, []], "$name: GET /api/user-orders: the user's (no) orders");
    ($code) = $call->('GET', '/api/orders', token => $user);
    is($code, 403, "$name: GET /api/orders is for admins");
    ($code, $body) = $call->('GET', '/api/order-chart', token => $admin);
    is(scalar @{ $body || [] }, 6, "$name: GET /api/order-chart: six months");

    ($code, $body) = $call->('POST', '/api/sessions/create-checkout-session', token => $user,
                             json => checkout_body($product));
    is($code, 200, "$name: a checkout session is created");
    like($body->{url} // '', qr{^\Q$base\E/pay/\Q$body->{id}\E$},
         "$name: ... its test provider page is on this origin");
    my $pay = $ua->get($body->{url});
    is($pay->code, 200, "$name: ... and answers there");
    ($code, $body) = $call->('POST', '/api/webhooks/stripe', content => '{}');
    is($code, 400, "$name: POST /api/webhooks/stripe wants Stripe's signature");

    ($code, $body) = $call->('GET', '/api/auth/me', token => $user);
    is($code, 200, "$name: GET /api/auth/me");
    ($code, $body) = $call->('GET', '/api/users', token => $admin);
    is($code, 200, "$name: GET /api/users for an admin");
    ($code, $body) = $call->('GET', '/.well-known/jwks.json');
    ok(@{ $body->{keys} || [] } >= 1, "$name: GET /.well-known/jwks.json");
}

for my $site (qw(store admin)) {
    my $res = $ua->get("http://127.0.0.1:$origin{$site}/");
    is($res->code, 200, "$site: its home page");
    like($res->header('Content-Type'), qr{^text/html}, '... in HTML');
    is($ua->get("http://127.0.0.1:$origin{$site}/no/such/page")->code, 404, "$site: an unknown page is 404");
}

my $res = $ua->post("http://127.0.0.1:$origin{gateway}/api/uploads", 'Content-Type' => 'image/png',
                    Content => 'x' x (9 * 1024 * 1024));
is($res->code, 413, 'a declared body over 8M stops at the gateway');
like($res->content, qr/^\{"message":"request body too large"\}/, '... with a JSON error');

done_testing();
