# When the shared-memory copy of the revocations cannot be trusted, tokens are
# checked in the database, never accepted on trust: an httpd whose watchers
# cannot connect (ShopAuthRevocationDB names a closed port) still refuses a
# token revoked by another server, and an httpd whose table is too small
# (ShopAuthRevocationSlots 16) for the revocations of a token lifetime says so
# in its error log and still refuses every revoked token, while the new tokens
# of the same users work.
use strict;
use warnings;
use Apache::Test qw(-withtestmore);
use ShopTest;
use ShopAuthHttpd ();

my $USERS = 20;
plan tests => 5 + 4 * $USERS;

my $blind = ShopAuthHttpd->launch('blind', qq{ShopAuthRevocationDB "host=127.0.0.1 port=1 dbname=shop user=shop connect_timeout=1"});
my $tiny = ShopAuthHttpd->launch('tiny', 'ShopAuthRevocationSlots 16');

sub me { ($_[0]->request('GET', '/auth/me', token => $_[1]))[0] }

# ---- no watcher: the database decides -----------------------------------------------

my ($id, $f, $token) = new_user('fb');
is(me($blind, $token), 200, 'an httpd without its watcher accepts a valid token (asking the database)');
my ($code) = request_json('shop_auth', 'POST', '/auth/sign-out', token => $token);
is($code, 204, 'the user signs out on the test server');
is(me($blind, $token), 401, 'the httpd without its watcher refuses the token at once');
like($blind->log, qr/SHOP00005: revoked tokens: cannot connect/, '... and logged that its watcher cannot connect');

# ---- a full table: the database decides for the users that did not fit ----------------

my @users = map { [new_user('fb')] } 1 .. $USERS;
is(me($tiny, $_->[2]), 200, 'before: the token works on the small table\'s httpd') for @users;
sql("update app_user set role = 'admin' where id in (" . join(',', map { "'$_->[0]'" } @users) . ")");
is(me($tiny, $_->[2]), 401, "after $USERS role changes in one statement, the old token is refused") for @users;
for my $u (@users) {
    my ($code, $body) = $tiny->request('POST', '/auth/sign-in',
                                       json => { email => $u->[1]{email}, password => $u->[1]{password} });
    is($code, 200, '... the user signs in again');
    is(me($tiny, $body->{token}), 200, '... and the new token works');
}
ok(wait_for(5, sub { $tiny->log =~ /SHOP02106: the revocation table is full/ }),
   'the httpd logged that its revocation table is full');
