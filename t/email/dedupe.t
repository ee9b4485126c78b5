# Never the same mail twice: the same event delivered three times (same id)
# gives one mail and one email_sent row; another event with the same content
# but its own id gives its own mail.
use strict;
use warnings;
use Apache::Test qw(-withtestmore);
use ShopTest;
use ShopMail;

plan tests => 4;

my $tag = unique_tag();
my $to = unique_address('dedupe');
my $key = "user-$tag";
my %user = (id => $key, email => $to, username => "dedupe_$tag", firstName => 'Dee',
            lastName => 'Dupe', role => 'user');

publish_event('user-events', $key, 'user.created', "dup-$tag", \%user) for 1 .. 3;
# a last event on the same key (so the same partition, after the three), mailed elsewhere
my $sentinel = unique_address('sentinel');
publish_event('user-events', $key, 'user.created', "dup-sentinel-$tag", { %user, email => $sentinel });
ok(scalar wait_mails($sentinel, 1, 60), 'the events after the three copies were handled');
is(scalar(mails_to($to)), 1, 'the event delivered three times was mailed once');
is(sql_value("select count(*) from email_sent where event_id = :'p1'", "dup-$tag"), 1,
   'one email_sent row for it');

publish_event('user-events', $key, 'user.created', "dup-other-$tag", \%user);
is(scalar(wait_mails($to, 2, 60)), 2, 'another event id with the same content is another mail');
