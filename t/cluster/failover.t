# Killing one httpd under load: clients read the catalog and check out (create a
# session, pay it on the test provider's page) through httpd1's gateway, whose
# balancers have both httpds as members, while httpd2 is killed (SIGKILL to its
# parent, children and worker at once). A request that reaches the gateway after
# the kill is never lost (the balancer retries on the other member what httpd2
# refuses); only those in flight at httpd2 when it died may fail. No event is lost: every paid checkout's payment.succeeded is on
# payment-events exactly once (httpd2's relay, if it led, is taken over).
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Test::More;
use File::Temp ();
use JSON::PP ();
use Time::HiRes qw(time sleep);
use ShopCluster;

use constant { CLIENTS => 3, BEFORE => 3, AFTER => 5 };
plan tests => 7;

my $json = JSON::PP->new;
my $gw = gateway(1);
my $admin = admin_token(1);
my $slug = 'fo-' . unique_tag();
request(POST => service(1, 'product') . '/categories', token => $admin,
        json => { name => "Failover $slug", slug => $slug });
my (undef, $product) = request(POST => service(1, 'product') . '/products', token => $admin,
                               json => product_body($slug, sizes => ['m'], colors => ['blue']));
my (undef, undef, $token) = new_user(1, 'failover');
my $cart = { cart => [ { id => $product->{id}, quantity => 1, selectedSize => 'm', selectedColor => 'blue' } ],
             shipping => { name => 'Ada', email => 'ada@example.test', phone => '5551234567',
                           address => '1 Row', city => 'London' } };

# one client: until the file STOP exists, a catalog read then a checkout, each request logged as
# "START END KIND STATUS SESSION" to FILE
sub client {
    my ($file, $stop) = @_;
    open(my $log, '>', $file) or die "$file: $!";
    $log->autoflush(1);
    my $call = sub {
        my ($kind, $session, @req) = @_;
        my $t0 = time;
        my ($code, $body) = request(@req);
        print $log join(' ', $t0, time, $kind, $code, $session // ($body && $body->{id}) // '-'), "\n";
        return ($code, $body);
    };
    until (-e $stop) {
        $call->('read', '-', GET => "$gw/api/products/$product->{id}");
        my ($code, $body) = $call->('session', undef, POST => "$gw/api/sessions/create-checkout-session",
                                    token => $token, json => $cart);
        $call->('pay', $body->{id}, POST => "$gw/pay/$body->{id}", form => 'action=pay') if $code == 200;
    }
    exit 0;
}

my $dir = File::Temp->newdir;
my @pids = map { my $pid = fork // die "fork: $!"; $pid or client("$dir/$_", "$dir/stop"); $pid } 1 .. CLIENTS;
my $restart = bless sub { cluster_httpd(start => 2) }, 'ShopCluster::Guard';
sleep BEFORE;
my $killed_at = time;
cluster_httpd(kill => 2);
my $killed_by = time;
sleep AFTER;
open(my $stop, '>', "$dir/stop") or die $!;
waitpid($_, 0) for @pids;
undef $restart;

my @log = map { open(my $fh, '<', "$dir/$_") or die $!; map { [split ' '] } <$fh> } 1 .. CLIENTS;
my $ok = sub { $_[0][3] =~ /^(200|303)$/ };
my @before = grep { $_->[1] < $killed_at } @log;
my @after = grep { $_->[0] > $killed_by } @log;
my @during = grep { $_->[1] >= $killed_at && $_->[0] <= $killed_by } @log;
my @paid = map { $_->[4] } grep { $_->[2] eq 'pay' && $_->[3] == 303 } @log;
diag(sprintf '%d requests (%d before the kill, %d while scripts/cluster killed it, %.1f s, %d after), %d checkouts paid',
             scalar @log, scalar @before, scalar @during, $killed_by - $killed_at, scalar @after,
             scalar @paid);
diag(sprintf 'failed during the kill (+%.2f s to +%.2f s): %s %s', $_->[0] - $killed_at,
             $_->[1] - $killed_at, $_->[2], $_->[3]) for grep { !$ok->($_) } @during;

is_deeply([ grep { !$ok->($_) } @before ], [], 'before the kill every request succeeds');
ok(@after >= 3 * CLIENTS, 'the load goes on after the kill');
is_deeply([ map { "@$_" } grep { !$ok->($_) } @after ], [], 'after the kill every request succeeds');
cmp_ok(scalar(grep { !$ok->($_) } @during), '<=', CLIENTS,
       'during the kill, at most the requests in flight fail');
ok(scalar(grep { $_->[2] eq 'pay' } @after), 'checkouts are paid after the kill');

# every session the database calls paid (each 303 among them) has one payment.succeeded
my %paid_in_db = map { $_->[0] => 1 }
    sql("select id from checkout_session where payment_status = 'paid' and user_id = "
        . "(select user_id from checkout_session where id = :'p1')", $paid[0]);
is_deeply([ grep { !$paid_in_db{$_} } @paid ], [], 'every paid answer is a paid session');
my %count;
wait_for(60, sub {
    %count = ();
    for (`kcat -b $ENV{SHOP_KAFKA_BROKERS} -C -t payment-events -o beginning -e -q -f '%k %s\\n' 2>/dev/null`) {
        my ($key, $value) = split ' ', $_, 2;
        $count{$key}++ if $paid_in_db{$key} && $json->decode($value)->{type} eq 'payment.succeeded';
    }
    keys %count == keys %paid_in_db;
}, 1);
is_deeply([ grep { ($count{$_} // 0) != 1 } sort keys %paid_in_db ], [],
          sprintf('each of the %d paid checkouts has its payment.succeeded once', scalar keys %paid_in_db));

package ShopCluster::Guard;
sub DESTROY { $_[0]->() }
