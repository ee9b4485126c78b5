# The SMTP server is down (mailpit stopped): the event waits (the worker
# retries with its backoff) and is mailed once the server is back, exactly once.
use strict;
use warnings;
use Apache::Test qw(-withtestmore);
use ShopTest;
use ShopMail;

plan tests => 4;

my $tag = unique_tag();
my $to = unique_address('down');
my $log = Apache::Test::vars('t_logs') . '/error_log';
my $log_size = -s $log;

stack('stop', 'mailpit');
my $restarted;
my $guard = bless sub { stack('start', 'mailpit') unless $restarted }, 'ShopTest::Guard';

publish_event('user-events', "down_$tag", 'user.created', "down-$tag",
              { id => "down_$tag", email => $to, firstName => 'Don', lastName => 'Down',
                username => "down_$tag" });
my $retried = wait_for(30, sub {
    open(my $fh, '<', $log) or return;
    seek $fh, $log_size, 0;
    local $/;
    my $new = <$fh> // '';
    $new =~ /SHOP01010: consumer email: user-events\/\d+\@\d+ [^\n]*SMTP smtp:\/\/127\.0\.0\.1:$ENV{SHOP_SMTP_PORT}/;
});
ok($retried, 'while mailpit is down the worker retries, naming the SMTP server');

stack('start', 'mailpit');
$restarted = 1;
my @mails = wait_mails($to, 1, 90);
is(scalar @mails, 1, 'the mail arrives once mailpit is back');
is($mails[0]{Subject}, 'Welcome to mod_shop, Don!', '... the welcome mail');
sleep 3;
is(scalar(mails_to($to)), 1, '... exactly once');
