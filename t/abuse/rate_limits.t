# Abuse: sign-in brute force (ShopAuthSignInLimit) that tries to hide behind
# X-Forwarded-For. One account guessed from many claimed addresses is still
# closed after its 3 failures (shop_auth: 3 per account), and stays closed to
# its owner's right password. Many accounts guessed from one untrusted client
# (127.0.0.2, not SHOP_TRUSTED_PROXY) that sends a new X-Forwarded-For each
# time are closed after 3 (shop_auth_strict: 3 per client): the header is
# ignored, the failures are counted for 127.0.0.2 and for no claimed address.
# (t/auth/rate_limit.t: the limits themselves; t/gateway/client_address.t: the
# gateway's X-Forwarded-For believed.)
use strict;
use warnings;
use Apache::Test qw(-withtestmore);
use ShopTest;

my $untrusted = '127.0.0.2';
my $n = 0;
sub claimed { sprintf '198.51.100.%d', ++$n }          # addresses of the documentation range

sub counted { sql_value("select coalesce(sum(failures), 0) from auth_throttle where key = any(:'p1'::text[])",
                        '{' . join(',', map { "client:$_" } @_) . '}') }

# ---- one account from many addresses --------------------------------------------------

sql("delete from auth_throttle where key like 'client:198.51.100.%'");

my (undef, $victim) = new_user('abrute');
my @claimed;
for my $try (1 .. 3) {
    push @claimed, claimed();
    my ($code) = request_json('shop_auth', 'POST', '/auth/sign-in', headers => [ 'X-Forwarded-For' => $claimed[-1] ],
                              json => { email => $victim->{email}, password => "guess $try" });
    is($code, 401, "guess $try on one account from $claimed[-1]: 401");
}
push @claimed, claimed();
throttled(request_json('shop_auth', 'POST', '/auth/sign-in', headers => [ 'X-Forwarded-For' => $claimed[-1] ],
                       json => { email => $victim->{email}, password => 'guess 4' }),
          "a 4th guess from yet another address $claimed[-1]");
throttled(sign_in('shop_auth', { email => $victim->{email}, password => $victim->{password} }),
          'the right password, from the owner\'s address');
is(counted(@claimed), 3, 'the trusted proxy\'s X-Forwarded-For: each claimed client counted once (so the account limit is what stops this)');

# ---- many accounts from one untrusted client, X-Forwarded-For varied -----------------------

sql("delete from auth_throttle where key = :'p1'", "client:$untrusted");
my ($code, $body) = request_json('shop_auth_strict', 'GET', '/health', from => $untrusted);
is($code, 200, "a client on $untrusted reaches the server (control)");
my @spoofed;
for my $try (1 .. 3) {
    push @spoofed, claimed();
    ($code) = request_json('shop_auth_strict', 'POST', '/auth/sign-in', from => $untrusted,
                           headers => [ 'X-Forwarded-For' => $spoofed[-1] ],
                           json => { email => "brute$try.$n\@example.test", password => 'guess' });
    is($code, 401, "account $try from $untrusted claiming $spoofed[-1]: 401");
}
my (undef, $other) = new_user('abother');
push @spoofed, claimed();
throttled(request_json('shop_auth_strict', 'POST', '/auth/sign-in', from => $untrusted,
                       headers => [ 'X-Forwarded-For' => $spoofed[-1] ],
                       json => { email => $other->{email}, password => $other->{password} }),
          "a 4th account from $untrusted claiming $spoofed[-1], right password");
is(counted($untrusted), 3, "the 3 failures are counted for $untrusted");
is(counted(@spoofed), 0, 'and for none of the addresses it claimed');
($code) = sign_in('shop_auth_strict', { email => $other->{email}, password => $other->{password} });
is($code, 200, 'another client (127.0.0.1) still signs in on shop_auth_strict');

# leave the strict vhost open for whatever runs next
sql("delete from auth_throttle where key = :'p1'", "client:$untrusted");

done_testing();
