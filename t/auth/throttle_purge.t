# Failed sign-ins leave counters in auth_throttle; each new failure also deletes
# up to 100 counters whose window has ended for every server (the longest
# ShopAuthSignInLimit window here is 60 s), and never a counter still counting.
use strict;
use warnings;
use Apache::Test qw(-withtestmore);
use ShopTest;

plan tests => 6;

my $tag = unique_tag();
sub count { sql_value("select count(*) from auth_throttle where key like :'p1'", "$_[0]%") }
sub fail_sign_in {
    my ($code) = sign_in('shop_auth', { email => 'nobody.' . unique_tag() . '@example.test', password => 'wrong password' });
    return $code;
}

sql("insert into auth_throttle (key, window_start, failures)"
    . " select 'account:expired-' || :'p1' || '-' || i, now() - interval '1 hour', 3 from generate_series(1, 150) i", $tag);
sql("insert into auth_throttle (key, window_start, failures) values ('account:current-' || :'p1', now() - interval '30 seconds', 2)", $tag);
is(count("account:expired-$tag"), 150, '150 expired counters');

is(fail_sign_in(), 401, 'a failed sign-in');
my $left = count("account:expired-$tag");
ok($left >= 50 && $left < 150, "... deleted some of them, at most 100 (a bounded batch; other tests' "
                               . "expired counters may go first): $left left");
fail_sign_in() for 1 .. 2;
is(count("account:expired-$tag"), 0, 'two more failures deleted the rest');
is(count("account:current-$tag"), 1, 'a counter whose window is still open stays');
is(sql_value("select failures from auth_throttle where key = 'account:current-' || :'p1'", $tag), 2,
   '... unchanged');
