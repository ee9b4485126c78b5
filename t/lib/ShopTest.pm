# ShopTest: helpers for the mod_shop Apache::Test suite: JSON requests to a named
# service VirtualHost, control of the test stack, polling.
package ShopTest;
use strict;
use warnings;

use Apache::TestRequest ();
use JSON::PP ();
use Time::HiRes ();
use Exporter 'import';

our @EXPORT = qw(get_json stack wait_for top_dir kcat_consume outage_test kcat_produce worker_pids);

my $json = JSON::PP->new->utf8->canonical;

sub top_dir { Apache::Test::vars('serverroot') . '/..' }

# the apache2 binary of this run (scripts/sanitized-httpd under make test SANITIZE=1):
# tests that start an httpd of their own use it too
sub apache2_bin { Apache::Test::vars('httpd') }

# get_json(SERVICE, PATH) -> (status, decoded body or undef)
sub get_json {
    my ($service, $path) = @_;
    local $_;                   # LWP clobbers $_, which may alias a caller's array
    Apache::TestRequest::module($service);
    my $res = Apache::TestRequest::GET($path);
    my $body = eval { $json->decode($res->content) };
    return ($res->code, $body, $res);
}

# stack(ACTION, COMPONENT...): scripts/stack on the test stack; dies on failure
sub stack {
    my @cmd = (top_dir() . '/scripts/stack', @_);
    system(@cmd) == 0 or die "@cmd failed: $?";
}

# wait_for(SECONDS, CODE[, INTERVAL]): calls CODE every INTERVAL (0.25) s until it
# returns true; its last value
sub wait_for {
    my ($seconds, $code, $interval) = @_;
    my $deadline = Time::HiRes::time() + $seconds;
    while (1) {
        my $ok = $code->();
        return $ok if $ok || Time::HiRes::time() > $deadline;
        Time::HiRes::sleep($interval // 0.25);
    }
}

# kcat_consume(TOPIC): every message on TOPIC, from the start, as
# { key, value, headers => {name => value} } records
sub kcat_consume {
    my ($topic) = @_;
    my $broker = "127.0.0.1:$ENV{SHOP_KAFKA_PORT}";
    my @lines = `kcat -b $broker -C -t '$topic' -o beginning -e -q -f '%k\\t%h\\t%s\\n' 2>/dev/null`;
    return map {
        chomp;
        my ($key, $headers, $value) = split /\t/, $_, 3;
        # kcat joins headers with commas: a value holding one is cut there
        my %h = map { my ($n, $v) = split /=/, $_, 2; defined $v ? ($n => $v) : () }
                grep { length } split /,/, $headers;
        { key => $key, value => $value, headers => \%h }
    } @lines;
}

# outage_test(COMPONENT, CHECK, SERVICES...): stopping COMPONENT turns each
# service's /health into 503 naming CHECK; starting it again brings back 200
# without restarting httpd. Five assertions per service.
sub outage_test {
    my ($component, $check, @services) = @_;
    my $healthy = sub { (get_json($_[0], '/health'))[0] == 200 };

    Test::More::ok((!grep { !$healthy->($_) } @services), "all healthy before $component stops");
    stack('stop', $component);
    my $restarted;
    my $guard = bless sub { stack('start', $component) unless $restarted }, 'ShopTest::Guard';
    for my $service (@services) {
        my ($code, $body) = get_json($service, '/health');
        Test::More::is($code, 503, "$service /health is 503 while $component is down");
        Test::More::is($body->{checks}{$check}{status}, 'down', "$service names $check down");
        Test::More::like($body->{message} // '', qr/\b\Q$check\E\b/, "$service message names $check");
    }
    stack('start', $component);
    $restarted = 1;
    for my $service (@services) {
        Test::More::ok(wait_for(30, sub { $healthy->($service) }),
                       "$service /health is 200 again after $component returns");
    }
}

# ---- helpers of t/auth ----------------------------------------------------

push @EXPORT, qw(request_json sql sql_value unique_tag jose b64url_decode b64url_encode
                 jwt_parts sign_up sign_in new_user token_claims throttled);

# request_json(SERVICE, METHOD, PATH, OPTION => VALUE...) -> (status, decoded body or undef, res)
#   json => DATA     body encoded as JSON (Content-Type: application/json)
#   content => TEXT  raw body (Content-Type: application/json unless headers say otherwise)
#   token => JWT     Authorization: Bearer JWT
#   headers => [NAME => VALUE, ...]
#   from => ADDRESS  sent from that local address (127.0.0.2: not the trusted proxy)
# Every request opens its own connection (no cookie jar, no keep-alive, no redirects).
my $ua;
sub request_json {
    my ($service, $method, $path, %opt) = @_;
    local $_;
    require LWP::UserAgent;
    require HTTP::Request;
    my %agent = (timeout => 30, max_redirect => 0, keep_alive => 0);
    my $agent = $opt{from} ? LWP::UserAgent->new(%agent, local_address => $opt{from})
                           : ($ua ||= LWP::UserAgent->new(%agent));
    Apache::TestRequest::module($service);
    my $url = Apache::TestRequest::resolve_url($path);
    $url =~ s{^http://localhost:}{http://127.0.0.1:} if $opt{from};
    my $req = HTTP::Request->new($method => $url);
    my $body = exists $opt{json} ? $json->encode($opt{json}) : $opt{content};
    if (defined $body) {
        $req->header('Content-Type' => 'application/json');
        $req->header('Content-Length' => length $body);
        $req->content($body);
    }
    elsif ($method eq 'POST' || $method eq 'PUT') {
        $req->header('Content-Length' => 0);
    }
    $req->header(Authorization => "Bearer $opt{token}") if defined $opt{token};
    my @headers = @{ $opt{headers} || [] };
    while (my ($name, $value) = splice @headers, 0, 2) {
        $req->header($name => $value);
    }
    my $res = $agent->request($req);
    my $decoded = eval { $json->decode($res->content) };
    return ($res->code, $decoded, $res);
}

# sql(SQL, PARAM...) -> rows (array refs) of the test database, through psql.
# Parameters are psql variables: write :'p1', :'p2'... in SQL (psql quotes them).
sub sql {
    my ($sql, @params) = @_;
    require File::Temp;
    my $file = File::Temp->new(SUFFIX => '.sql');
    print $file $sql, ";\n";
    close $file;
    my @cmd = ('psql', '-X', '-q', '-A', '-t', '-F', "\t", '-v', 'ON_ERROR_STOP=1',
               '-h', '127.0.0.1', '-p', $ENV{SHOP_PG_PORT}, '-U', $ENV{SHOP_DB_USER} || 'shop',
               '-d', $ENV{SHOP_DB} || 'shop');
    push @cmd, '-v', 'p' . ($_ + 1) . "=$params[$_]" for 0 .. $#params;
    open(my $out, '-|', @cmd, '-f', "$file") or die "psql: $!";
    my @lines = <$out>;
    close $out or die "psql failed ($?) on: $sql\n";
    chomp @lines;
    return map { [split /\t/, $_, -1] } grep { length } @lines;
}

# sql_value(SQL, PARAM...) -> the first column of the first row (undef if none)
sub sql_value {
    my @rows = sql(@_);
    return @rows ? $rows[0][0] : undef;
}

# unique_tag() -> a short string unique to this run and call, for emails and usernames
my $tag_count = 0;
sub unique_tag {
    return sprintf 'p%dt%dn%d', $$, time, ++$tag_count;
}

# jose(SCRIPT, ARGS) -> the JSON that t/js/SCRIPT.mjs prints for ARGS (a hash ref
# passed as one JSON argument); dies if the script fails. The scripts use the npm
# package jose, installed by `npm ci --prefix t/js`.
sub jose {
    my ($script, $args) = @_;
    my $dir = top_dir() . '/t/js';
    -d "$dir/node_modules/jose"
        or die "t/js/node_modules/jose is missing: run npm ci --prefix t/js\n";
    local $_;
    open(my $out, '-|', 'node', "$dir/$script.mjs", $json->encode($args || {}))
        or die "node: $!";
    my $text = do { local $/; <$out> };
    close $out or die "t/js/$script.mjs failed ($?): $text\n";
    return $json->decode($text);
}

sub b64url_decode {
    my ($s) = @_;
    require MIME::Base64;
    $s =~ tr{-_}{+/};
    $s .= '=' x ((4 - length($s) % 4) % 4);
    return MIME::Base64::decode_base64($s);
}

sub b64url_encode {
    my ($s) = @_;
    require MIME::Base64;
    (my $e = MIME::Base64::encode_base64($s, '')) =~ tr{+/}{-_};
    $e =~ s/=+$//;
    return $e;
}

# jwt_parts(TOKEN) -> (decoded header, decoded payload), both hash refs (undef if not JSON)
sub jwt_parts {
    my ($token) = @_;
    my ($h, $p) = split /\./, $token // '';
    return map { my $d = $_; eval { $json->decode(b64url_decode($d // '')) } } ($h, $p);
}

# token_claims(USER, CHANGES) -> the claims mod_shop_auth issues for USER (a user as
# the API answers it), valid for 10 minutes, with CHANGES (undef deletes a claim)
sub token_claims {
    my ($user, %changes) = @_;
    my $now = time;
    my $role = $user->{role} // 'user';
    my %c = (iss => 'mod_shop', sub => $user->{id}, email => $user->{email},
             name => join(' ', grep { defined } @$user{qw(firstName lastName)}),
             role => $role, metadata => { role => $role }, iat => $now, exp => $now + 600);
    while (my ($k, $v) = each %changes) {
        if (defined $v) { $c{$k} = $v } else { delete $c{$k} }
    }
    return \%c;
}

# sign_up(SERVICE, FIELDS) -> (status, body, res) of POST /auth/sign-up
sub sign_up {
    my ($service, $fields) = @_;
    return request_json($service, 'POST', '/auth/sign-up', json => $fields);
}

# new_user(PREFIX) -> (id, fields, token) of a new user signed up on shop_auth; fields
# hold the email and password to sign in with
sub new_user {
    my ($prefix) = @_;
    my $tag = unique_tag();
    my %f = (email => "$prefix.$tag\@example.test", username => "${prefix}_$tag",
             firstName => 'Test', lastName => 'User', password => "$prefix password $tag");
    my ($code, $body) = sign_up('shop_auth', \%f);
    die "sign-up failed: $code\n" unless $code == 201;
    return ($body->{user}{id}, \%f, $body->{token});
}

# throttled(STATUS, BODY, RES, WHAT): four assertions that a sign-in was refused by
# ShopAuthSignInLimit (the tests' window: 60 s): 429, Retry-After, the JSON message
sub throttled {
    my ($code, $body, $res, $what) = @_;
    Test::More::is($code, 429, "$what: 429");
    my $retry = $res->header('Retry-After') // '';
    Test::More::like($retry, qr/^\d+$/, "$what: Retry-After is whole seconds ($retry)");
    Test::More::ok($retry > 0 && $retry <= 60, "$what: Retry-After within the 60 s window");
    Test::More::like($body->{message} // '', qr/too many/i, "$what: JSON message");
}

# sign_in(SERVICE, LOGIN_FIELDS) -> (status, body, res) of POST /auth/sign-in
sub sign_in {
    my ($service, $fields) = @_;
    return request_json($service, 'POST', '/auth/sign-in', json => $fields);
}

# kcat_produce(TOPIC, KEY, VALUE...): one message per value, with KEY
sub kcat_produce {
    my ($topic, $key, @values) = @_;
    my $broker = "127.0.0.1:$ENV{SHOP_KAFKA_PORT}";
    open(my $fh, '|-', 'kcat', '-b', $broker, '-P', '-t', $topic, '-k', $key) or die "kcat: $!";
    print $fh "$_\n" for @values;
    close $fh or die "kcat failed producing to $topic";
}

# worker_pids(): pids of running "mod_shop worker" processes of this test server
sub worker_pids {
    my $parent = `cat @{[Apache::Test::vars('t_logs')]}/httpd.pid 2>/dev/null`;
    chomp $parent;
    return () unless $parent;
    return grep { length } map { (split ' ', $_)[0] }
           grep { /^\s*\d+\s+$parent\s+apache2: mod_shop worker/ }
           `ps -eo pid,ppid,args`;
}

package ShopTest::Guard;
sub DESTROY { $_[0]->() }

# ---- helpers of t/product ---------------------------------------------------
package ShopTest;

push @EXPORT, qw(catalog_user catalog_admin catalog_category catalog_product_body
                 send_chunked read_answer get_many catalog_png);

# catalog_user() -> (token, user id) of a new user signed up on shop_auth
sub catalog_user {
    my ($id, $fields, $token) = new_user('cat');
    return ($token, $id);
}

# catalog_admin() -> token of a new user made admin in the database, signed in again
sub catalog_admin {
    my ($id, $f) = new_user('catadm');
    sql("update app_user set role = 'admin' where id = :'p1'", $id);
    my ($code, $body) = sign_in('shop_auth', { email => $f->{email}, password => $f->{password} });
    die "sign-in failed: $code\n" unless $code == 200 && ($body->{user}{role} // '') eq 'admin';
    return $body->{token};
}

# catalog_category(ADMIN_TOKEN[, NAME]) -> {id, name, slug} of a new category with a
# slug unique to this run; dies unless it is created
sub catalog_category {
    my ($token, $name) = @_;
    my $slug = 'c-' . unique_tag();
    my ($code, $body) = request_json('shop_product', 'POST', '/categories', token => $token,
                                     json => { name => $name // "Category $slug", slug => $slug });
    die "POST /categories failed: $code\n" unless $code == 201;
    return $body;
}

# catalog_product_body(SLUG, FIELD => VALUE...) -> a valid product body (hash ref)
# in category SLUG, with a name unique to this call; the fields given replace its own
sub catalog_product_body {
    my ($slug, %over) = @_;
    my $tag = unique_tag();
    return {
        name             => "Product $tag",
        shortDescription => 'A short description',
        description      => "A longer description of product $tag.",
        price            => 39.9,
        sizes            => ['m', 'l'],
        colors           => ['blue', 'red'],
        images           => { blue => '/uploads/blue.png', red => 'https://img.example/red.png' },
        categorySlug     => $slug,
        %over,
    };
}

# send_chunked(SERVICE, METHOD, PATH, CONTENT, HEADER => VALUE...) -> (status,
# decoded JSON body or undef, head, raw body): CONTENT sent with
# Transfer-Encoding: chunked (1000-byte chunks) on a connection of its own
sub send_chunked {
    my ($service, $method, $path, $content, %headers) = @_;
    local $SIG{PIPE} = 'IGNORE';
    local $_;
    my $sock = Apache::TestRequest::vhost_socket($service) or die "connect: $!";
    $headers{'Content-Type'} //= 'application/json';
    print $sock "$method $path HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n"
              . "Connection: close\r\n" . join('', map { "$_: $headers{$_}\r\n" } sort keys %headers)
              . "\r\n";
    for (my $i = 0; $i < length $content; $i += 1000) {
        my $chunk = substr($content, $i, 1000);
        last unless print $sock sprintf("%x\r\n%s\r\n", length $chunk, $chunk);
    }
    print $sock "0\r\n\r\n";
    my ($status, $head, $data) = read_answer($sock);
    return ($status, scalar eval { $json->decode($data) }, $head, $data);
}

# read_answer(SOCKET) -> (status or 0, head, body with any chunked encoding undone):
# the whole HTTP/1.1 answer, up to the server's close
sub read_answer {
    my ($sock) = @_;
    my $answer = do { local $/; <$sock> } // '';
    my ($status) = $answer =~ m{^HTTP/1\.\d (\d{3})};
    my ($head, $data) = split /\r\n\r\n/, $answer, 2;
    $data //= '';
    if (($head // '') =~ /^Transfer-Encoding:\s*chunked/mi) {
        my $plain = '';
        while ($data =~ s/^([0-9a-fA-F]+)\r\n//) {
            my $len = hex $1;
            last unless $len;
            $plain .= substr($data, 0, $len, '');
            $data =~ s/^\r\n//;
        }
        $data = $plain;
    }
    return ($status // 0, $head // '', $data);
}

# catalog_png(WIDTH, HEIGHT) -> the bytes of a valid RGB PNG of that size (a
# gradient, so every image of another size differs)
sub catalog_png {
    my ($w, $h) = @_;
    require Compress::Zlib;
    my $chunk = sub {
        my ($type, $data) = @_;
        return pack('N', length $data) . $type . $data . pack('N', Compress::Zlib::crc32($type . $data));
    };
    my $raw = join '', map { my $y = $_; "\0" . join '', map { pack 'C3', $_ % 256, $y % 256, ($_ + $y) % 256 } 0 .. $w - 1 } 0 .. $h - 1;
    return "\x89PNG\r\n\x1a\n" . $chunk->('IHDR', pack('NNCCCCC', $w, $h, 8, 2, 0, 0, 0))
         . $chunk->('IDAT', Compress::Zlib::compress($raw)) . $chunk->('IEND', '');
}


# get_many(SERVICE, PATH, N, HEADER => VALUE...) -> N answers to GET PATH as
# {code, content, etag, last_modified} hash refs, sent N at a time from N
# processes, each on a connection of its own (so several children answer)
sub get_many {
    my ($service, $path, $n, @headers) = @_;
    require File::Temp;
    require POSIX;
    my $dir = File::Temp->newdir;
    my @pids;
    for my $i (1 .. $n) {
        my $pid = fork;
        die "fork: $!" unless defined $pid;
        if (!$pid) {
            my $status = 1;
            eval {
                my (undef, undef, $res) = request_json($service, 'GET', $path, headers => \@headers);
                open(my $out, '>', "$dir/$i") or die;
                print $out $json->encode({ code => $res->code, content => $res->content,
                                           etag => scalar $res->header('ETag'),
                                           last_modified => scalar $res->header('Last-Modified') });
                close $out or die;
                $status = 0;
            };
            POSIX::_exit($status);
        }
        push @pids, $pid;
    }
    waitpid($_, 0) for @pids;
    return map {
        my $in;
        open($in, "<", "$dir/$_") ? $json->decode(do { local $/; <$in> }) : { code => 0, content => "" }
    } 1 .. $n;
}

# ---- helpers of t/payment ---------------------------------------------------
package ShopTest;

push @EXPORT, qw(payment_product checkout_body create_checkout stripe_webhook stripe_event
                 stripe_signature payment_outbox payment_events stripe_mock_paid
                 stripe_session_object session_state);

# payment_product(FIELD => VALUE...) -> the product (as POST /products answered) of a new
# category, price 39.90 unless given, sizes m l, colors blue red
sub payment_product {
    my (%over) = @_;
    my $admin = catalog_admin();
    my $slug = catalog_category($admin)->{slug};
    my ($code, $body) = request_json('shop_product', 'POST', '/products', token => $admin,
                                     json => catalog_product_body($slug, %over));
    die "POST /products failed: $code\n" unless $code == 201;
    return $body;
}

# checkout_body(PRODUCT, LINE FIELD => VALUE...) -> a valid checkout body with one
# line of PRODUCT (quantity 2, m, blue)
sub checkout_body {
    my ($product, %line) = @_;
    return {
        cart => [ { id => $product->{id}, quantity => 2, selectedSize => 'm',
                    selectedColor => 'blue', %line } ],
        shipping => { name => 'Ada Lovelace', email => 'ada@example.test', phone => '5551234567',
                      address => '12 Analytical Row', city => 'London' },
    };
}

# create_checkout(SERVICE, TOKEN, BODY) -> (status, body) of POST /sessions/create-checkout-session
sub create_checkout {
    my ($service, $token, $body) = @_;
    return request_json($service, 'POST', '/sessions/create-checkout-session', token => $token,
                        json => $body);
}

# stripe_session_object(ID, FIELD => VALUE...) -> the Checkout Session object of a
# webhook for our session ID, paid, 20.00 usd, payment intent pi_ID; FIELDS replace its own
sub stripe_session_object {
    my ($id, %over) = @_;
    return { id => "cs_test_$id", object => 'checkout.session', client_reference_id => $id,
             metadata => { session_id => $id }, payment_status => 'paid', status => 'complete',
             amount_total => 2000, currency => 'usd', payment_intent => "pi_$id", %over };
}

# session_state(ID) -> [status, payment_status] of checkout session ID
sub session_state {
    return [ sql("select status, payment_status from checkout_session where id = :'p1'", $_[0]) ]->[0];
}

# stripe_event(TYPE, OBJECT) -> a Stripe event {id, type, data:{object}} with a new id
sub stripe_event {
    my ($type, $object) = @_;
    return { id => 'evt_' . unique_tag(), object => 'event', type => $type,
             created => time, data => { object => $object } };
}

# stripe_signature(PAYLOAD, SECRET[, TIMESTAMP]) -> the Stripe-Signature header for PAYLOAD,
# made by Stripe's own library (t/js/stripe-sign.mjs)
sub stripe_signature {
    my ($payload, $secret, $timestamp) = @_;
    require IPC::Open2;
    my $script = top_dir() . '/t/js/stripe-sign.mjs';
    my $pid = IPC::Open2::open2(my $out, my $in, 'node', $script, $secret,
                                defined $timestamp ? ($timestamp) : ());
    print $in $payload;
    close $in;
    my $header = do { local $/; <$out> };
    waitpid($pid, 0);
    die "t/js/stripe-sign.mjs failed ($?)\n" if $? || !$header;
    return $header;
}

# stripe_webhook(EVENT, OPTION => VALUE...) -> (status, body) of POST /webhooks/stripe,
# signed as Stripe signs (t=TS,v1=HMAC-SHA256 of "TS.payload" with the endpoint secret)
#   secret => S, timestamp => TS, header => H (undef: no header), service => NAME
sub stripe_webhook {
    my ($event, %opt) = @_;
    my $payload = $json->encode($event);
    my $header = exists $opt{header} ? $opt{header}
               : stripe_signature($payload, $opt{secret} // 'whsec_mod_shop_test', $opt{timestamp});
    return request_json($opt{service} // 'shop_payment_stripe', 'POST', '/webhooks/stripe',
                        content => $payload,
                        headers => [ defined $header ? ('Stripe-Signature' => $header) : () ]);
}

# payment_outbox(TOPIC, KEY) -> the payloads (decoded) of the outbox rows of TOPIC and KEY, oldest first
sub payment_outbox {
    my ($topic, $key) = @_;
    return map { $json->decode($_->[0]) }
           sql("select payload::text from outbox where topic = :'p1' and key = :'p2' order by id",
               $topic, $key);
}

# payment_events(TOPIC, KEY, N) -> the CloudEvents (decoded) on Kafka TOPIC with KEY, once at
# least N arrived (waits up to 30 s)
sub payment_events {
    my ($topic, $key, $n) = @_;
    my @events;
    wait_for(30, sub {
        @events = map { $json->decode($_->{value}) } grep { $_->{key} eq $key } kcat_consume($topic);
        @events >= $n;
    }, 0.5);
    return @events;
}

# stripe_mock_paid(AMOUNT) -> a guard: while it lives, a second stripe-mock on
# $SHOP_STRIPE_PAID_PORT (the VirtualHost shop_payment_stripe_paid asks it) answers every
# checkout session as paid, AMOUNT (minor units) usd, payment intent pi_fixture_paid: its
# checkout.session fixture patched, as NOTES says stripe-mock allows. Dies when it cannot start.
sub stripe_mock_paid {
    my ($amount) = @_;
    require File::Temp;
    require IO::Socket::INET;
    my $bin = "$ENV{SHOP_CACHE}/bin/stripe-mock-v0.203.0";
    my $fixtures = "$ENV{SHOP_CACHE}/go/mod/github.com/stripe/stripe-mock\@v0.203.0/embedded/openapi/fixtures3.json";
    die "stripe-mock or its fixtures are not in the cache (make deps)\n" unless -x $bin && -r $fixtures;
    my $dir = File::Temp::tempdir(CLEANUP => 1);
    my $data = $json->decode(do { local $/; open(my $in, '<', $fixtures) or die "$fixtures: $!"; <$in> });
    my $session = $data->{resources}{'checkout.session'} or die "no checkout.session fixture\n";
    @$session{qw(status payment_status amount_total currency payment_intent)} =
        ('complete', 'paid', $amount, 'usd', 'pi_fixture_paid');
    open(my $out, '>', "$dir/fixtures.json") or die $!;
    print $out $json->encode($data);
    close $out;
    my $port = $ENV{SHOP_STRIPE_PAID_PORT};
    my $pid = fork // die "fork: $!";
    if (!$pid) {
        open(STDOUT, '>', "$dir/stripe-mock.log");
        open(STDERR, '>&', \*STDOUT);
        exec($bin, '-http-addr', "127.0.0.1:$port", '-https-addr', '127.0.0.1:0',
             '-fixtures', "$dir/fixtures.json") or die "exec: $!";
    }
    my $guard = bless sub { kill 'TERM', $pid; waitpid($pid, 0); undef $dir }, 'ShopTest::Guard';
    wait_for(20, sub { IO::Socket::INET->new("127.0.0.1:$port") })
        or die "the patched stripe-mock did not start on port $port\n";
    return $guard;
}

# ---- helpers of t/order -----------------------------------------------------
package ShopTest;

push @EXPORT, qw(payment_event payment_fields mongo_command mongo_orders order_events
                 order_from_payment);

# payment_event(TYPE, SESSION, DATA) -> a CloudEvent as mod_shop_payment publishes it
# on payment-events (id derived from the session, or from the refund)
sub payment_event {
    my ($type, $session, $data) = @_;
    my $id = $type eq 'payment.refunded' ? "$type:$data->{refundId}" : "$type:$session";
    return $json->encode({ specversion => '1.0', id => $id, source => '/mod_shop/payment',
                           type => $type, time => '2026-01-01T00:00:00Z',
                           datacontenttype => 'application/json',
                           data => { checkoutSessionId => $session, %$data } });
}

# payment_fields(USER_ID, EMAIL, SESSION) -> the data of a payment.succeeded of two items
# (2 x 19.99 + 1 x 5.50 = 45.48 usd)
sub payment_fields {
    my ($user, $email, $session) = @_;
    return { userId => $user, email => $email, currency => 'usd', amount => 45.48,
             paymentIntentId => "pi_$session", provider => 'test',
             items => [ { productId => 7, name => 'Shirt', price => 19.99, quantity => 2,
                          size => 'm', color => 'blue' },
                        { productId => 'p-8', name => 'Cap', price => 5.5, quantity => 1,
                          size => undef, color => 'red' } ],
             shipping => { name => 'Ada Lovelace', email => $email, phone => '+44 1',
                           address => '1 Analytical Way', city => 'London' } };
}

# mongo_command(NAME => VALUE, KEY => VALUE...) -> MongoDB's reply (hash ref) to a
# command on the orders' database (the command's name first, as MongoDB wants),
# through the test module's POST /mongo (t/modules/mod_shop_mongo_test.c)
sub mongo_command {
    my @pairs = @_;
    my $any = JSON::PP->new->utf8->canonical->allow_nonref;
    my @fields;
    while (my ($k, $v) = splice @pairs, 0, 2) {
        push @fields, $any->encode($k) . ':' . $any->encode($v);
    }
    my ($code, $body) = request_json('shop_order', 'POST', '/mongo',
                                     content => '{' . join(',', @fields) . '}');
    die "POST /mongo: $code " . ($body->{message} // '') . "\n" unless $code == 200;
    return $body;
}

# mongo_orders(FILTER) -> the stored order documents matching FILTER
sub mongo_orders {
    my ($filter) = @_;
    return @{ mongo_command(find => 'orders', filter => $filter)->{cursor}{firstBatch} };
}

# order_from_payment(SESSION[, SECONDS]) -> the stored order of checkout session
# SESSION once the order worker made it (undef if it did not in time)
sub order_from_payment {
    my ($session, $seconds) = @_;
    my $order;
    wait_for($seconds // 30, sub { ($order) = mongo_orders({ checkoutSessionId => $session }); $order });
    return $order;
}

# order_events(ORDER_ID) -> the CloudEvents on order-events with key ORDER_ID, oldest first
sub order_events {
    my ($id) = @_;
    return map { eval { $json->decode($_->{value}) } || () } grep { $_->{key} eq $id }
           kcat_consume('order-events');
}

1;
