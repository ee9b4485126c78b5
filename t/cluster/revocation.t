# A token revoked on one httpd (sign-out) is refused by the other at once: the
# revocation row and its NOTIFY (LISTEN shop_auth_revoked) reach every server of
# the shared PostgreSQL.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Test::More;
use ShopCluster;

plan tests => 5;

my ($id, $fields, $token) = new_user(1, 'revoke');
my $me = sub { (request(GET => service($_[0], 'auth') . '/auth/me', token => $token))[0] };
my $orders = sub { (request(GET => service(2, 'order') . '/user-orders', token => $token))[0] };

is_deeply([ map { $me->(2) } 1 .. 6 ], [ (200) x 6 ], 'a token made on httpd1 is good on httpd2');
is((request(POST => service(1, 'auth') . '/auth/sign-out', token => $token))[0], 204,
   'signed out on httpd1');
wait_for(0.5, sub { $me->(2) == 401 }, 0.02);
is_deeply([ map { $me->(2) } 1 .. 6 ], [ (401) x 6 ], 'httpd2 refuses it at once, in every child');
is($orders->(), 401, 'on every service of httpd2 (its orders)');
is($me->(1), 401, 'and httpd1 too');
