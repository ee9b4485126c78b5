# Behind the gateway, a service sees the customer's address (conf/service.conf:
# X-Forwarded-For believed from SHOP_TRUSTED_PROXY only): a failed sign-in through
# the gateway is counted for the client that sent it, not for the gateway, so one
# client's failures never lock the others out. Here the clients are told apart by
# the address they claim (every test client is on 127.0.0.1, a trusted proxy).
use strict;
use warnings;
use Apache::Test qw(-withtestmore);
use ShopTest;

my (undef, $fields) = new_user('xff');
my $gateway = "http://127.0.0.1:$ENV{SHOP_GATEWAY_PORT}";

sub failures {
    my ($key) = @_;
    return sql_value('select failures from auth_throttle where key = :\'p1\'', $key) // 0;
}

# the counter of KEY as "failures since window_start", or "none"
sub counter {
    my ($key) = @_;
    my ($row) = sql('select failures, window_start from auth_throttle where key = :\'p1\'', $key);
    return $row ? "@$row" : 'none';
}

sub failed_sign_in {
    my ($via, @headers) = @_;
    my ($code) = request_json('shop_auth', 'POST', "$via/auth/sign-in", headers => \@headers,
                              json => { email => $fields->{email}, password => 'not the password' });
    return $code;
}

# an address of the documentation range that no earlier run used
my $client = sprintf '2001:db8::%x:%x', $$, time % 65536;
my $before = counter('client:127.0.0.1');
is(failed_sign_in("$gateway/api", 'X-Forwarded-For' => $client), 401,
   'a failed sign-in through the gateway: 401');
is(failures("client:$client"), 1, '... counted for the client that sent it');
# a failure purges counters whose window ended: the gateway's may go, never change
like(counter('client:127.0.0.1'), qr/^(\Q$before\E|none)$/, '... not for the gateway');

done_testing();
