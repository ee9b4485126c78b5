# Abuse: forged tokens against a route of every service that needs a user. Each
# forgery claims an admin (so an accepted one would be noticed): alg none, HS256
# keyed with our public key (algorithm confusion), an unknown kid, a key the
# attacker embeds or points at (jwk, jku, x5u), expired, not yet valid (nbf,
# iat), the role changed in a user's token, and a deleted admin's real token.
# Every one gets 401 with the JSON
# error, and nothing is written: no product, no product-events in the outbox,
# no checkout session. (t/auth/tokens.t covers /auth/me alone in more detail.)
use strict;
use warnings;
use Apache::Test qw(-withtestmore);
use File::Temp ();
use JSON::PP ();
use ShopTest;

my $keys = "$ENV{SHOP_VAR}/keys";
my $json = JSON::PP->new->canonical;

# the victim admin, whose identity the forgeries claim, and a user
my ($admin_id, $admin_fields) = new_user('abadm');
sql("update app_user set role = 'admin' where id = :'p1'", $admin_id);
my (undef, $signed_in) = sign_in('shop_auth', { email => $admin_fields->{email},
                                               password => $admin_fields->{password} });
my $admin = $signed_in->{user};
my $gen = (jwt_parts($signed_in->{token}))[1]{gen};
# the admin's claims as mod_shop_auth signs them (with the revocation generation)
sub admin_claims { token_claims($admin, gen => $gen, @_) }
my (undef, undef, $user_token) = new_user('abuse');
my $slug = catalog_category($signed_in->{token})->{slug};
my $product = payment_product();
my $write_name = 'Forged ' . unique_tag();

# the routes: [service, method, path, body]
my @routes = (
    [ 'shop_auth',    'GET',  '/auth/me' ],
    [ 'shop_auth',    'GET',  '/users' ],
    [ 'shop_order',   'GET',  '/user-orders' ],
    [ 'shop_payment', 'POST', '/sessions/create-checkout-session', checkout_body($product) ],
    [ 'shop_product', 'POST', '/products', catalog_product_body($slug, name => $write_name) ],
);

sub written {
    return { products => sql_value("select count(*) from product where name = :'p1'", $write_name),
             outbox   => sql_value("select count(*) from outbox where topic = 'product-events'"),
             sessions => sql_value("select count(*) from checkout_session") };
}

# refused(TOKEN, WHAT): every route refuses TOKEN with 401 and a JSON message
sub refused {
    my ($token, $what) = @_;
    for my $route (@routes) {
        my ($service, $method, $path, $body) = @$route;
        my ($code, $answer) = request_json($service, $method, $path, token => $token,
                                           defined $body ? (json => $body) : ());
        is($code, 401, "$what: $method $path: 401");
        like(ref $answer eq 'HASH' ? $answer->{message} // '' : '', qr/\w/, "$what: $method $path: the JSON error");
    }
}

sub mint { jose('mint', {@_})->{token} }

my $before = written();

# ---- controls: the real admin's token opens every route (then the forgeries' writes
# would be seen); the checks afterwards count from here

my $dir = File::Temp->newdir;
my $own = mint(keyFile => "$keys/signing-key.pem", kid => 'thumbprint', claims => admin_claims());
my ($code) = request_json('shop_auth', 'GET', '/users', token => $own);
is($code, 200, 'control: a token our key signs for the admin opens GET /users');
$before = written();

# ---- forgeries --------------------------------------------------------------------

refused(mint(unsigned => 1, claims => admin_claims()), 'alg none');

my $public_pem = `openssl pkey -in $keys/signing-key.pem -pubout`;
die "openssl pkey -pubout failed\n" unless $public_pem =~ /PUBLIC KEY/;
my (undef, $jwks) = request_json('shop_auth', 'GET', '/.well-known/jwks.json');
my $public_jwk = $json->encode($jwks->{keys}[0]);
my $our_kid = $jwks->{keys}[0]{kid};
refused(mint(alg => 'HS256', secret => $public_pem, kid => $our_kid, claims => admin_claims()),
        'HS256 keyed with our public key (PEM), our kid');
refused(mint(alg => 'HS256', secret => $public_jwk, kid => $our_kid, claims => admin_claims()),
        'HS256 keyed with our public JWK');

refused(mint(keyFile => "$keys/signing-key.pem", kid => 'no-such-key', claims => admin_claims()),
        'our key, an unknown kid');

# the attacker's key pair, its JWKS and certificate served by the test server
my $attacker = jose('keygen', { kid => 'attacker' });
my $served = top_dir() . '/t/htdocs/abuse';
mkdir $served;
open(my $fh, '>', "$served/jwks.json") or die "$served/jwks.json: $!";
print $fh $json->encode({ keys => [ $attacker->{public} ] });
close $fh;
system('openssl', 'genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256',
       '-out', "$dir/attacker.pem") == 0 or die "openssl genpkey failed";
system('openssl', 'req', '-x509', '-new', '-key', "$dir/attacker.pem", '-subj', '/CN=mod_shop',
       '-days', '1', '-out', "$served/cert.pem") == 0 or die "openssl req failed";
chmod 0644, "$served/jwks.json", "$served/cert.pem";
my $base = 'http://127.0.0.1:' . Apache::Test::vars('port');
my ($served_code) = get_json('default', '/abuse/jwks.json');
is($served_code, 200, "the attacker's JWKS is served where jku points");

refused(mint(jwk => $attacker->{private}, kid => 'attacker', claims => admin_claims()),
        "the attacker's key, its kid");
refused(mint(jwk => $attacker->{private}, kid => 'attacker', header => { jwk => $attacker->{public} },
             claims => admin_claims()), "the attacker's key embedded (jwk header)");
refused(mint(jwk => $attacker->{private}, kid => 'attacker', header => { jku => "$base/abuse/jwks.json" },
             claims => admin_claims()), "the attacker's JWKS by URL (jku header)");
refused(mint(keyFile => "$dir/attacker.pem", kid => undef, header => { x5u => "$base/abuse/cert.pem" },
             claims => admin_claims()), "the attacker's certificate by URL (x5u header)");
refused(mint(jwk => $attacker->{private}, kid => $our_kid, header => { jwk => $attacker->{public} },
             claims => admin_claims()), "the attacker's key embedded, claiming our kid");

my $signed = sub { mint(keyFile => "$keys/signing-key.pem", kid => 'thumbprint', claims => admin_claims(@_)) };
refused($signed->(iat => time - 7200, exp => time - 3600), 'expired an hour ago');
refused($signed->(iat => time - 700, exp => time - 35), 'expired 35 s ago (past the 30 s leeway)');
refused($signed->(nbf => time + 3600), 'nbf an hour from now');
refused($signed->(iat => time + 3600, exp => time + 7200), 'iat an hour from now');
refused($signed->(nbf => time + 35), 'nbf 35 s from now (past the leeway)');

# the role of a real user token changed to admin, the signature kept
my ($h, $p, $s) = split /\./, $user_token;
my (undef, $payload) = jwt_parts($user_token);
$payload->{role} = 'admin';
$payload->{metadata}{role} = 'admin';
refused(join('.', $h, b64url_encode($json->encode($payload)), $s), 'the role changed to admin');
$payload->{sub} = $admin->{id};
refused(join('.', $h, b64url_encode($json->encode($payload)), $s), "the subject changed to the admin's");

# a deleted admin's real token
my ($gone_id, $gone_fields) = new_user('abgone');
sql("update app_user set role = 'admin' where id = :'p1'", $gone_id);
my (undef, $gone) = sign_in('shop_auth', { email => $gone_fields->{email}, password => $gone_fields->{password} });
($code) = request_json('shop_auth', 'DELETE', "/users/$gone_id", token => $signed_in->{token});
is($code, 204, 'an admin is deleted');
refused($gone->{token}, "the deleted admin's token");

# ---- nothing changed ----------------------------------------------------------------

is_deeply(written(), $before, 'no product written, no product-events queued, no checkout session');
is(sql_value("select count(*) from product where name = :'p1'", $write_name), 0,
   'the forged product does not exist');
unlink "$served/jwks.json", "$served/cert.pem";
rmdir $served;

# the product leaves the catalog: its test image would show broken on the storefront
# that t/browser tests next
($code) = request_json('shop_product', 'DELETE', "/products/$product->{id}", token => $signed_in->{token});
is($code, 204, 'the test product is deleted');

done_testing();
