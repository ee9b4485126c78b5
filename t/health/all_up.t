# Every service answers /health 200 with a real check of each dependency it uses.
use strict;
use warnings;
use Apache::Test qw(-withtestmore);
use ShopTest;

my %deps = (
    shop_product => [qw(database kafka)],
    shop_auth    => [qw(database kafka)],
    shop_order   => [qw(kafka mongodb)],
    shop_payment => [qw(database kafka)],
);

plan tests => 6 * keys %deps;

for my $service (sort keys %deps) {
    my ($code, $body, $res) = get_json($service, '/health');
    is($code, 200, "$service /health is 200");
    is($res->header('Content-Type'), 'application/json', "$service answers JSON");
    is($body->{status}, 'ok', "$service status ok");
    is_deeply([sort keys %{ $body->{checks} }], $deps{$service}, "$service checks @{$deps{$service}}");
    is_deeply([grep { $body->{checks}{$_}{status} ne 'ok' } keys %{ $body->{checks} }], [],
              "$service: every check ok");
    ok(defined $body->{uptime} && $body->{uptime} >= 0, "$service reports uptime");
}
