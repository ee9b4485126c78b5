# Order and payment events become mails: order.created the confirmation with
# every item (name, size, color, quantity, price) and the total, in the text
# and the HTML part (HTML-escaped there), but none for the order of a failed
# payment; order.updated one mail for each of shipped, delivered, refunded and
# partially_refunded (with the amount refunded), none for other statuses;
# payment.failed a "payment failed" mail with the reason. Events go to Kafka as
# mod_shop_order and mod_shop_payment publish them (include/mod_shop.h).
use strict;
use warnings;
use Apache::Test qw(-withtestmore);
use ShopTest;
use ShopMail;

plan tests => 30;

my $tag = unique_tag();
my $to = unique_address('order');
my $order_id = "ord$tag";
my %order = (
    id => $order_id, userId => "user-$tag", email => $to, currency => 'usd', amount => 123.7,
    status => 'paid', checkoutSessionId => "cs_$tag", paymentIntentId => "pi_$tag",
    items => [ { productId => 'p1', name => 'Linen Shirt', price => 39.9, quantity => 2, size => 'm',
                 color => 'blue' },
               { productId => 'p2', name => 'Socks <Fun> & Co', price => 43.9, quantity => 1,
                 size => 'l', color => 'red' } ],
    shipping => { name => 'Olga Order', email => $to, phone => '123', address => '1 Main St',
                  city => 'Springfield' },
);

# ---- order.created ----------------------------------------------------------------------

publish_event('order-events', $order_id, 'order.created', "order.created:$order_id", \%order);
my @mails = wait_mails($to, 1, 60);
is(scalar @mails, 1, 'order.created: one mail within 60 s');
my ($confirmation) = grep { ($_->{Subject} // '') =~ /confirmed/ } @mails;
is($confirmation->{Subject}, "Your order $order_id is confirmed", 'the confirmation subject');
is($confirmation->{To}[0]{Name}, 'Olga Order', 'to the shipping name');
my $mail = mail_message($confirmation->{ID} // '');
my ($text, $html) = ($mail->{Text} // '', $mail->{HTML} // '');
like($text, qr/Linen Shirt \(size m, color blue\) x 2 at \$39\.90 = \$79\.80/, 'text: the first item');
like($text, qr/Socks <Fun> & Co \(size l, color red\) x 1 at \$43\.90 = \$43\.90/,
     'text: the second item, as it is');
like($text, qr/Total: \$123\.70/, 'text: the total');
like($html, qr/Linen Shirt<br><span[^>]*>Size m &middot; Color blue<\/span>/, 'html: the first item row');
like($html, qr/Socks &lt;Fun&gt; &amp; Co/, 'html: the second item, escaped');
unlike($html, qr/<Fun>/, 'html: no raw markup from the event');
like($html, qr/>\$123\.70</, 'html: the total');
is(() = $html =~ /<tr>\s*<td style="padding:8px 0;border-bottom:1px solid #e4e4e7;">/g, 2,
   'html: one row per item');

# ---- order.updated ----------------------------------------------------------------------

my %subjects = (shipped => "Your order $order_id has shipped",
                delivered => "Your order $order_id was delivered",
                refunded => "Your order $order_id was refunded",
                partially_refunded => "Part of your order $order_id was refunded");
for my $status (qw(processing shipped cancelled delivered partially_refunded refunded)) {
    my $id = $status =~ /refunded/ ? "order.updated:$order_id:refund:re_$status"
                                   : "order.updated:$order_id:$status";
    my $refunded = $status eq 'refunded' ? 123.7 : $status eq 'partially_refunded' ? 43.9 : 0;
    publish_event('order-events', $order_id, 'order.updated', $id,
                  { %order, status => $status, refundedAmount => $refunded });
}
@mails = wait_mails($to, 5, 60);
is(scalar @mails, 5, 'four status mails more, within 60 s');
for my $status (sort keys %subjects) {
    my @these = grep { ($_->{Subject} // '') eq $subjects{$status} } @mails;
    is(scalar @these, 1, "one mail for status $status");
}
sleep 2;
is(scalar(mails_to($to)), 5, 'no mail for the statuses processing and cancelled');
my ($shipped) = grep { ($_->{Subject} // '') eq $subjects{shipped} } @mails;
$mail = mail_message($shipped->{ID} // '');
like($mail->{Text} // '', qr/Hello Olga Order,\s+good news: your order has shipped/, 'shipped: the text');
like($mail->{HTML} // '', qr/Order \Q$order_id\E &middot; total \$123\.70/, 'shipped: the HTML');

my ($partial) = grep { ($_->{Subject} // '') eq $subjects{partially_refunded} } @mails;
$mail = mail_message($partial->{ID} // '');
like($mail->{Text} // '', qr/we refunded \$43\.90 of your order of \$123\.70\./,
     'partially refunded: the amount refunded and the total');
my ($full) = grep { ($_->{Subject} // '') eq $subjects{refunded} } @mails;
$mail = mail_message($full->{ID} // '');
like($mail->{HTML} // '', qr/we refunded \$123\.70, the whole of your order\./, 'refunded: the amount');

# ---- the order of a failed payment: no confirmation (payment.failed has its mail) ------

my $failed_to = unique_address('failedorder');
my $failed_id = "ordfail$tag";
publish_event('order-events', $failed_id, 'order.created', "order.created:$failed_id",
              { %order, id => $failed_id, email => $failed_to, status => 'failed',
                shipping => { %{ $order{shipping} }, email => $failed_to } });
publish_event('order-events', $failed_id, 'order.updated', "order.updated:$failed_id:shipped",
              { %order, id => $failed_id, email => $failed_to, status => 'shipped',
                shipping => { %{ $order{shipping} }, email => $failed_to } });
@mails = wait_mails($failed_to, 1, 60);
is(scalar @mails, 1, 'an order.created with status failed, then a shipped update: one mail');
is($mails[0]{Subject}, "Your order $failed_id has shipped", '... the shipped one, no confirmation');

# ---- payment.failed ---------------------------------------------------------------------

my $payer = unique_address('payfail');
my $account = unique_address('payaccount');
my $session = "cs_fail_$tag";
publish_event('payment-events', $session, 'payment.failed', "payment.failed:$session",
              { checkoutSessionId => $session, userId => "user-$tag", email => $account,
                items => [ { productId => 'p3', name => 'Wool Coat', price => 120, quantity => 1,
                             size => 'xl', color => 'green' } ],
                amount => 120, currency => 'eur', provider => 'test',
                shipping => { name => 'Paula Payer', email => $payer }, reason => 'card declined' });
@mails = wait_mails($payer, 1, 60);
is(scalar @mails, 1, 'payment.failed: one mail within 60 s, to the checkout\'s contact');
is(scalar(mails_to($account)), 0, '... not to the account\'s address');
is($mails[0]{Subject}, 'Your payment did not go through', 'the payment failed subject');
$mail = mail_message($mails[0]{ID} // '');
like($mail->{Text} // '', qr/payment of \x{20ac}120\.00 for your order at mod_shop\s+\(card declined\)/,
     'the text names the amount and the reason');
like($mail->{Text} // '', qr/Wool Coat \(size xl, color green\) x 1/, '... and the items');
like($mail->{HTML} // '', qr/<strong>\x{20ac}120\.00<\/strong> \(card declined\)/, 'the HTML too');

# ---- other events: no mail -------------------------------------------------------------

my $quiet = unique_address('quiet');
my %user = (id => "quiet_$tag", email => $quiet, firstName => 'Quinn', lastName => 'Quiet');
publish_event('user-events', "quiet_$tag", 'user.updated', "user.updated:quiet_$tag", \%user);
publish_event('user-events', "quiet_$tag", 'user.deleted', "user.deleted:quiet_$tag", \%user);
publish_event('user-events', "quiet_$tag", 'user.created', "user.created:quiet_$tag", \%user);
@mails = wait_mails($quiet, 1, 60);
sleep 1;
is(join(',', map { $_->{Subject} } mails_to($quiet)), 'Welcome to mod_shop, Quinn!',
   'user.updated and user.deleted get no mail (the user.created after them, on the same partition, does)');
