# /auth/me accepts only tokens that mod_shop_auth's keys signed, unaltered,
# unexpired, of issuer mod_shop: tampered, expired, unsigned (alg none), HMAC,
# foreign-key, wrong-issuer, subject-less, malformed and empty tokens get 401.
# A token of the retired key (ShopAuthVerifyKey) still works. The JWKS route
# publishes both public keys (and no private part), and a third-party JOSE
# library verifies our tokens with it.
use strict;
use warnings;
use Apache::Test qw(-withtestmore);
use File::Temp ();
use JSON::PP ();
use ShopTest;

plan tests => 86;

my $keys = "$ENV{SHOP_VAR}/keys";
my $tag = unique_tag();
my ($code, $body, $res) = sign_up('shop_auth', { email => "tok.$tag\@example.test", username => "tok_$tag",
                                                 firstName => 'Toke', lastName => 'Holder',
                                                 password => 'token holder' });
is($code, 201, 'a user');
my $user = $body->{user} || {};
my $token = $body->{token} // '';

sub me {
    my ($token, $what) = @_;
    return request_json('shop_auth', 'GET', '/auth/me', defined $what ? (headers => [Authorization => $what])
                                                                     : (token => $token));
}

sub claims { token_claims($user, @_) }

sub mint { jose('mint', {@_})->{token} }

sub refused {
    my ($token, $what, $reason) = @_;
    my ($code, $body, $res) = me($token);
    is($code, 401, "$what: 401");
    like($body->{message} // '', $reason, "$what: the JSON message says why");
    like($res->header('WWW-Authenticate') // '', qr/^Bearer .*error="invalid_token"/,
         "$what: WWW-Authenticate Bearer error=\"invalid_token\"");
}

# ---- accepted -------------------------------------------------------------------

($code, $body) = me($token);
is($code, 200, 'the sign-up token is accepted');
is($body->{id}, $user->{id}, '... for its user');

my $own = mint(keyFile => "$keys/signing-key.pem", kid => 'thumbprint', claims => claims());
($code, $body) = me($own);
is($code, 200, 'a token minted by jose with the signing key is accepted (control for what follows)');
is($body->{id}, $user->{id}, '... for its user');

my $retired = mint(keyFile => "$keys/retired-key.pem", kid => 'thumbprint', claims => claims());
($code, $body) = me($retired);
is($code, 200, 'a token signed by the retired key (ShopAuthVerifyKey) is accepted');
is($body->{id}, $user->{id}, '... for its user');

# ---- refused --------------------------------------------------------------------

my ($h, $p, $s) = split /\./, $token;
my $i = int(length($p) / 2);
my $flipped = substr($p, $i, 1) eq 'A' ? 'B' : 'A';
my $tampered = join '.', $h, substr($p, 0, $i) . $flipped . substr($p, $i + 1), $s;
refused($tampered, 'one character of the payload changed', qr/token/);

my (undef, $payload) = jwt_parts($token);
$payload->{role} = 'admin';
$payload->{metadata}{role} = 'admin';
my $escalated = join '.', $h, b64url_encode(JSON::PP->new->canonical->encode($payload)), $s;
refused($escalated, 'the role changed to admin in the payload', qr/signature/);
($code) = request_json('shop_auth', 'GET', '/users', token => $escalated);
is($code, 401, 'that token does not open /users either');

refused(mint(keyFile => "$keys/signing-key.pem", kid => 'thumbprint',
             claims => claims(iat => time - 7200, exp => time - 3600)),
        'expired an hour ago', qr/expired/);
refused(mint(keyFile => "$keys/signing-key.pem", kid => 'thumbprint', claims => claims(exp => undef)),
        'without exp', qr/expiry/);
refused(mint(keyFile => "$keys/signing-key.pem", kid => 'thumbprint',
             claims => claims(iat => time + 3600, exp => time + 7200)),
        'issued an hour from now', qr/not valid yet/);
refused(mint(keyFile => "$keys/signing-key.pem", kid => 'thumbprint', claims => claims(nbf => time + 3600)),
        'not before an hour from now', qr/not valid yet/);

refused(mint(unsigned => 1, claims => claims()), 'alg none, unsigned', qr/algorithm|malformed/);
refused(join('.', b64url_encode('{"alg":"none","typ":"JWT"}'), b64url_encode(JSON::PP->new->encode(claims())), $s),
        'alg none with a signature attached', qr/algorithm/);
refused(mint(alg => 'HS256', secret => 'a shared secret', claims => claims()),
        'HS256 with a secret', qr/algorithm/);

my $dir = File::Temp->newdir;
system('openssl', 'genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256',
       '-out', "$dir/other.pem") == 0 or die "openssl genpkey failed";
refused(mint(keyFile => "$dir/other.pem", kid => 'thumbprint', claims => claims()),
        'signed by another EC key (its own kid)', qr/unknown key/);
my ($signing_kid) = (jwt_parts($own))[0]{kid};
refused(mint(keyFile => "$dir/other.pem", kid => $signing_kid, claims => claims()),
        'signed by another EC key claiming our kid', qr/signature/);
refused(mint(keyFile => "$dir/other.pem", kid => undef, claims => claims()),
        'signed by another EC key, no kid', qr/unknown key/);

refused(mint(keyFile => "$keys/signing-key.pem", kid => 'thumbprint', claims => claims(iss => 'https://evil.test')),
        'issuer https://evil.test', qr/issuer|unknown key/);
refused(mint(keyFile => "$keys/signing-key.pem", kid => 'thumbprint', claims => claims(iss => undef)),
        'without iss', qr/issuer/);
refused(mint(keyFile => "$keys/signing-key.pem", kid => 'thumbprint', claims => claims(sub => undef)),
        'without sub', qr/subject/);

refused('garbage', 'the word garbage', qr/malformed/);
refused('a.b.c', 'a.b.c', qr/malformed|algorithm/);
refused("$h.$p", 'header and payload only', qr/malformed/);
refused('..', 'two dots', qr/malformed/);
# found by make fuzz (t/fuzz/regressions/token): cjose's base64 decoder asserted on a
# '=' inside a segment, and the assert aborted the child that served the request
refused('eyJhbGciOiJFUzI1NiJ9.eyJpc3MiO=JodHRwcQ.c2ln', "a '=' inside the payload segment",
        qr/malformed/);

for my $case (['Bearer and nothing' => 'Bearer '], ['Bearer and spaces' => 'Bearer    '],
              ['Basic credentials' => 'Basic dG9rOnRva2VuIGhvbGRlcg==']) {
    my ($what, $header) = @$case;
    ($code, $body, $res) = me(undef, $header);
    is($code, 401, "Authorization: $what: 401");
    is($body->{message}, 'authentication required', "Authorization: $what: authentication required");
}

# ---- the JWKS ---------------------------------------------------------------------

my $jwks;
($code, $jwks, $res) = request_json('shop_auth', 'GET', '/.well-known/jwks.json');
is($code, 200, 'GET /.well-known/jwks.json: 200');
like($res->header('Cache-Control') // '', qr/\bpublic\b.*max-age=\d+/, '... cacheable');
my @jwk = @{ $jwks->{keys} || [] };
is(scalar @jwk, 2, 'two keys: the signing key and the retired one');
is_deeply([sort map { $_->{kid} // '' } @jwk],
          [sort map { (jwt_parts($_))[0]{kid} } $own, $retired],
          'their kids are the RFC 7638 thumbprints of signing-key.pem and retired-key.pem');
is(scalar(grep { ($_->{kty} // '') eq 'EC' && ($_->{crv} // '') eq 'P-256' && ($_->{alg} // '') eq 'ES256'
                 && ($_->{use} // '') eq 'sig' } @jwk), 2, 'both EC P-256, alg ES256, use sig');
is(scalar(grep { exists $_->{d} } @jwk), 0, 'no private key part (d) is published');
is((jwt_parts($token))[0]{kid}, (jwt_parts($own))[0]{kid}, 'our tokens name the signing key by kid');

my $v = jose('verify', { token => $token, jwks => $jwks, issuer => 'mod_shop' });
ok($v->{ok}, 'jose verifies the sign-up token with the published JWKS') or diag($v->{error});
is($v->{payload}{sub}, $user->{id}, '... and reads its subject');
is($v->{header}{alg}, 'ES256', '... signed ES256');
$v = jose('verify', { token => $retired, jwks => $jwks, issuer => 'mod_shop' });
ok($v->{ok}, 'jose verifies a retired-key token with the published JWKS') or diag($v->{error});
$v = jose('verify', { token => $tampered, jwks => $jwks, issuer => 'mod_shop' });
ok(!$v->{ok}, 'jose refuses the tampered token with the same JWKS');
