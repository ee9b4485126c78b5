# conf/monitoring: promtool accepts the alert rules, and every shop_* metric
# that the rules and the Grafana dashboard query is one that GET /metrics
# really exposes (so a renamed series cannot leave a silent panel or alert).
use strict;
use warnings;
use Apache::Test qw(-withtestmore);
use JSON::PP ();
use ShopTest;
use ShopMetrics;

plan tests => 5;

my $dir = top_dir() . '/conf/monitoring';
my $rules = "$dir/shop-alerts.yml";

my $out = `promtool check rules '$rules' 2>&1`;
is($?, 0, 'promtool check rules accepts shop-alerts.yml') or diag $out;

open(my $fh, '<', $rules) or die "$rules: $!";
my $yaml = do { local $/; <$fh> };
# the expr of each rule: its line, and the indented lines of a block scalar
my @rule_exprs = $yaml =~ /^\s+expr: \|?\s*(.*(?:\n\s{10,}\S.*)*)/mg;
open($fh, '<', "$dir/shop-dashboard.json") or die "dashboard: $!";
my $dashboard = JSON::PP->new->decode(do { local $/; <$fh> });
my @panel_exprs = map { map { $_->{expr} } @{ $_->{targets} } } @{ $dashboard->{panels} };

is(scalar @rule_exprs, 12, 'twelve alert rules');
ok(!grep({ !$_->{title} || !@{ $_->{targets} || [] } } @{ $dashboard->{panels} }),
   'every dashboard panel has a title and a query');

my %exposed;
for my $service (qw(shop_product shop_order shop_payment shop_auth)) {
    my (undef, $body) = metrics_text($service);
    $exposed{$_} = 1 for $body =~ /^# TYPE (\w+)/mg, $body =~ /^(\w+)[{ ]/mg;
}
my @unknown = grep { !$exposed{$_} } map { /\b(shop_\w+)/g } @rule_exprs;
is_deeply(\@unknown, [], 'the rules query only metrics /metrics exposes');
@unknown = grep { !$exposed{$_} } map { /\b(shop_\w+)/g } @panel_exprs;
is_deeply(\@unknown, [], 'and so does the dashboard');
