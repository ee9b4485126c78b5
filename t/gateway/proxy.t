# The gateway's proxying (conf/gateway.conf) in front of four small backends
# that echo what reached them, one per service: each /api route reaches its
# service with the path the service knows; the client's address (X-Forwarded-For),
# Host and traceparent are passed on; a body over the limit stops at the gateway;
# a member whose /health stops answering is taken out of service (503 at once)
# and put back when it answers again, while a member whose /health answers 503
# (a shared dependency down) stays in service.
use strict;
use warnings;
use Apache::Test qw(-withtestmore);
use IO::Socket::INET ();
use JSON::PP ();
use LWP::UserAgent ();
use ShopTest;
use ShopHttpd;

my $json = JSON::PP->new->utf8->canonical;
my $ua = LWP::UserAgent->new(timeout => 10, keep_alive => 0);
my $top = ShopTest::top_dir();

# echo backend NAME on PORT (0: any): answers every request with JSON naming
# itself, the request line and the headers; /health answers $health{NAME}
my %backend;
sub start_backend {
    my ($name, $port, $health) = @_;
    my $listen = IO::Socket::INET->new(Listen => 16, LocalAddr => '127.0.0.1',
                                       LocalPort => $port // 0, ReuseAddr => 1)
        or die "listen: $!";
    my $pid = fork // die "fork: $!";
    if (!$pid) {
        while (my $c = $listen->accept) {
            my ($line, %h) = (scalar <$c>);
            while (my $l = <$c>) {
                last if $l =~ /^\r?\n$/;
                $h{lc $1} = $2 if $l =~ /^([^:]+):\s*(.*?)\r?$/;
            }
            read($c, my $body, $h{'content-length'}) if $h{'content-length'};
            my ($method, $target) = split ' ', $line;
            my $status = $target eq '/health' ? $health : 200;
            my $out = $json->encode({ service => $name, method => $method, target => $target,
                                      headers => \%h });
            print $c "HTTP/1.1 $status X\r\nContent-Type: application/json\r\n",
                     "Content-Length: ", length($out), "\r\nConnection: close\r\n\r\n", $out;
            close $c;
        }
        exit 0;
    }
    $backend{$name} = { pid => $pid, port => $listen->sockport };
    close $listen;
    return $backend{$name}{port};
}
sub stop_backend {
    my ($name) = @_;
    kill 'KILL', $backend{$name}{pid};
    waitpid $backend{$name}{pid}, 0;
}
END { kill 'KILL', map { $_->{pid} } values %backend }

start_backend($_, undef, 200) for qw(product order payment);
start_backend('auth', undef, 503);      # up, with a dependency down

my $modules = '/usr/lib/apache2/modules';
my $gw = ShopHttpd->new(conf => join "\n",
    (map { "LoadModule ${_}_module $modules/mod_$_.so" }
         qw(proxy proxy_http slotmem_shm proxy_balancer lbmethod_byrequests proxy_hcheck rewrite
            reqtimeout)),
    "Define SHOP_CONF_DIR $top/conf",
    (map { "Define SHOP_\U$_\E_BACKEND http://127.0.0.1:$backend{$_}{port}" } keys %backend),
    'LogLevel info proxy_hcheck:debug', "Include $top/conf/gateway.conf", '');
$gw->start or BAIL_OUT("a gateway with conf/gateway.conf does not start: $gw->{why}");
my $base = "http://127.0.0.1:$gw->{port}";

sub via_gateway {
    my ($method, $path, @headers) = @_;
    my $res = $ua->request(HTTP::Request->new($method, "$base$path", [@headers]));
    return ($res->code, eval { $json->decode($res->content) } // {}, $res);
}

my %routes = (
    '/api/products?sort=asc&limit=2' => [product => '/products?sort=asc&limit=2'],
    '/api/products/12'               => [product => '/products/12'],
    '/api/categories/3'              => [product => '/categories/3'],
    '/api/uploads'                   => [product => '/uploads'],
    '/images/products/tee-red.png'   => [product => '/images/products/tee-red.png'],
    '/api/orders?status=paid'        => [order => '/orders?status=paid'],
    '/api/orders/abc/refund'         => [order => '/orders/abc/refund'],
    '/api/user-orders'               => [order => '/user-orders'],
    '/api/order-chart'               => [order => '/order-chart'],
    '/api/sessions/create-checkout-session' => [payment => '/sessions/create-checkout-session'],
    '/api/webhooks/stripe'           => [payment => '/webhooks/stripe'],
    '/pay/cs_1'                      => [payment => '/pay/cs_1'],
    '/result/cs_1'                   => [payment => '/result/cs_1'],
    '/api/auth/sign-in'              => [auth => '/auth/sign-in'],
    '/api/users/7'                   => [auth => '/users/7'],
    '/.well-known/jwks.json'         => [auth => '/.well-known/jwks.json'],
);
for my $path (sort keys %routes) {
    my ($service, $target) = @{ $routes{$path} };
    my ($code, $got) = via_gateway('GET', $path);
    is($code, 200, "GET $path answers");
    is("$got->{service} $got->{target}", "$service $target", "... from $service at $target");
}

my $trace = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
my ($code, $got) = via_gateway('GET', '/api/products', traceparent => $trace,
                               'X-Forwarded-For' => '203.0.113.9');
is($got->{headers}{traceparent}, $trace, "the client's traceparent is passed on");
is($got->{headers}{'x-forwarded-for'}, '203.0.113.9, 127.0.0.1',
   "the client's address is added to X-Forwarded-For");
is($got->{headers}{host}, "127.0.0.1:$gw->{port}", "the client's Host is kept");

my $res = $ua->post("$base/api/uploads", 'Content-Type' => 'image/png',
                   Content => 'x' x (9 * 1024 * 1024));
is($res->code, 413, 'a body over 8M is refused by the gateway itself');

($code, $got) = via_gateway('GET', '/api/users');
is($got->{service}, 'auth', 'a member whose /health answers 503 stays in service');

stop_backend('order');
ok(ShopTest::wait_for(30, sub { (via_gateway('GET', '/api/orders'))[0] == 503 }),
   'a member that stops answering /health is taken out of service: 503');
($code, $got) = via_gateway('GET', '/api/products');
is($got->{service}, 'product', '... while the other services are still routed');
start_backend('order', $backend{order}{port}, 200);
ok(ShopTest::wait_for(30, sub { ((via_gateway('GET', '/api/orders'))[1]{service} // '') eq 'order' }),
   'and it is back in service once /health answers again');

# the health check alone: a member that serves its routes but whose /health fails
stop_backend('payment');
start_backend('payment', $backend{payment}{port}, 500);
ok(ShopTest::wait_for(30, sub { (via_gateway('GET', '/api/sessions/x'))[0] == 503 }),
   'a member whose /health answers 500 is taken out of service by the health check');
like($gw->log, qr{AH03254: HTTP/1.1 500}, '... which says why in the log')
    or diag($gw->log);

done_testing();
