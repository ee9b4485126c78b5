# Failed sign-ins are limited (ShopAuthSignInLimit). On shop_auth (3 per
# account per 60 s): after 3 failures the account answers 429 with Retry-After,
# even to the right password, under its email in any case and under its
# username; unknown accounts are limited alike; other accounts are not
# affected. On shop_auth_strict (3 per client address): 3 failures on 3
# different accounts close sign-in to that client for every account.
use strict;
use warnings;
use Apache::Test qw(-withtestmore);
use ShopTest;

plan tests => 35;

my $run = unique_tag();
my $n = 0;
sub new_user {
    my $tag = $run . 'l' . ++$n;
    my %f = (email => "limit.$tag\@example.test", username => "limit_$tag", firstName => 'Lim',
             lastName => 'Ited', password => "right password $tag");
    my ($code) = sign_up('shop_auth', \%f);
    die "sign-up failed: $code" unless $code == 201;
    return \%f;
}

# ---- per account, on shop_auth ---------------------------------------------------

my $victim = new_user();
my $bystander = new_user();

for my $try (1 .. 3) {
    my ($code, $body) = sign_in('shop_auth', { email => $victim->{email}, password => "wrong $try" });
    is($code, 401, "failed sign-in $try of 3: 401");
}
throttled(sign_in('shop_auth', { email => $victim->{email}, password => $victim->{password} }),
          '4th sign-in, with the right password');
throttled(sign_in('shop_auth', { email => uc $victim->{email}, password => $victim->{password} }),
          'the email in upper case');
my ($code, $body) = sign_in('shop_auth', { username => $victim->{username}, password => $victim->{password} });
is($code, 429, 'the same account by its username: 429 (the limit is per account, not per login string)');

($code, $body) = sign_in('shop_auth', { email => $bystander->{email}, password => $bystander->{password} });
is($code, 200, 'another account signs in as usual');

# an unknown account is limited the same way (no hint that it does not exist)
my $ghost = "ghost.$run\@example.test";
for my $try (1 .. 3) {
    ($code) = sign_in('shop_auth', { email => $ghost, password => "guess $try" });
    is($code, 401, "unknown account, failure $try of 3: 401");
}
throttled(sign_in('shop_auth', { email => $ghost, password => 'guess 4' }), 'unknown account, 4th attempt');

# a success clears the account's count
my $forgetful = new_user();
for my $try (1 .. 2) {
    sign_in('shop_auth', { email => $forgetful->{email}, password => "wrong $try" });
}
($code) = sign_in('shop_auth', { email => $forgetful->{email}, password => $forgetful->{password} });
is($code, 200, 'two failures then the right password: 200');
for my $try (3 .. 4) {
    ($code) = sign_in('shop_auth', { email => $forgetful->{email}, password => "wrong $try" });
}
is($code, 401, 'two more failures after the success are still 401, not 429');

# ---- per client address, on shop_auth_strict -----------------------------------------

sql("delete from auth_throttle where key like 'client:%'");
my $strict_user = new_user();
for my $try (1 .. 3) {
    ($code) = sign_in('shop_auth_strict', { email => "stranger$try.$run\@example.test", password => 'guess' });
    is($code, 401, "strict: unknown account $try of 3: 401");
}
throttled(sign_in('shop_auth_strict', { email => $strict_user->{email}, password => $strict_user->{password} }),
          'strict: a 4th account with the right password');
throttled(sign_in('shop_auth_strict', { username => "stranger4_$run", password => 'guess' }),
          'strict: yet another account');
($code) = sign_in('shop_auth', { email => $strict_user->{email}, password => $strict_user->{password} });
is($code, 200, 'the same client still signs in on shop_auth (client limit 1000)');
($code, $body) = request_json('shop_auth_strict', 'GET', '/health');
is($code, 200, 'strict: only sign-in is limited, other routes answer');

# leave the strict vhost open for whatever runs next
sql("delete from auth_throttle where key like 'client:%'");
