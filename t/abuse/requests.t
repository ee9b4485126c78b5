# Hostile requests against every service's JSON writes (product POST /categories,
# order PATCH /orders/:id, payment POST /sessions/create-checkout-session, auth
# POST /auth/sign-up) and the gateway (POST /api/auth/sign-up): a body over the
# service's limit (declared or chunked) is 413, JSON nested 7,000 or 10,000 deep,
# invalid UTF-8, a lone surrogate, \u0000 or a raw NUL in a string are 400, each
# with a JSON message, and none changes a row of PostgreSQL (catalog, users,
# checkout sessions, outbox). Invalid UTF-8 and NUL in the query are 400/404,
# never 500. A 64 KB header or 200 headers: httpd's 400, as JSON. Slow clients
# (t/conf/extra.conf.in's shop_product_slow and shop_gateway_slow, whose
# RequestReadTimeout is 2-4 s): headers or a body one byte a second are cut off
# with 408 within seconds, while a normal request is answered during the attack.
use strict;
use warnings;
use Apache::Test qw(-withtestmore);
use Apache::TestRequest ();
use IO::Select ();
use IO::Socket::INET ();
use JSON::PP ();
use POSIX ();
use Time::HiRes qw(time sleep);
use ShopTest;

my $json = JSON::PP->new->utf8;
my $admin = catalog_admin();
my ($user) = catalog_user();

sub port_of {
    my ($service) = @_;
    Apache::TestRequest::module($service);
    return (split /:/, Apache::TestRequest::hostport())[1];
}

# raw(PORT, METHOD, PATH, BODY, OPTION => VALUE...) -> (status, decoded JSON body,
# head): one request on a connection of its own, written as given
#   chunked => 1     the body as Transfer-Encoding: chunked
#   token => JWT, headers => [NAME => VALUE...]
sub raw {
    my ($port, $method, $path, $body, %o) = @_;
    local $SIG{PIPE} = 'IGNORE';
    my $sock = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port, Timeout => 30)
        or die "connect $port: $!";
    my @h = (Host => 'localhost', Connection => 'close', @{ $o{headers} || [] });
    push @h, Authorization => "Bearer $o{token}" if $o{token};
    if (defined $body) {
        push @h, 'Content-Type' => 'application/json',
                 $o{chunked} ? ('Transfer-Encoding' => 'chunked') : ('Content-Length' => length $body);
    }
    my $head = "$method $path HTTP/1.1\r\n";
    while (my ($n, $v) = splice @h, 0, 2) { $head .= "$n: $v\r\n" }
    my @parts = ("$head\r\n");
    if (defined $body && $o{chunked}) {
        push @parts, map({ sprintf "%x\r\n%s\r\n", length $_, $_ } $body =~ /(.{1,8192})/sg), "0\r\n\r\n";
    }
    elsif (defined $body) {
        push @parts, $body =~ /(.{1,65000})/sg;
    }
    for (@parts) { last unless print $sock $_ }
    my ($status, $rhead, $data) = read_answer($sock);
    return ($status, scalar eval { $json->decode($data) }, $rhead);
}

# what a refused request must leave as it was: the rows of every table a write touches
sub counts {
    return sql_value("select concat_ws(',', (select count(*) from category), (select count(*) from product),"
                     . " (select count(*) from app_user), (select count(*) from checkout_session),"
                     . " (select count(*) from checkout_item), (select count(*) from outbox))");
}

# refused(WHAT, STATUS, MESSAGE_RE, CODE): CODE's request answers STATUS with a JSON
# message matching MESSAGE_RE and changes no row. Four assertions.
sub refused {
    my ($what, $status, $message, $code) = @_;
    my $before = counts();
    my ($got, $body, $head) = $code->();
    is($got, $status, "$what: $status");
    like($head, qr{^Content-Type:\s*application/json}mi, "$what: JSON");
    like(ref $body eq 'HASH' ? $body->{message} // '' : '', $message, "$what: the message says why")
        or diag($head);
    is(counts(), $before, "$what: no row changed");
}

my @targets = (
    [product => port_of('shop_product'), 'POST', '/categories', $admin],
    [order   => port_of('shop_order'), 'PATCH', '/orders/0123456789abcdef01234567', $admin],
    [payment => port_of('shop_payment'), 'POST', '/sessions/create-checkout-session', $user],
    [auth    => port_of('shop_auth'), 'POST', '/auth/sign-up', undef],
    [gateway => $ENV{SHOP_GATEWAY_PORT}, 'POST', '/api/auth/sign-up', undef],
);

# ---- bodies ------------------------------------------------------------------------------

my $huge = '{"name":"' . ('x' x (1024 * 1024)) . '"}';
my @bodies = (
    ['1 MiB, declared', 413, qr/too large/, $huge],
    ['1 MiB, chunked', 413, qr/too large/, $huge, chunked => 1],
    ['arrays nested 7,000 deep', 400, qr/JSON object/, '{"name":' . ('[' x 7000) . (']' x 7000) . '}'],
    ['10,000 [ never closed', 400, qr/JSON object/, '{"name":' . ('[' x 10000)],
    ['objects nested 2,500 deep', 400, qr/JSON object/, ('{"a":' x 2500) . '1' . ('}' x 2500)],
    ['a string ending in half a character', 400, qr/UTF-8/, qq({"name":"caf\xc3"})],
    ['a string holding \xff', 400, qr/UTF-8/, qq({"name":"a\xffb"})],
    ['an overlong "/" (\xc0\xaf)', 400, qr/UTF-8/, qq({"name":"..\xc0\xaf..\xc0\xafetc"})],
    ['a UTF-8-encoded surrogate', 400, qr/UTF-8/, qq({"name":"\xed\xa0\x80"})],
    ['a lone \ud800 escape', 400, qr/JSON object/, '{"name":"a\ud800b"}'],
    ['a lone \udc00 escape', 400, qr/JSON object/, '{"name":"a\udc00b"}'],
    ['\u0000 inside a string', 400, qr/\\u0000/, '{"name":"Shirt\u0000<script>","slug":"nul"}'],
    ['\u0000 inside a key', 400, qr/\\u0000/, '{"na\u0000me":"Shirt"}'],
    ['a raw NUL byte in a string', 400, qr/UTF-8/, qq({"name":"Shirt\0evil"})],
);
for my $t (@targets) {
    my ($name, $port, $method, $path, $token) = @$t;
    for my $b (@bodies) {
        my ($what, $status, $message, $content, %o) = @$b;
        refused("$name $method $path, $what", $status, $message,
                sub { raw($port, $method, $path, $content, token => $token, %o) });
    }
}

# the gateway refuses a declared body over 8M itself, in JSON, without reading it
refused('gateway, 9 MiB declared', 413, qr/./, sub {
    raw($ENV{SHOP_GATEWAY_PORT}, 'POST', '/api/auth/sign-up', '{"name":"' . ('x' x (9 << 20)) . '"}') });

# ---- the query and the path --------------------------------------------------------------

my @queries = (
    [product => port_of('shop_product'), '/products?search=%ff%fe', undef],
    [product => port_of('shop_product'), '/products?search=caf%c3', undef],
    [product => port_of('shop_product'), '/products?search=%c0%af', undef],
    [product => port_of('shop_product'), '/products?category=%ff', undef],
    [product => port_of('shop_product'), '/products?sort=%ff', undef],
    [product => port_of('shop_product'), '/products?limit=1%00', undef],
    [product => port_of('shop_product'), '/products/%ff', undef],
    [product => port_of('shop_product'), '/products/1%00', undef],
    [product => port_of('shop_product'), '/products/..%2f..%2fetc%2fpasswd', undef],
    [order   => port_of('shop_order'), '/orders?status=%ff', $admin],
    [order   => port_of('shop_order'), '/orders?status=paid%00', $admin],
    [order   => port_of('shop_order'), '/orders/%ff%fe', $admin],
    [order   => port_of('shop_order'), '/user-orders?limit=%ff', $user],
    [order   => port_of('shop_order'), '/user-orders?limit=1%00', $user],
    [payment => port_of('shop_payment'), '/sessions/%ff', $user],
    [auth    => port_of('shop_auth'), '/users?limit=%ff', $admin],
    [auth    => port_of('shop_auth'), '/users?offset=0%00', $admin],
    [auth    => port_of('shop_auth'), '/users/%ff', $admin],
    [auth    => port_of('shop_auth'), '/users/1%00', $admin],
    [gateway => $ENV{SHOP_GATEWAY_PORT}, '/api/products?search=%ff', undef],
    [gateway => $ENV{SHOP_GATEWAY_PORT}, '/api/users/%ff', $admin],
    [gateway => $ENV{SHOP_GATEWAY_PORT}, '/api/products/1%00', undef],
);
for my $q (@queries) {
    my ($name, $port, $path, $token) = @$q;
    my $before = counts();
    my ($code, $body, $head) = raw($port, 'GET', $path, undef, token => $token);
    ok($code == 400 || $code == 404, "$name GET $path: 400 or 404") or diag("$code\n$head");
    like($head, qr{^Content-Type:\s*application/json}mi, "$name GET $path: JSON");
    ok(ref $body eq 'HASH' && length($body->{message} // ''), "$name GET $path: a message");
    is(counts(), $before, "$name GET $path: no row changed");
}

# ---- headers -----------------------------------------------------------------------------

for my $t (@targets) {
    my ($name, $port, $method, $path, $token) = @$t;
    refused("$name, a 64 KB header", 400, qr/./, sub {
        raw($port, $method, $path, '{}', token => $token, headers => ['X-Huge' => 'x' x 65536]) });
    refused("$name, 200 headers", 400, qr/./, sub {
        raw($port, $method, $path, '{}', token => $token, headers => [map { ("X-H$_" => 'v') } 1 .. 200]) });
}

# ---- slow clients ------------------------------------------------------------------------

# slow(PORT, HEAD, DRIP) -> (seconds until the server answered or closed, status):
# HEAD sent at once, then DRIP one byte a second (up to 30 s)
sub slow {
    my ($port, $head, $drip) = @_;
    local $SIG{PIPE} = 'IGNORE';
    my $sock = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port, Timeout => 10)
        or die "connect $port: $!";
    my $start = time;
    print $sock $head;
    my $sel = IO::Select->new($sock);
    my $i = 0;
    while (time - $start < 30) {
        last if $sel->can_read(1);
        last unless print $sock substr($drip, $i++ % length $drip, 1);
    }
    my $answer = do { local $/; <$sock> } // '';
    my ($status) = $answer =~ m{^HTTP/1\.\d (\d{3})};
    return (time - $start, $status // 0, $answer);
}

my $slow_body = sub {
    my ($path, $length, $token) = @_;
    return "POST $path HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
         . ($token ? "Authorization: Bearer $token\r\n" : '') . "Content-Length: $length\r\n\r\n";
};
my %slow = (shop_product_slow => [port_of('shop_product_slow'), '/categories', '/health', $admin],
            shop_gateway_slow => [port_of('shop_gateway_slow'), '/api/auth/sign-up', '/api/products?limit=1']);
for my $vhost (sort keys %slow) {
    my ($port, $write, $read, $token) = @{ $slow{$vhost} };
    my $before = counts();
    my ($took, $status, $answer) = slow($port, "GET $read HTTP/1.1\r\nHost: localhost\r\n", "X-Slow: abcdef\r\n");
    is($status, 408, "$vhost: headers a byte a second: 408") or diag($answer);
    ok($took < 8, sprintf "$vhost: ... cut off after %.1f s (header=2-4)", $took);
    like($answer, qr{^Content-Type:\s*application/json}mi, "$vhost: ... JSON");

    ($took, $status, $answer) = slow($port, $slow_body->($write, 200, $token), '{"name":"slow');
    is($status, 408, "$vhost: a body a byte a second: 408") or diag($answer);
    ok($took < 8, sprintf "$vhost: ... cut off after %.1f s (body=2)", $took);
    like($answer, qr{^Content-Type:\s*application/json}mi, "$vhost: ... JSON");
    is(counts(), $before, "$vhost: ... no row changed");

    # twenty slow clients at once, half on headers and half on a body; a normal
    # request meanwhile is answered at once, and every slow one is cut off
    my @pids;
    for my $i (1 .. 20) {
        my $pid = fork // die "fork: $!";
        if (!$pid) {
            my (undef, $code) = $i % 2 ? slow($port, "GET $read HTTP/1.1\r\nHost: localhost\r\n", "X-Slow: a\r\n")
                                       : slow($port, $slow_body->($write, 200, $token), '{"name":"slow');
            POSIX::_exit($code == 408 ? 0 : 1);
        }
        push @pids, $pid;
    }
    sleep 1;
    my $t0 = time;
    my ($code) = raw($port, 'GET', $read, undef);
    my $answered = time - $t0;
    is($code, 200, "$vhost: GET $read during the attack: 200");
    ok($answered < 1.5, sprintf "$vhost: ... in %.2f s", $answered);
    my $cut = grep { waitpid($_, 0) && $? == 0 } @pids;
    is($cut, 20, "$vhost: all 20 slow clients were cut off with 408");
}

done_testing();
