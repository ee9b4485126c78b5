# The flow across the workers: a payment.succeeded on payment-events becomes an
# order (mod_shop_order's worker), whose order.created becomes the confirmation
# mail; a payment.failed becomes the "payment failed" mail, and no confirmation
# for the failed order the order worker makes of it.
use strict;
use warnings;
use Apache::Test qw(-withtestmore);
use JSON::PP ();
use ShopTest;
use ShopMail;

plan tests => 7;

my $tag = unique_tag();

# the data of a payment event of SESSION paid by ADDRESS (include/mod_shop.h)
sub payment {
    my ($session, $address) = @_;
    return { checkoutSessionId => $session, userId => "user-$tag", email => $address,
             items => [ { productId => 'p1', name => 'Rain Jacket', price => 59.5, quantity => 1,
                          size => 's', color => 'yellow' } ],
             amount => 59.5, currency => 'usd', paymentIntentId => "pi_$session", provider => 'test',
             shipping => { name => 'Carl Checkout', email => $address, phone => '1', address => '2 Side St',
                           city => 'Shelbyville' } };
}

my $paid = unique_address('paid');
my $session = "cs_flow_$tag";
publish_event('payment-events', $session, 'payment.succeeded', "payment.succeeded:$session",
              payment($session, $paid));
my @mails = wait_mails($paid, 1, 90);
is(scalar @mails, 1, 'payment.succeeded -> order -> one confirmation mail within 90 s');
like($mails[0]{Subject} // '', qr/^Your order [0-9a-f]{24} is confirmed$/, '... for the stored order');
my $mail = mail_message($mails[0]{ID} // '');
like($mail->{Text} // '', qr/Rain Jacket \(size s, color yellow\) x 1 at \$59\.50/, '... with its item');
like($mail->{Text} // '', qr/Total: \$59\.50/, '... and total');

my $failed = unique_address('flowfail');
my $failed_session = "cs_flowfail_$tag";
publish_event('payment-events', $failed_session, 'payment.failed', "payment.failed:$failed_session",
              { %{ payment($failed_session, $failed) }, reason => 'insufficient funds' });
my $json = JSON::PP->new;
my $created = wait_for(60, sub {
    (grep { my $e = eval { $json->decode($_->{value}) } || {};
            ($e->{type} // '') eq 'order.created'
            && ($e->{data}{checkoutSessionId} // '') eq $failed_session } kcat_consume('order-events'))[0];
});
# a mail after the failed order's order.created, on its key (the same partition), tells
# when that event was handled
my $sentinel = unique_address('flowsentinel');
publish_event('order-events', $created->{key} // '', 'order.updated', "flow-sentinel-$tag",
              { id => $created->{key}, email => $sentinel, status => 'shipped', amount => 1 });
ok(scalar wait_mails($sentinel, 1, 60), 'the failed order\'s order.created was handled');
@mails = wait_mails($failed, 1, 60);
is(scalar @mails, 1, 'payment.failed: one mail');
is($mails[0]{Subject}, 'Your payment did not go through', '... the payment failed mail, no confirmation');
