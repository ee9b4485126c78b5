# GET /order-chart (admin): the last 6 months, oldest first, each
# {month: "YYYY-MM", total, successful}, months without orders as 0;
# successful counts the orders whose payment did not fail. Checked against
# orders written into MongoDB with known months (the suite's MongoDB keeps the
# other tests' orders, so the check is on what these add).
use strict;
use warnings;
use Apache::Test qw(-withtestmore);
use POSIX ();
use ShopTest;

my ($uid, $f, $token) = new_user('ordc');
my $admin = catalog_admin();
my $tag = unique_tag();

# "YYYY-MM" of N months before this one (UTC)
sub month_back {
    my ($n) = @_;
    my @t = gmtime;
    my $m = ($t[5] + 1900) * 12 + $t[4] - $n;
    return sprintf '%04d-%02d', int($m / 12), $m % 12 + 1;
}

sub chart {
    my ($code, $body) = request_json('shop_order', 'GET', '/order-chart', token => $admin);
    die "GET /order-chart: $code\n" unless $code == 200;
    return { map { $_->{month} => $_ } @$body }, $body;
}

my ($code, $body) = request_json('shop_order', 'GET', '/order-chart', token => $token);
is($code, 403, 'a user: 403');
($code) = request_json('shop_order', 'GET', '/order-chart');
is($code, 401, 'no token: 401');

my ($before, $list) = chart();
is_deeply([map { $_->{month} } @$list], [map { month_back($_) } reverse 0 .. 5],
          'six months, oldest first, ending with this one');
ok(!(grep { $_->{total} !~ /^\d+$/ || $_->{successful} !~ /^\d+$/ } @$list),
   'every month has numbers, 0 when it had no orders');

# months back => statuses of the orders written there
my %orders = (0 => [qw(paid shipped failed)], 2 => ['delivered'], 5 => [qw(failed refunded)],
              6 => [qw(paid paid)]);
my $n = 0;
my @docs;
for my $back (sort keys %orders) {
    my $month = month_back($back);
    for my $status (@{ $orders{$back} }) {
        $n++;
        push @docs, { userId => $uid, email => $f->{email}, items => [], amount => 1000,
                      currency => 'usd', status => $status, checkoutSessionId => "cs_chart_${tag}_$n",
                      paymentIntentId => undef, shipping => undef, refundedAmount => 0,
                      month => $month, createdAt => { '$date' => "$month-15T12:00:00Z" },
                      updatedAt => { '$date' => "$month-15T12:00:00Z" } };
    }
}
my $reply = mongo_command(insert => 'orders', documents => \@docs);
is($reply->{n}, scalar @docs, 'orders of known months written');

my ($after, $list2) = chart();
my %want = (0 => [3, 2], 1 => [0, 0], 2 => [1, 1], 3 => [0, 0], 4 => [0, 0], 5 => [2, 1]);
for my $back (sort keys %want) {
    my $m = month_back($back);
    is($after->{$m}{total} - $before->{$m}{total}, $want{$back}[0], "$m: total +$want{$back}[0]");
    is($after->{$m}{successful} - $before->{$m}{successful}, $want{$back}[1],
       "$m: successful +$want{$back}[1]");
}
is(scalar @$list2, 6, 'the orders of 6 months ago are not in the chart');

done_testing();
