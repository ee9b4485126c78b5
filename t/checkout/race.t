# The race every shop loses somewhere: the customer's return page (GET /sessions/:id,
# which asks Stripe about a session still open) and Stripe's webhook both complete the
# same payment. Whichever comes first, and when they come at once with a redelivered
# webhook beside them, each session ends with one payment.succeeded, one order and one
# confirmation mail. Stripe is a stripe-mock whose sessions are paid, 20.00 usd
# (stripe_mock_paid); each session here is 2 x 10.00 with a mailbox of its own.
use strict;
use warnings;
use Apache::Test qw(-withtestmore);
use Digest::SHA qw(hmac_sha256_hex);
use JSON::PP ();
use Time::HiRes ();
use ShopTest;
use ShopMail;

my $service = 'shop_payment_stripe_paid';
my $json = JSON::PP->new->utf8->canonical;
my $stripe = stripe_mock_paid(2000);
my $product = payment_product(price => 10);
my ($user, $fields, $token) = new_user('race');
my %mailbox;                                    # session id -> its shipping address

sub new_session {
    my $address = unique_address('race');
    my $body = checkout_body($product, quantity => 2);
    $body->{shipping}{email} = $address;
    my ($code, $answer) = create_checkout($service, $token, $body);
    die "create-checkout-session: $code\n" unless $code == 200;
    $mailbox{ $answer->{id} } = $address;
    return $answer->{id};
}

# a signed checkout.session.completed for session (the same event id when redelivered)
sub webhook_of {
    my ($session) = @_;
    my $payload = $json->encode(stripe_event('checkout.session.completed', {
        id => "cs_test_$session", object => 'checkout.session', metadata => { session_id => $session },
        payment_status => 'paid', amount_total => 2000, currency => 'usd',
        payment_intent => 'pi_fixture_paid' }));
    my $t = time;
    return [ $payload, "t=$t,v1=" . hmac_sha256_hex("$t.$payload", 'whsec_mod_shop_test') ];
}

sub send_webhook {
    my ($signed) = @_;
    return (request_json($service, 'POST', '/webhooks/stripe', content => $signed->[0],
                         headers => [ 'Stripe-Signature' => $signed->[1] ]))[0];
}

sub return_page {
    my ($session) = @_;
    return (request_json($service, 'GET', "/sessions/$session", token => $token))[0];
}

# runs each CODE in a process of its own, all starting at the same instant; their
# statuses (exit codes are the HTTP statuses / 100)
sub at_once {
    my @codes = @_;
    my $start = Time::HiRes::time() + 0.2;
    my @pids = map {
        my $code = $_;
        my $pid = fork // die "fork: $!";
        if (!$pid) {
            Time::HiRes::sleep($start - Time::HiRes::time()) if $start > Time::HiRes::time();
            my $status = $code->();
            require POSIX;
            POSIX::_exit(int(($status // 0) / 100));
        }
        $pid;
    } @codes;
    return map { waitpid($_, 0); $? >> 8 } @pids;
}

my (@sessions, @bad_answers);

for (1 .. 5) {
    my $s = new_session();
    push @sessions, $s;
    my $signed = webhook_of($s);
    push @bad_answers, grep { $_ != 200 } return_page($s), send_webhook($signed), send_webhook($signed);
}
for (1 .. 5) {
    my $s = new_session();
    push @sessions, $s;
    my $signed = webhook_of($s);
    push @bad_answers, grep { $_ != 200 } send_webhook($signed), return_page($s), send_webhook($signed);
}
for (1 .. 50) {
    my $s = new_session();
    push @sessions, $s;
    my $signed = webhook_of($s);
    push @bad_answers, grep { $_ != 2 } at_once(sub { send_webhook($signed) }, sub { return_page($s) },
                                                sub { send_webhook($signed) });
}
is(scalar @bad_answers, 0, '60 sessions: every webhook and return page answered 200');

my %succeeded = map { $_ => scalar(grep { $_->{type} eq 'payment.succeeded' }
                                   payment_outbox('payment-events', $_)) } @sessions;
is_deeply([ grep { $succeeded{$_} != 1 } @sessions ], [], 'one payment.succeeded per session');

my %orders;
for my $s (@sessions) {
    $orders{$s} = [ mongo_orders({ checkoutSessionId => $s }) ];
    next if @{ $orders{$s} };
    order_from_payment($s, 60);
    $orders{$s} = [ mongo_orders({ checkoutSessionId => $s }) ];
}
is_deeply([ grep { @{ $orders{$_} } != 1 } @sessions ], [], 'one order per session in MongoDB');

my %mails = map { $_ => [ wait_mails($mailbox{$_}, 1, 60) ] } @sessions;
sleep 2;                                        # a second mail would have come by now
%mails = map { $_ => [ mails_to($mailbox{$_}) ] } @sessions;
is_deeply({ map { $_ => scalar @{ $mails{$_} } } @sessions }, { map { $_ => 1 } @sessions },
          'one confirmation mail per session');
is_deeply([ grep { ($mails{$_}[0]{Subject} // '') !~ /^Your order \w+ is confirmed$/ } @sessions ], [],
          'each of them the confirmation');

done_testing();
