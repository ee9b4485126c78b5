# A real sign-up (POST /auth/sign-up on the auth host) ends in a welcome mail:
# user.created goes through the outbox and user-events to the email worker,
# which sends it through the test stack's mailpit. The mail is multipart
# (text and HTML), addressed to the new user by name, from ShopEmailFrom, with
# a Message-ID derived from the event id; the event is recorded in email_sent.
use strict;
use warnings;
use Apache::Test qw(-withtestmore);
use Digest::SHA qw(sha1_hex);
use ShopTest;
use ShopMail;

plan tests => 17;

my $tag = unique_tag();
my %fields = (email => "welcome.$tag\@example.test", username => "welcome_$tag",
              firstName => 'Wendy', lastName => 'Welcome', password => "welcome password $tag");
my ($code, $body) = sign_up('shop_auth', \%fields);
is($code, 201, 'sign-up');
my $user_id = $body->{user}{id} // '';

my @mails = wait_mails($fields{email}, 1, 60);
is(scalar @mails, 1, 'one welcome mail reaches mailpit within 60 s');
my $summary = $mails[0] || {};
is($summary->{Subject}, 'Welcome to mod_shop, Wendy!', 'subject from welcome.txt');
is($summary->{From}{Address}, 'shop@shop.local', 'from ShopEmailFrom');
is($summary->{From}{Name}, 'mod_shop', '... with its display name');
is($summary->{To}[0]{Name}, 'Wendy Welcome', 'to the user by name');

my $mail = mail_message($summary->{ID} // '');
like($mail->{Text} // '', qr/Hello Wendy Welcome,/, 'the text part greets the user');
like($mail->{Text} // '', qr/\Q$fields{username}\E/, '... names the username');
like($mail->{HTML} // '', qr/<strong>\Q$fields{email}\E<\/strong>/, 'the HTML part shows the email');
like($mail->{HTML} // '', qr/<a href="http:\/\/localhost:3002\/"/, '... and links to the shop');

my $raw = mail_raw($summary->{ID} // '');
my $event_id = ShopTest::sql_value(
    "select payload->>'id' from outbox where key = :'p1' and payload->>'type' = 'user.created'", $user_id);
ok($event_id, 'the user.created event of the sign-up');
my $digest = sha1_hex($event_id // '');
like($raw, qr/^Message-ID: <\Q$digest\E\.event\@shop\.local>\r$/m, 'Message-ID derived from the event id');
like($raw, qr/^Date: \w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d \+0000\r$/m, 'a Date header');
like($raw, qr/^MIME-Version: 1\.0\r$/m, 'MIME-Version');
like($raw, qr/^Content-Type: multipart\/alternative; boundary="=_shop_\Q$digest\E"\r$/m,
     'multipart/alternative with a boundary');
like($raw, qr/Content-Type: text\/plain; charset=UTF-8.*Content-Type: text\/html; charset=UTF-8/s,
     'a text part, then an HTML part');
is(ShopTest::sql_value("select recipient from email_sent where event_id = :'p1'", $event_id // ''),
   $fields{email}, 'the event is recorded in email_sent with its recipient');
