# Both workers join the same consumer groups and split the partitions: each
# httpd's /health/worker lists the partitions its consumers hold, and together
# they hold every partition of their topics, none twice.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Test::More;
use ShopCluster;

# consumer NAME -> [topics] (the groups of the shop's own workers)
my %topics = (order => ['payment-events'],
              email => ['user-events', 'order-events', 'payment-events']);
plan tests => 2 + 4 * keys %topics;

# consumer name -> instance -> its partitions, once both reports are in
my %held;
sub holdings {
    %held = ();
    for my $n (1, 2) {
        my $report = worker_report($n) or return 0;
        $held{ $_->{name} }{$n} = $_->{partitions} for @{ $report->{consumers} };
    }
    return 1;
}
# the groups are settled when every partition has exactly one holder
sub settled {
    holdings() or return 0;
    for my $name (keys %topics) {
        my @all = map { @{ $held{$name}{$_} || [] } } 1, 2;
        return 0 unless @all == 3 * @{ $topics{$name} };
    }
    return 1;
}

ok(wait_for(60, \&settled, 0.5), 'both reports list their partitions, every one held');
my ($one, $two) = map { worker_report($_) } 1, 2;
isnt($one->{pid}, $two->{pid}, 'two worker processes');
for my $name (sort keys %topics) {
    my ($c1) = grep { $_->{name} eq $name } @{ $one->{consumers} };
    my ($c2) = grep { $_->{name} eq $name } @{ $two->{consumers} };
    is($c1->{group}, $c2->{group}, "$name: one group ($c1->{group})");
    ok(@{ $held{$name}{1} } && @{ $held{$name}{2} }, "$name: each worker holds some partitions");
    my @all = sort map { @{ $held{$name}{$_} } } 1, 2;
    my @want = sort map { my $t = $_; map { "$t/$_" } 0 .. 2 } @{ $topics{$name} };
    is_deeply(\@all, \@want, "$name: together every partition of " . join(', ', @{ $topics{$name} }));
    my %seen;
    is_deeply([ grep { $seen{$_}++ } @all ], [], "$name: none held twice");
}
