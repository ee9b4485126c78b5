# Following one request (kafka_trace.c, ShopAccessLog): every request has a W3C
# traceparent, the client's or a new one; the gateway passes it on, so its line
# in the JSON access log and the service's carry the same one; a checkout paid
# through the gateway carries it into its events, and the order and email
# consumers log it. Every line of the log is valid JSON, odd bytes included.
use strict;
use warnings;
use Apache::Test qw(-withtestmore);
use JSON::PP ();
use LWP::UserAgent ();
use ShopTest;

my $json = JSON::PP->new->utf8;
my $ua = LWP::UserAgent->new(timeout => 30, keep_alive => 0, max_redirect => 0);
my $gateway = "http://127.0.0.1:$ENV{SHOP_GATEWAY_PORT}";
my $log = Apache::Test::vars('t_logs') . '/access.json';
my $tag = unique_tag();

sub lines {
    open(my $fh, '<', $log) or return ();
    return map { my $l = $_; eval { $json->decode($l) } // { invalid => $l } } <$fh>;
}
sub lines_for {
    my ($query) = @_;
    my @found;
    wait_for(10, sub { @found = grep { ($_->{query} // '') eq $query } lines(); @found >= 2 });
    return @found;
}

# the client's traceparent, kept from the gateway to the service
my $trace = '00-' . ('ab' x 16) . '-' . ('cd' x 8) . '-01';
$ua->get("$gateway/api/products?limit=1&t=$tag-1", traceparent => $trace);
my @seen = lines_for("limit=1&t=$tag-1");
is_deeply([sort map { $_->{path} } @seen], ['/api/products', '/products'],
          "the gateway's line and the catalog's");
is_deeply([map { $_->{traceparent} } @seen], [$trace, $trace], '... both with the client\'s traceparent');
ok((grep { $_->{port} == $ENV{SHOP_GATEWAY_PORT} && $_->{status} == 200 && $_->{id} } @seen),
   '... the gateway\'s with its port, status and a request id');

# none sent: the gateway makes one, the service keeps it
$ua->get("$gateway/api/products?limit=1&t=$tag-2");
@seen = lines_for("limit=1&t=$tag-2");
like($seen[0]{traceparent} // '', qr/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/, 'no traceparent: one is made');
is($seen[1]{traceparent}, $seen[0]{traceparent}, '... and the service has the same');
isnt($seen[0]{id}, $seen[1]{id}, '... each request its own id');

# one that is not valid is replaced
$ua->get("$gateway/api/products?limit=1&t=$tag-3", traceparent => '00-zz-yy-01');
@seen = lines_for("limit=1&t=$tag-3");
like($seen[0]{traceparent} // '', qr/^00-[0-9a-f]{32}-/, 'an invalid traceparent is replaced');

# odd bytes in the path and the query: still JSON, one line per request
$ua->get("$gateway/api/products/%FF%01%22x?q=%22\\&t=$tag-4");
wait_for(10, sub { grep { ($_->{query} // '') =~ /t=$tag-4/ } lines() });
my @invalid = grep { $_->{invalid} } lines();
is_deeply(\@invalid, [], 'every line of the access log is JSON');

# a checkout paid through the gateway: its events carry the traceparent, which the
# order worker and the email worker log with the messages they handle
my $pay_trace = sprintf '00-%032x-%016x-01', time * 1000 + $$, 42;
my ($token) = catalog_user();
my $product = payment_product();
my ($code, $session) = request_json('shop_payment', 'POST',
    "$gateway/api/sessions/create-checkout-session", token => $token, json => checkout_body($product));
is($code, 200, 'a checkout through the gateway');
my $res = $ua->post("$gateway/pay/$session->{id}", Content => 'action=pay', traceparent => $pay_trace,
                    'Content-Type' => 'application/x-www-form-urlencoded');
is($res->code, 303, '... paid on the test provider\'s page with a traceparent');
my $error_log = Apache::Test::vars('t_logs') . '/error_log';
my %consumer;
ok(wait_for(30, sub {
    open(my $fh, '<', $error_log) or return;
    /SHOP01008: consumer (\w+): .* traceparent=\Q$pay_trace\E/ and $consumer{$1} = 1 while <$fh>;
    $consumer{order} && $consumer{email};
}), 'the order worker and the email worker logged the messages of that checkout with it')
    or diag(explain(\%consumer));

done_testing();
