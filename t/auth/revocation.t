# Revoked tokens fail on the very next request, on every child of every httpd
# sharing the database: after the user is deleted, demoted (a role change),
# given a new password, or signs out (which ends all of the user's sessions),
# and after a role change made in SQL. Two httpds of their own (two process
# trees, each with its own shared memory, two children each) serve the auth
# service; every check sends parallel requests until at least two children of
# each server have answered, and every answer must be the expected one. A token
# issued right after the revocation (the same second) works at once. An
# external provider's token naming a local user (its sub is the user's id)
# works until that user is deleted, and never after, even freshly minted.
use strict;
use warnings;
use Apache::Test qw(-withtestmore);
use Apache::TestRequest ();
use JSON::PP ();
use ShopTest;
use ShopAuthHttpd ();

plan tests => 99;

my $json = JSON::PP->new->canonical;
my $idp = 'https://idp-revocation.test';
my $jwks_dir = top_dir() . '/t/htdocs/idp';
Apache::TestRequest::module('default');
my @idp = ("ShopAuthExternalJWKS " . Apache::TestRequest::resolve_url('/idp/revocation-jwks.json'),
           "ShopAuthExternalIssuer $idp");
my @servers = (ShopAuthHttpd->launch('a', @idp), ShopAuthHttpd->launch('b', @idp));
my ($one, $two) = @servers;
my $admin = catalog_admin();

# a new user, signed in on the second server: (id, fields, token); made admin in
# SQL first when asked
sub signed_in_user {
    my ($role) = @_;
    my ($id, $f) = new_user('rev');
    sql("update app_user set role = 'admin' where id = :'p1'", $id) if $role eq 'admin';
    return ($id, $f, sign_in_on($two, $f));
}

# signs in on SERVER: the token (undef if refused)
sub sign_in_on {
    my ($server, $f, $password) = @_;
    my ($code, $body) = $server->request('POST', '/auth/sign-in',
                                         json => { email => $f->{email}, password => $password // $f->{password} });
    return $code == 200 ? $body->{token} : undef;
}

# TOKEN on PATH answers WANT on every child of both servers (5 assertions)
sub everywhere {
    my ($token, $path, $want, $what) = @_;
    for my $server (@servers) {
        my (%codes, %pids);
        for (1 .. 12) {
            my ($codes, $pids) = $server->get_many($path, $token, 6);
            $codes{$_}++ for @$codes;
            $pids{$_} = 1 for @$pids;
            last if keys %pids >= 2;
        }
        is_deeply([sort keys %codes], [$want], "$what: httpd $server->{name} answers $want to every request")
            or diag(join ', ', map { "$_ x$codes{$_}" } sort keys %codes);
        cmp_ok(scalar keys %pids, '>=', 2, "... from two children or more");
    }
    ok(1, "$what: checked on " . scalar(@servers) . ' servers');
}

# ---- deleted -------------------------------------------------------------------------

# an admin, so that a route that reads no user row (GET /users) shows the token's fate
my ($id, $f, $token) = signed_in_user('admin');
everywhere($token, '/users?limit=1', 200, 'before the deletion, the token');
my ($code) = $one->request('DELETE', "/users/$id", token => $admin);
is($code, 204, 'an admin deletes the user on httpd a');
everywhere($token, '/users?limit=1', 401, 'right after the deletion, the token');
is(sign_in_on($two, $f), undef, 'the deleted user cannot sign in');

# ---- demoted ---------------------------------------------------------------------------

($id, $f, $token) = signed_in_user('admin');
everywhere($token, '/users?limit=1', 200, 'an admin\'s token, on an admin route');
($code) = $one->request('PUT', "/users/$id", token => $admin, json => { role => 'user' });
is($code, 200, 'an admin demotes the user on httpd a');
everywhere($token, '/users?limit=1', 401, 'right after the demotion, the admin token');
everywhere($token, '/auth/me', 401, '... on any route');
my $fresh = sign_in_on($one, $f);
ok($fresh, 'the demoted user signs in again');
everywhere($fresh, '/auth/me', 200, 'the new token, at once');
everywhere($fresh, '/users?limit=1', 403, '... which is a user\'s');

# ---- new password -------------------------------------------------------------------------

($id, $f, $token) = signed_in_user('user');
everywhere($token, '/auth/me', 200, 'before the password change, the token');
($code) = $one->request('PUT', "/users/$id", token => $admin, json => { password => "another $id" });
is($code, 200, 'an admin sets a new password on httpd a');
everywhere($token, '/auth/me', 401, 'right after the new password, the token');
is(sign_in_on($two, $f), undef, 'the old password no longer signs in');
$fresh = sign_in_on($two, $f, "another $id");
ok($fresh, 'the new one does');
everywhere($fresh, '/auth/me', 200, 'its token, in the same second');

# ---- sign-out ------------------------------------------------------------------------------

($id, $f, $token) = signed_in_user('user');
my $other_device = sign_in_on($two, $f);
everywhere($token, '/auth/me', 200, 'before the sign-out, the token');
($code) = $one->request('POST', '/auth/sign-out', token => $token);
is($code, 204, 'the user signs out on httpd a');
everywhere($token, '/auth/me', 401, 'right after the sign-out, the token');
everywhere($other_device, '/auth/me', 401, '... and the other session\'s (sign-out ends them all)');
$fresh = sign_in_on($one, $f);
everywhere($fresh, '/auth/me', 200, 'a token signed in right after the sign-out');

# ---- role changed in SQL ---------------------------------------------------------------------

($id, $f, $token) = signed_in_user('user');
everywhere($token, '/auth/me', 200, 'before a role change in SQL, the token');
sql("update app_user set role = 'admin' where id = :'p1'", $id);
everywhere($token, '/auth/me', 401, 'right after the change in SQL (a trigger NOTIFYs), the token');

# ---- an external provider's token for a local user ---------------------------------------------

my $key = jose('keygen', { alg => 'ES256', kid => 'revocation-idp' });
mkdir $jwks_dir;
chmod 0755, $jwks_dir;
open(my $fh, '>', "$jwks_dir/revocation-jwks.json") or die $!;
print $fh $json->encode({ keys => [$key->{public}] });
close $fh;
chmod 0644, "$jwks_dir/revocation-jwks.json";
sub idp_token {
    my ($sub) = @_;
    return jose('mint', { alg => 'ES256', jwk => $key->{private},
                          claims => { iss => $idp, sub => $sub, email => "idp.$sub\@example.test",
                                      iat => time, exp => time + 600 } })->{token};
}
($id) = signed_in_user('user');
everywhere(idp_token($id), '/auth/me', 200, 'the provider\'s token for a local user');
($code) = $two->request('DELETE', "/users/$id", token => $admin);
is($code, 204, 'an admin deletes the local user on httpd b');
everywhere(idp_token($id), '/auth/me', 401, 'a token the provider mints after the deletion');
