# CORS for the storefront origin of ShopAuthCORSOrigin (http://store.test):
# preflights get 204 with the allow headers, credentials allowed; answers to
# that origin, errors included, carry Access-Control-Allow-Origin; any other
# origin (even one that merely starts alike) gets none.
use strict;
use warnings;
use Apache::Test qw(-withtestmore);
use ShopTest;

plan tests => 58;

my $store = 'http://store.test';

sub preflight {
    my ($service, $path, $origin, $method) = @_;
    return request_json($service, 'OPTIONS', $path,
                        headers => [Origin => $origin, 'Access-Control-Request-Method' => $method,
                                    'Access-Control-Request-Headers' => 'authorization, content-type']);
}

for my $case (['/auth/sign-in', 'POST'], ['/auth/me', 'GET'], ['/users', 'GET'],
              ['/users/00000000-0000-4000-8000-000000000000', 'DELETE']) {
    my ($path, $method) = @$case;
    my ($code, $body, $res) = preflight('shop_auth', $path, $store, $method);
    is($code, 204, "preflight $method $path from $store: 204");
    is($res->header('Access-Control-Allow-Origin'), $store, '... Access-Control-Allow-Origin is the origin');
    is($res->header('Access-Control-Allow-Credentials'), 'true', '... credentials allowed');
    like($res->header('Access-Control-Allow-Methods') // '', qr/\b$method\b/, "... $method allowed");
    like($res->header('Access-Control-Allow-Headers') // '', qr/\bAuthorization\b/i, '... Authorization allowed');
    like($res->header('Access-Control-Allow-Headers') // '', qr/\bContent-Type\b/i, '... Content-Type allowed');
}

my ($code, $body, $res) = preflight('shop_auth', '/auth/sign-in', $store, 'POST');
like($res->header('Vary') // '', qr/\bOrigin\b/, 'the answer varies by Origin');

for my $origin ('http://evil.test', 'http://store.test.evil.test', 'https://store.test',
                'http://store.test:8080', 'null') {
    ($code, $body, $res) = preflight('shop_auth', '/auth/sign-in', $origin, 'POST');
    is($code, 204, "preflight from $origin: 204 (the browser enforces the missing allow)");
    ok(!defined $res->header('Access-Control-Allow-Origin'), "preflight from $origin: no Access-Control-Allow-Origin");
    ok(!defined $res->header('Access-Control-Allow-Credentials'), "preflight from $origin: no Allow-Credentials");
}

($code, $body, $res) = request_json('shop_auth', 'GET', '/health', headers => [Origin => $store]);
is($code, 200, "GET /health from $store: 200");
is($res->header('Access-Control-Allow-Origin'), $store, '... with Access-Control-Allow-Origin');
is($res->header('Access-Control-Allow-Credentials'), 'true', '... and Allow-Credentials');
ok(!defined $res->header('Access-Control-Allow-Methods'), '... and no preflight headers on a plain request');

($code, $body, $res) = request_json('shop_auth', 'GET', '/auth/me', headers => [Origin => $store]);
is($code, 401, "GET /auth/me from $store without a token: 401");
is($res->header('Access-Control-Allow-Origin'), $store, '... still with Access-Control-Allow-Origin');
is($res->header('Access-Control-Allow-Credentials'), 'true', '... and Allow-Credentials, so the page can read the error');
is($body->{message}, 'authentication required', '... and the JSON error');

my $tag = unique_tag();
($code, $body, $res) = request_json('shop_auth', 'POST', '/auth/sign-in', headers => [Origin => $store],
                                    json => { email => "nobody.$tag\@example.test", password => 'whatever1' });
is($code, 401, "a refused sign-in from $store: 401");
is($res->header('Access-Control-Allow-Origin'), $store, '... with Access-Control-Allow-Origin');

my (undef, $signed_up) = sign_up('shop_auth', { email => "cors.$tag\@example.test", username => "cors_$tag",
                                               firstName => 'Cora', lastName => 'Origin',
                                               password => 'cross origin' });
($code, $body, $res) = request_json('shop_auth', 'GET', '/users', headers => [Origin => $store],
                                    token => $signed_up->{token});
is($code, 403, "a user's GET /users from $store: 403");
is($res->header('Access-Control-Allow-Origin'), $store, '... with Access-Control-Allow-Origin');

($code, $body, $res) = request_json('shop_auth', 'GET', '/health', headers => [Origin => 'http://evil.test']);
is($code, 200, 'GET /health from http://evil.test: 200 (CORS is for browsers to enforce)');
ok(!defined $res->header('Access-Control-Allow-Origin'), '... without Access-Control-Allow-Origin');
($code, $body, $res) = request_json('shop_auth', 'GET', '/auth/me', headers => [Origin => 'http://evil.test']);
is($code, 401, 'GET /auth/me from http://evil.test without a token: 401');
ok(!defined $res->header('Access-Control-Allow-Origin'), 'a 401 to http://evil.test: no Access-Control-Allow-Origin');

($code, $body, $res) = request_json('shop_product', 'GET', '/health', headers => [Origin => $store]);
is($code, 200, "the product service's /health from $store: 200");
is($res->header('Access-Control-Allow-Origin'), $store, "the product service answers $store too");
