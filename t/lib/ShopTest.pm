# ShopTest: helpers for the mod_shop Apache::Test suite: JSON requests to a named
# service VirtualHost, control of the test stack, polling.
package ShopTest;
use strict;
use warnings;

use Apache::TestRequest ();
use JSON::PP ();
use Time::HiRes ();
use Exporter 'import';

our @EXPORT = qw(get_json stack wait_for top_dir kcat_consume outage_test);

my $json = JSON::PP->new->utf8->canonical;

sub top_dir { Apache::Test::vars('serverroot') . '/..' }

# get_json(SERVICE, PATH) -> (status, decoded body or undef)
sub get_json {
    my ($service, $path) = @_;
    local $_;                   # LWP clobbers $_, which may alias a caller's array
    Apache::TestRequest::module($service);
    my $res = Apache::TestRequest::GET($path);
    my $body = eval { $json->decode($res->content) };
    return ($res->code, $body, $res);
}

# stack(ACTION, COMPONENT...): scripts/stack on the test stack; dies on failure
sub stack {
    my @cmd = (top_dir() . '/scripts/stack', @_);
    system(@cmd) == 0 or die "@cmd failed: $?";
}

# wait_for(SECONDS, CODE): calls CODE every 0.25 s until it returns true; its last value
sub wait_for {
    my ($seconds, $code) = @_;
    my $deadline = Time::HiRes::time() + $seconds;
    while (1) {
        my $ok = $code->();
        return $ok if $ok || Time::HiRes::time() > $deadline;
        Time::HiRes::sleep(0.25);
    }
}

# kcat_consume(TOPIC): every message on TOPIC, from the start, as
# { key, value, headers => {name => value} } records
sub kcat_consume {
    my ($topic) = @_;
    my $broker = "127.0.0.1:$ENV{SHOP_KAFKA_PORT}";
    my @lines = `kcat -b $broker -C -t '$topic' -o beginning -e -q -f '%k\\t%h\\t%s\\n' 2>/dev/null`;
    return map {
        chomp;
        my ($key, $headers, $value) = split /\t/, $_, 3;
        my %h = map { split /=/, $_, 2 } grep { length } split /,/, $headers;
        { key => $key, value => $value, headers => \%h }
    } @lines;
}

# outage_test(COMPONENT, CHECK, SERVICES...): stopping COMPONENT turns each
# service's /health into 503 naming CHECK; starting it again brings back 200
# without restarting httpd. Five assertions per service.
sub outage_test {
    my ($component, $check, @services) = @_;
    my $healthy = sub { (get_json($_[0], '/health'))[0] == 200 };

    Test::More::ok((!grep { !$healthy->($_) } @services), "all healthy before $component stops");
    stack('stop', $component);
    my $restarted;
    my $guard = bless sub { stack('start', $component) unless $restarted }, 'ShopTest::Guard';
    for my $service (@services) {
        my ($code, $body) = get_json($service, '/health');
        Test::More::is($code, 503, "$service /health is 503 while $component is down");
        Test::More::is($body->{checks}{$check}{status}, 'down', "$service names $check down");
        Test::More::like($body->{message} // '', qr/\b\Q$check\E\b/, "$service message names $check");
    }
    stack('start', $component);
    $restarted = 1;
    for my $service (@services) {
        Test::More::ok(wait_for(30, sub { $healthy->($service) }),
                       "$service /health is 200 again after $component returns");
    }
}

package ShopTest::Guard;
sub DESTROY { $_[0]->() }

1;
