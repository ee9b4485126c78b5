# GET /metrics answers the Prometheus text format on every service: each line a
# comment or "name{labels} value", each family with HELP and TYPE, histograms
# cumulative; other methods are refused.
use strict;
use warnings;
use Apache::Test qw(-withtestmore);
use ShopTest;
use ShopMetrics;

my @services = qw(shop_product shop_order shop_payment shop_auth);
plan tests => 6 * @services + 2;

for my $service (@services) {
    my ($code, $body, $type) = metrics_text($service);
    is($code, 200, "$service /metrics is 200");
    like($type, qr{^text/plain; version=0\.0\.4}, 'in the text format');
    my @bad = grep { !/^# (HELP|TYPE) [a-z_]+ \S/ && !/^[a-z_]+(\{([a-z_]+="(?:[^"\\]|\\.)*",?)*\})? [0-9.e+-]+$/ }
              split /\n/, $body;
    is_deeply(\@bad, [], 'every line is a comment or a sample') or diag(join "\n", @bad[0 .. 4]);
    my %typed = $body =~ /^# TYPE (\S+) (\S+)$/mg;
    my %sampled = map { /^([a-z_]+?)(?:_bucket|_sum|_count)?[{ ]/ && $typed{$1} ? ($1 => 1)
                        : /^([a-z_]+)[{ ]/ ? ($1 => 1) : () } grep { !/^#/ } split /\n/, $body;
    is_deeply([grep { !$typed{$_} } sort keys %sampled], [], 'every sample has a TYPE');
    my @inf = $body =~ /^shop_http_request_duration_seconds_bucket\{service="(\w+)",le="\+Inf"\} (\d+)$/mg;
    my %count = $body =~ /^shop_http_request_duration_seconds_count\{service="(\w+)"\} (\d+)$/mg;
    my %inf = @inf;
    is_deeply(\%inf, \%count, 'the +Inf bucket of each service is its count');
    my $monotonic = 1;
    for my $s (keys %count) {
        my @b = $body =~ /^shop_http_request_duration_seconds_bucket\{service="$s",le="[^"]+"\} (\d+)$/mg;
        $monotonic &&= !grep { $b[$_] < $b[$_ - 1] } 1 .. $#b;
    }
    ok($monotonic && keys %count == 4, 'buckets are cumulative, for the four services');
}

my ($code) = request_json('shop_product', 'POST', '/metrics', content => '');
is($code, 405, 'POST /metrics is 405');
my ($denied) = request_json('shop_product', 'GET', '/metrics', headers => ['X-Forwarded-For' => '203.0.113.9']);
is($denied, 403, 'a client that is not local (through the gateway) is refused');
