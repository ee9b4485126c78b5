# Checkout while a part of the pipeline is down: nothing lost, nothing doubled.
#   Kafka down      the webhooks still answer 200 (the events wait in the outbox);
#                   the orders and mails come once Kafka is back
#   FerretDB down   payments keep coming; the order worker retries, and the orders
#                   and mails come once it is back
#   mailpit down    the orders are made; the mails come once the SMTP server is back
# Each payment has a mailbox of its own: one order and one mail each, in the end.
use strict;
use warnings;
use Apache::Test qw(-withtestmore);
use ShopTest;
use ShopMail;

my $product = payment_product(price => 12);
my ($user, $fields, $token) = new_user('outage');

# a Stripe checkout of 1 x 12.00 with its own mailbox: (session id, address)
sub new_session {
    my ($service) = @_;
    my $address = unique_address('outage');
    my $body = checkout_body($product, quantity => 1);
    $body->{shipping}{email} = $address;
    my ($code, $answer) = create_checkout($service, $token, $body);
    die "create-checkout-session: $code\n" unless $code == 200;
    return ($answer->{id}, $address);
}

# each payment: 1 when accepted (the webhook 200, the test page's redirect 303)
sub paid_by_webhook {
    my ($session) = @_;
    return 200 == (stripe_webhook(stripe_event('checkout.session.completed', {
        id => "cs_test_$session", object => 'checkout.session', metadata => { session_id => $session },
        payment_status => 'paid', amount_total => 1200, currency => 'usd',
        payment_intent => "pi_$session" })))[0];
}

sub paid_on_test_page {
    my ($session) = @_;
    return 303 == (request_json('shop_payment', 'POST', "/pay/$session", content => 'action=pay',
                                headers => [ 'Content-Type' => 'application/x-www-form-urlencoded' ]))[0];
}

# (sessions with other than one order, sessions with other than one mail) once all came
sub effects {
    my (%mailbox) = @_;
    my @sessions = sort keys %mailbox;
    order_from_payment($_, 120) for @sessions;
    wait_mails($mailbox{$_}, 1, 120) for @sessions;
    sleep 2;                                    # a duplicate would have come by now
    return ([ grep { scalar(mongo_orders({ checkoutSessionId => $_ })) != 1 } @sessions ],
            [ grep { scalar(mails_to($mailbox{$_})) != 1 } @sessions ]);
}

sub outage {
    my ($component, $pay, $service, $n, $while_down) = @_;
    my %mailbox;
    my @sessions = map { my ($s, $a) = new_session($service); $mailbox{$s} = $a; $s } 1 .. $n;
    stack('stop', $component);
    my $restarted;
    my $guard = bless sub { stack('start', $component) unless $restarted }, 'ShopTest::Guard';
    is_deeply([ map { $pay->($_) } @sessions ], [ (1) x $n ], "$component down: $n payments accepted");
    $while_down->(\%mailbox) if $while_down;
    sleep 3;
    stack('start', $component);
    $restarted = 1;
    my ($orders, $mails) = effects(%mailbox);
    is_deeply($orders, [], "$component back: one order per payment");
    is_deeply($mails, [], "$component back: one mail per payment");
}

outage('kafka', \&paid_by_webhook, 'shop_payment_stripe', 3, sub {
    my ($mailbox) = @_;
    is(scalar(grep { mongo_orders({ checkoutSessionId => $_ }) } keys %$mailbox), 0,
       'no order while Kafka is down');
});
outage('ferretdb', \&paid_on_test_page, 'shop_payment', 3);
outage('mailpit', \&paid_on_test_page, 'shop_payment', 3, sub {
    my ($mailbox) = @_;
    ok(wait_for(60, sub { !grep { !mongo_orders({ checkoutSessionId => $_ }) } keys %$mailbox }),
       'the orders are made while mailpit is down');
});

done_testing();
