# What the Stripe provider sends to Stripe, read on the wire: a relay between the
# payment service and stripe-mock (the VirtualHost shop_payment_stripe_paid asks
# $SHOP_STRIPE_PAID_PORT, where this test listens) records the request and hands it
# on to the real stripe-mock, whose answer comes back. The prices and names sent are
# the catalog's, even when the client's cart claims others; the request is form-encoded
# with an Idempotency-Key, line items, client_reference_id, metadata and the return URLs.
use strict;
use warnings;
use Apache::Test qw(-withtestmore);
use File::Temp qw(tempfile);
use IO::Socket::INET ();
use POSIX ();
use URI ();
use ShopTest;

# relay_once(): forwards one request to stripe-mock in a child, writing it to a file;
# returns (pid, file). The child gives up after 30 s without a request.
sub relay_once {
    my $server = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => $ENV{SHOP_STRIPE_PAID_PORT},
                                       Listen => 5, ReuseAddr => 1) or die "listen: $!";
    my (undef, $file) = tempfile(UNLINK => 1);
    my $pid = fork // die "fork: $!";
    if ($pid) { close $server; return ($pid, $file) }
    local $SIG{ALRM} = sub { exit 1 };
    alarm 30;
    my $conn = $server->accept or exit 1;
    my ($head, $body) = ('', '');
    $head .= $_ while defined($_ = <$conn>) && $_ ne "\r\n";
    my ($length) = $head =~ /^Content-Length: (\d+)/mi;
    read($conn, $body, $length) if $length;
    open(my $out, '>', $file) or die;
    print $out "$head\r\n$body";
    close $out;
    my $mock = IO::Socket::INET->new("127.0.0.1:$ENV{SHOP_STRIPE_PORT}") or exit 1;
    (my $forwarded = $head) =~ s/^Connection:.*\r\n//mig;
    $forwarded =~ s/\r\n\z/\r\nConnection: close\r\n/;
    print $mock "$forwarded\r\n$body";
    print $conn $_ while <$mock>;
    close $conn;
    exit 0;
}

my $product = payment_product(price => 24.5, name => 'Relay Tee');
my ($user, $fields, $token) = new_user('relay');
my $cart = checkout_body($product, quantity => 3);
@{ $cart->{cart}[0] }{qw(price name unit_amount)} = (0.01, 'Free Tee', 1);

my ($pid, $file) = relay_once();
my ($code, $body) = create_checkout('shop_payment_stripe_paid', $token, $cart);
wait_for(10, sub { waitpid($pid, POSIX::WNOHANG()) == $pid }) or kill 'KILL', $pid;
is($code, 200, 'stripe-mock accepted the session the relay handed on');
like($body->{url} // '', qr{^https://checkout\.stripe\.com/}, 'its url comes back');

my $sent = do { local (@ARGV, $/) = $file; <> } // '';
my ($head, $form) = split /\r\n\r\n/, $sent, 2;
like($head, qr{^POST /v1/checkout/sessions }, 'POST /v1/checkout/sessions');
like($head, qr{^Content-Type: application/x-www-form-urlencoded}mi, 'form-encoded');
like($head, qr{^Authorization: Bearer sk_test_}mi, 'with the secret key');
like($head, qr{^Idempotency-Key: \Q$body->{id}\E\r?$}mi, 'idempotent on our session id');
my %f = URI->new('?' . ($form // ''))->query_form;
is($f{'line_items[0][price_data][unit_amount]'}, 2450, 'the unit price is the catalog\'s (2450), not the cart\'s');
is($f{'line_items[0][price_data][product_data][name]'}, 'Relay Tee', 'the name is the catalog\'s');
is($f{'line_items[0][quantity]'}, 3, 'the quantity is the cart\'s');
is($f{'line_items[0][price_data][currency]'}, 'usd', 'in the shop\'s currency');
is($f{mode}, 'payment', 'mode payment');
is($f{client_reference_id}, $body->{id}, 'client_reference_id is our session id');
is($f{'metadata[session_id]'}, $body->{id}, 'and so is metadata[session_id]');
like($f{success_url} // '', qr/^https?:\/\//, 'a success URL');
like($f{cancel_url} // '', qr/^https?:\/\//, 'a cancel URL');
is(sql_value("select total_minor from checkout_session where id = :'p1'", $body->{id}), 7350,
   'the stored total is 3 x 24.50');

done_testing();
