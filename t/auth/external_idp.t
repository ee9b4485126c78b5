# Tokens of the external identity provider (ShopAuthExternalJWKS/Issuer/Audience):
# the test plays the provider, with keys made by the JOSE library jose and its
# JWKS served by the main test server from t/htdocs/idp/jwks.json. A token of
# issuer https://idp.test for audience mod_shop_test is accepted (source
# "external"), its role read from metadata.role; tampered, expired, foreign-
# audience, unsigned and foreign-key tokens are 401. A rotated key (new kid in
# the JWKS) is accepted once the module fetches the JWKS again (at most every 10 s).
use strict;
use warnings;
use Apache::Test qw(-withtestmore);
use JSON::PP ();
use ShopTest;

plan tests => 41;

my $json = JSON::PP->new->canonical;
my $tag = unique_tag();
my $issuer = 'https://idp.test';
my $dir = top_dir() . '/t/htdocs/idp';

# publishes the JWKS of the given public keys (atomically: httpd may read it any time)
sub publish_jwks {
    my (@public) = @_;
    mkdir $dir unless -d $dir;
    chmod 0755, $dir;
    open(my $fh, '>', "$dir/jwks.json.tmp") or die "$dir/jwks.json.tmp: $!";
    print $fh $json->encode({ keys => \@public });
    close $fh;
    chmod 0644, "$dir/jwks.json.tmp";
    rename "$dir/jwks.json.tmp", "$dir/jwks.json" or die "rename: $!";
}

sub claims {
    my (%changes) = @_;
    my $now = time;
    my %c = (iss => $issuer, aud => 'mod_shop_test', sub => "user_ext_$tag", email => "ext.$tag\@idp.test",
             metadata => { role => 'admin' }, iat => $now, exp => $now + 600);
    while (my ($k, $v) = each %changes) {
        if (defined $v) { $c{$k} = $v } else { delete $c{$k} }
    }
    return \%c;
}

sub mint { jose('mint', {@_})->{token} }
sub me { request_json('shop_auth', 'GET', '/auth/me', token => $_[0]) }
sub users_code { (request_json('shop_auth', 'GET', '/users?limit=1', token => $_[0]))[0] }

sub refused {
    my ($token, $what, $reason) = @_;
    my ($code, $body) = me($token);
    is($code, 401, "$what: 401");
    like($body->{message} // '', $reason, "$what: says why");
}

my $key_a = jose('keygen', { alg => 'RS256', kid => "idp-$tag-a" });
publish_jwks($key_a->{public});
my ($code, $jwks) = get_json('default', '/idp/jwks.json');
is($code, 200, 'the provider\'s JWKS is served by the test server');
is($jwks->{keys}[0]{kid}, "idp-$tag-a", '... with the key of this run');

# ---- accepted --------------------------------------------------------------------

my $admin = mint(alg => 'RS256', jwk => $key_a->{private}, claims => claims());
my $body;
ok(wait_for(15, sub { ($code, $body) = me($admin); $code == 200 }),
   'an external token for an admin: /auth/me answers 200');
is($body->{id}, "user_ext_$tag", '... with the subject as id');
is($body->{email}, "ext.$tag\@idp.test", '... the email');
is($body->{role}, 'admin', '... role admin, from metadata.role');
is($body->{source}, 'external', '... and source external');
is(users_code($admin), 200, 'the external admin may GET /users');

my $customer = mint(alg => 'RS256', jwk => $key_a->{private}, claims => claims(metadata => { role => 'user' }));
($code, $body) = me($customer);
is($code, 200, 'an external token for a user: 200');
is($body->{role}, 'user', '... role user');
is(users_code($customer), 403, '... who may not GET /users');

my $no_role = mint(alg => 'RS256', jwk => $key_a->{private}, claims => claims(metadata => undef));
($code, $body) = me($no_role);
is($body->{role}, 'user', 'without metadata.role the role is user');
my $top_role = mint(alg => 'RS256', jwk => $key_a->{private}, claims => claims(metadata => undef, role => 'admin'));
is(users_code($top_role), 403, 'a top-level role claim is not the configured role claim: no admin');
my $odd_role = mint(alg => 'RS256', jwk => $key_a->{private}, claims => claims(metadata => { role => 'superadmin' }));
($code, $body) = me($odd_role);
is($body->{role}, 'user', 'an unknown role value counts as user, never more');

my $aud_list = mint(alg => 'RS256', jwk => $key_a->{private}, claims => claims(aud => ['other_app', 'mod_shop_test']));
($code) = me($aud_list);
is($code, 200, 'an aud list that holds mod_shop_test is accepted');

# ---- refused ---------------------------------------------------------------------

my ($h, $p, $s) = split /\./, $customer;
my (undef, $payload) = jwt_parts($customer);
$payload->{metadata}{role} = 'admin';
my $escalated = join '.', $h, b64url_encode($json->encode($payload)), $s;
refused($escalated, 'the customer\'s token with metadata.role changed to admin', qr/signature/);
is(users_code($escalated), 401, '... which does not open /users');
my $i = int(length($p) / 2);
refused(join('.', $h, substr($p, 0, $i) . (substr($p, $i, 1) eq 'A' ? 'B' : 'A') . substr($p, $i + 1), $s),
        'one character of the payload changed', qr/token/);

refused(mint(alg => 'RS256', jwk => $key_a->{private}, claims => claims(iat => time - 7200, exp => time - 3600)),
        'expired an hour ago', qr/expired/);
refused(mint(alg => 'RS256', jwk => $key_a->{private}, claims => claims(aud => 'other_app')),
        'audience other_app', qr/audience/);
refused(mint(alg => 'RS256', jwk => $key_a->{private}, claims => claims(aud => undef)),
        'no audience', qr/audience/);
refused(mint(unsigned => 1, claims => claims()), 'alg none', qr/algorithm|malformed/);
refused(mint(alg => 'RS256', jwk => $key_a->{private}, claims => claims(iss => 'https://evil.test')),
        'signed by the provider\'s key but issuer https://evil.test', qr/unknown key|issuer/);

my $stranger = jose('keygen', { alg => 'RS256', kid => "idp-$tag-a" });
refused(mint(alg => 'RS256', jwk => $stranger->{private}, claims => claims()),
        'signed by a key not in the JWKS that claims the provider\'s kid', qr/signature/);
my $ec_stranger = jose('keygen', { alg => 'ES256', kid => "idp-$tag-a" });
refused(mint(alg => 'ES256', jwk => $ec_stranger->{private}, claims => claims()),
        'signed ES256 by a key not in the JWKS, with the provider\'s (RSA) kid', qr/signature|algorithm/);

# ---- key rotation ----------------------------------------------------------------

my $key_b = jose('keygen', { alg => 'RS256', kid => "idp-$tag-b" });
publish_jwks($key_a->{public}, $key_b->{public});
my $rotated = mint(alg => 'RS256', jwk => $key_b->{private}, claims => claims());
my $started = time;
ok(wait_for(15, sub { ($code, $body) = me($rotated); $code == 200 }),
   'a token of the new key (new kid) is accepted within 15 s of the rotation')
    or diag("last answer: $code " . ($body->{message} // ''));
diag('accepted after ' . (time - $started) . ' s');
is($body->{source}, 'external', '... as external');
# each httpd process holds its own copy of the keys: the others catch up within the 10 s
ok(wait_for(15, sub { users_code($rotated) == 200 }), '... admin: GET /users answers 200');
($code) = me($admin);
is($code, 200, 'tokens of the old key, still in the JWKS, stay valid');

refused(mint(alg => 'RS256', jwk => $stranger->{private}, kid => "idp-$tag-unknown", claims => claims()),
        'signed by a key not in the JWKS, with a kid the JWKS does not have', qr/unknown key|unavailable/);
# (a child that fetched the JWKS less than 10 s ago may not hold the new key yet)
ok(wait_for(15, sub { (me($rotated))[0] == 200 }), 'an unknown kid does not break the keys held');
