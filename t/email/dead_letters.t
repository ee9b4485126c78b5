# An event that can never be mailed goes to <topic>.dlq with the reason in its
# error header, and nothing is sent: no usable address, an address that tries
# to add a header, an event id with line breaks, an event that is not JSON.
# The events behind them still flow.
use strict;
use warnings;
use Apache::Test qw(-withtestmore);
use ShopTest;
use ShopMail;

plan tests => 10;

my $tag = unique_tag();

# the mail consumer's dead letter with KEY on TOPIC's dead letter topic (the order
# worker may reject the same payment event for its own reasons), waiting up to 60 s
sub dead_letter {
    my ($topic, $key) = @_;
    return wait_for(60, sub {
        (grep { ($_->{key} // '') eq $key && ($_->{headers}{'consumer-group'} // '') eq 'shop-email' }
         kcat_consume("$topic.dlq"))[0];
    });
}

my $no_address = "cs_noaddr_$tag";
publish_event('payment-events', $no_address, 'payment.failed', "payment.failed:$no_address",
              { checkoutSessionId => $no_address, amount => 10, currency => 'usd', reason => 'declined' });
my $dl = dead_letter('payment-events', $no_address);
ok($dl, 'payment.failed without an email address: to payment-events.dlq');
like($dl->{headers}{error} // '', qr/no usable email address/, '... saying why');

my $victim = unique_address('victim');
my $evil = unique_address('evil');
my $injected = "ord_inj_$tag";
publish_event('order-events', $injected, 'order.created', "order.created:$injected",
              { id => $injected, email => "$victim\r\nBcc: $evil", amount => 1, currency => 'usd',
                items => [], status => 'paid' });
$dl = dead_letter('order-events', $injected);
ok($dl, 'an address carrying a Bcc header: to order-events.dlq');
like($dl->{headers}{error} // '', qr/no usable email address/, '... saying why');

my $bad_id = "badid_$tag";
publish_event('user-events', $bad_id, 'user.created', "id\r\nwith: lines",
              { id => $bad_id, email => unique_address('badid'), firstName => 'B' });
$dl = dead_letter('user-events', $bad_id);
ok($dl, 'an event id with CR/LF: to user-events.dlq');
like($dl->{headers}{error} // '', qr/control characters/, '... saying why');

my $garbage = "garbage_$tag";
kcat_produce('order-events', $garbage, '{"this is": not json');
$dl = dead_letter('order-events', $garbage);
ok($dl, 'a message that is not JSON: to order-events.dlq');
like($dl->{headers}{error} // '', qr/not JSON/, '... saying why');

my $after = unique_address('after');
publish_event('order-events', $garbage, 'order.created', "order.created:after_$tag",
              { id => "after_$tag", email => $after, amount => 1, currency => 'usd', items => [] });
ok(scalar wait_mails($after, 1, 60), 'the event behind them is mailed');
is(scalar(mails_to($victim)) + scalar(mails_to($evil)), 0, 'nothing was sent to the injected addresses');
