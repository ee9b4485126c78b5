# ShopFaults: the failure suite (t/failures, `make test-failures`). fault_run puts the
# cluster of scripts/cluster under steady load through httpd1's gateway, injects one
# fault, takes it back, and then counts every accepted request's effects where a user
# or an operator would look for them:
#   sign-up (201)             its app_user row, user.created on user-events, the welcome mail
#   catalog write (201)       its product row, product.created on product-events
#   checkout paid, on the     its checkout_session paid, payment.succeeded on payment-events,
#   test provider's page (303)  its order in the order store (GET /api/user-orders),
#   or by a Stripe-signed       order.created on order-events, the confirmation mail
#   webhook (200)
# A catalog read (200) goes with each round; it has no effect to count, but must answer.
# Events and mails count by their id (CloudEvents id, Message-ID): a second copy of one
# is delivery at least once, dropped by consumers and receivers, and counted apart as a
# copy. An effect found twice is a duplicate, one never found (within SHOP_FAULT_SETTLE s
# of the load's end) is lost. Each run appends its row to $SHOP_VAR/failures.md, the
# table scripts/failures prints. Durations (seconds) come from the environment, so CI
# runs the same faults shorter: SHOP_FAULT_HOLD [30] how long a fault lasts when it is
# taken back, SHOP_FAULT_LOAD [10] the load before the fault and after it is over.
package ShopFaults;
use strict;
use warnings;

use Digest::SHA qw(hmac_sha256_hex);
use Exporter 'import';
use File::Temp ();
use FindBin ();
use HTTP::Tiny ();
use JSON::PP ();
use Test::More;
use Time::HiRes qw(time sleep);
use ShopCluster;

our @EXPORT = qw(fault_run cluster);

use constant CLIENTS => 3;
my $HOLD = $ENV{SHOP_FAULT_HOLD} // 30;
my $LOAD = $ENV{SHOP_FAULT_LOAD} // 10;
my $SETTLE = $ENV{SHOP_FAULT_SETTLE} // 180;
my $json = JSON::PP->new->utf8->canonical;
my $top = "$FindBin::Bin/../..";
# what each accepted kind of request must have caused
my %EFFECTS = (
    signup  => [qw(row user.created mail)],
    product => [qw(row product.created)],
    paid    => [qw(row payment.succeeded order order.created mail)],
);

# cluster(ARG...): scripts/cluster ARG...; dies on failure
sub cluster {
    my @cmd = ("$top/scripts/cluster", @_);
    system(@cmd) == 0 or die "@cmd failed: $?\n";
}

# ---- the load ------------------------------------------------------------------

# a shop to shop in: an admin, a category, one product to buy, one buyer per client
sub setup {
    my ($tag) = @_;
    my $admin = admin_token(1);
    my ($code) = request(POST => service(1, 'product') . '/categories', token => $admin,
                         json => { name => "Faults $tag", slug => $tag });
    die "category: $code\n" unless $code == 201;
    (my $product_code, my $product) = request(POST => service(1, 'product') . '/products', token => $admin,
        json => product_body($tag, sizes => ['m'], colors => ['blue']));
    die "product: $product_code\n" unless $product_code == 201;
    my @buyers = map { [ (new_user(1, "$tag-b$_"))[0, 2] ] } 1 .. CLIENTS;
    return { tag => $tag, admin => $admin, product => $product, buyers => \@buyers,
             secret => do { local (@ARGV, $/) = "$ENV{SHOP_VAR}/keys/stripe-webhook-secret"; <> =~ s/\s+\z//r } };
}

# a Stripe-signed checkout.session.completed for SESSION of AMOUNT minor units
sub signed_webhook {
    my ($shop, $session, $amount) = @_;
    my $payload = $json->encode({
        id => "evt_$session", object => 'event', type => 'checkout.session.completed', created => time,
        data => { object => { id => "cs_test_$session", object => 'checkout.session',
                              client_reference_id => $session, metadata => { session_id => $session },
                              payment_status => 'paid', status => 'complete', amount_total => $amount,
                              currency => 'usd', payment_intent => "pi_$session" } } });
    my $stamp = int time;
    return ($payload, "t=$stamp,v1=" . hmac_sha256_hex("$stamp.$payload", $shop->{secret}));
}

# one client, until the file STOP exists: a catalog read, a sign-up, a catalog write, a
# checkout paid on the test provider's page, one paid by a webhook; each request logged
# to FILE as "START END KIND STATUS ID ADDRESS" (KIND read, signup, product, session,
# paid; ID the new user's, product's or session's, or for paid the session's)
sub client {
    my ($shop, $n, $file, $stop) = @_;
    my $gw = gateway(1);
    my $token = $shop->{buyers}[$n - 1][1];
    my $amount = int($shop->{product}{price} * 100 + 0.5);
    open(my $log, '>', $file) or die "$file: $!";
    $log->autoflush(1);
    my $call = sub {   # KIND, ADDRESS, ID (undef: the answer's), request(...)'s arguments
        my ($kind, $address, $id, @req) = @_;
        my $t0 = time;
        my ($code, $body) = request(@req);
        $id //= ref $body eq 'HASH' ? $body->{id} // ($body->{user} || {})->{id} : undef;
        print $log join(' ', $t0, time, $kind, $code, $id // '-', $address), "\n";
        return ($code, $body);
    };
    for (my $i = 1; !-e $stop; $i++) {
        my $who = "$shop->{tag}-c$n-$i";
        $call->('read', '-', undef, GET => "$gw/api/products/$shop->{product}{id}");
        $call->('signup', "u-$who\@example.test", undef, POST => "$gw/api/auth/sign-up",
                json => { email => "u-$who\@example.test", username => "u_$who", firstName => 'Fault',
                          lastName => 'Load', password => "password $who" });
        $call->('product', '-', undef, POST => "$gw/api/products", token => $shop->{admin},
                json => product_body($shop->{tag}, name => "Load $who"));
        for my $via ('page', 'webhook') {
            my $address = "s-$who-$via\@example.test";
            my ($code, $session) = $call->('session', $address, undef, POST => "$gw/api/sessions/create-checkout-session",
                token => $token, json => { cart => [ { id => $shop->{product}{id}, quantity => 1,
                                                       selectedSize => 'm', selectedColor => 'blue' } ],
                                           shipping => { name => 'Ada', email => $address, phone => '5551234567',
                                                         address => '1 Row', city => 'London' } });
            next unless $code == 200;
            if ($via eq 'page') {
                $call->('paid', $address, $session->{id}, POST => "$gw/pay/$session->{id}", form => 'action=pay');
                next;
            }
            my ($payload, $signature) = signed_webhook($shop, $session->{id}, $amount);
            $call->('paid', $address, $session->{id}, POST => "$gw/api/webhooks/stripe", raw => $payload,
                    headers => { 'Stripe-Signature' => $signature });
        }
    }
    exit 0;
}

# ---- the effects ---------------------------------------------------------------

# kcat_since(TOPIC, EPOCH) -> [key, event (decoded)] of each message on TOPIC from EPOCH on
sub kcat_since {
    my ($topic, $since) = @_;
    my $ms = int($since * 1000);
    return map { chomp; my ($k, $v) = split /\t/, $_, 2; my $e = eval { $json->decode($v) }; $e ? ([$k, $e]) : () }
           `kcat -b $ENV{SHOP_KAFKA_BROKERS} -C -t '$topic' -o s\@$ms -e -q -f '%k\\t%s\\n' 2>/dev/null`;
}

# mails_to(PREFIX, COPIES) -> { address => number of distinct mails } of the mails to
# addresses holding PREFIX; a mail whose Message-ID came already (a worker that died
# between the SMTP server's acceptance and recording it) counts in COPIES (a scalar ref)
sub mails_to {
    my ($prefix, $copies) = @_;
    my (%seen, %count, %ids);
    my $http = HTTP::Tiny->new(timeout => 30);
    for (my $start = 0; ; $start += 500) {
        my $res = $http->get("http://127.0.0.1:$ENV{SHOP_MAILPIT_PORT}/api/v1/search?query=to:$prefix"
                             . "&start=$start&limit=500");
        return undef unless $res->{success};
        my $page = $json->decode($res->{content});
        for my $m (@{ $page->{messages} }) {
            next if $seen{ $m->{ID} }++;      # newest first: arrivals shift the pages
            if ($ids{ $m->{MessageID} }++) { $$copies++; next }
            $count{ lc $_->{Address} }++ for @{ $m->{To} || [] };
        }
        return \%count if $start + 500 >= $page->{messages_count};
    }
}

# orders_of(SHOP) -> { checkout session => number of orders } of the buyers' orders
sub orders_of {
    my ($shop) = @_;
    my %count;
    for my $buyer (@{ $shop->{buyers} }) {
        for (my $offset = 0; ; $offset += 100) {
            my ($code, $page) = request(GET => gateway(1) . "/api/user-orders?limit=100&offset=$offset",
                                        token => $buyer->[1]);
            return undef unless $code == 200;
            $count{ $_->{checkoutSessionId} }++ for @$page;
            last if @$page < 100;
        }
    }
    return \%count;
}

sub sql_counts {   # QUERY, ID... -> { id => count } of the ids the query (:'p1' a text[] literal) finds
    my ($query, @ids) = @_;
    my %count;
    $count{ $_->[0] }++ for sql($query, '{' . join(',', @ids) . '}');
    return \%count;
}

# event_counts(TOPIC, TYPE, EPOCH[, FIELD], COPIES) -> { data.FIELD (or the key) => number of
# distinct events of TYPE }; each copy of an event already seen (its CloudEvents id: the
# at-least-once relay's redelivery, which consumers drop) counts in COPIES (a scalar ref)
sub event_counts {
    my $copies = pop;
    my ($topic, $type, $since, $field) = @_;
    my (%count, %seen);
    for (grep { $_->[1]{type} eq $type } kcat_since($topic, $since)) {
        my ($key, $event) = @$_;
        if ($seen{ $event->{id} // '' }++) { $$copies++; next }
        $count{ $field ? ($event->{data} || {})->{$field} // '' : $key }++;
    }
    return \%count;
}

# effects(SHOP, EPOCH, ACCEPTED) -> { kind => { effect => { id => count } } } for the
# accepted requests (lists of [kind, id, address])
sub effects {
    my ($shop, $since, $accepted) = @_;
    my %ids;
    push @{ $ids{ $_->[0] } }, $_->[1] for @$accepted;
    my $copies = 0;
    my $mails = mails_to($shop->{tag}, \$copies) or return undef;
    my $orders = orders_of($shop) or return undef;
    my %by_address = map { ($_->[1] => lc $_->[2]) } grep { $_->[0] ne 'product' } @$accepted;
    my $mail = { map { $_ => $mails->{ $by_address{$_} } // 0 } keys %by_address };
    return {
        copies => \$copies,
        signup => { row => sql_counts("select id::text from app_user where id::text = any(:'p1'::text[])", @{ $ids{signup} || [] }),
                    'user.created' => event_counts('user-events', 'user.created', $since, \$copies),
                    mail => $mail },
        product => { row => sql_counts("select id::text from product where id::text = any(:'p1'::text[])", @{ $ids{product} || [] }),
                     'product.created' => event_counts('product-events', 'product.created', $since, \$copies) },
        paid => { row => sql_counts("select id::text from checkout_session where payment_status = 'paid'"
                                    . " and id::text = any(:'p1'::text[])", @{ $ids{paid} || [] }),
                  'payment.succeeded' => event_counts('payment-events', 'payment.succeeded', $since, \$copies),
                  order => $orders,
                  'order.created' => event_counts('order-events', 'order.created', $since, 'checkoutSessionId', \$copies),
                  mail => $mail },
    };
}

# tally(EFFECTS, ACCEPTED) -> (found, [duplicated "kind effect id xN"...], [lost "kind effect id"...])
sub tally {
    my ($effects, $accepted) = @_;
    my ($found, @duplicated, @lost) = (0);
    for my $request (@$accepted) {
        my ($kind, $id) = @$request;
        for my $effect (@{ $EFFECTS{$kind} }) {
            my $n = $effects->{$kind}{$effect}{$id} // 0;
            $found += $n ? 1 : 0;
            push @duplicated, "$kind $effect $id x$n" if $n > 1;
            push @lost, "$kind $effect $id" unless $n;
        }
    }
    return ($found, \@duplicated, \@lost);
}

# ---- one fault ---------------------------------------------------------------

# load(SHOP, FAULT) -> the clients' log lines ([START END KIND STATUS ID ADDRESS]) and
# when the fault was injected and over: LOAD s of load, the fault, HOLD s (when it is
# taken back), LOAD s more
sub load {
    my ($shop, $fault) = @_;
    my $dir = File::Temp->newdir;
    my @pids = map { my ($n, $pid) = ($_, fork // die "fork: $!"); $pid or client($shop, $n, "$dir/$n", "$dir/stop"); $pid }
               1 .. CLIENTS;
    sleep $LOAD;
    my $injected = time;
    $fault->{inject}->();
    if ($fault->{restore}) { sleep $HOLD; $fault->{restore}->() }
    my $over = time;
    sleep $LOAD;
    open(my $stop, '>', "$dir/stop") or die $!;
    waitpid($_, 0) for @pids;
    my @log = map { open(my $fh, '<', "$dir/$_") or die $!; map { [split ' '] } <$fh> } 1 .. CLIENTS;
    return (\@log, $injected, $over);
}

# succeeded(LINE): the answer a working shop gives (the test provider's page: 303)
sub succeeded {
    my ($start, $end, $kind, $code, $id, $address) = @{ $_[0] };
    return $code == ($kind eq 'paid' ? ($address =~ /-page\@/ ? 303 : 200) : $EFFECTS{$kind} ? 201 : 200);
}

# settle(SHOP, SINCE, ACCEPTED) -> the tally once nothing is lost, or after SETTLE s:
# { found, duplicated, lost, copies, seconds }
sub settle {
    my ($shop, $since, $accepted) = @_;
    my %tally = (lost => [ 'the effects could not be read' ], duplicated => [], found => 0, copies => 0);
    my $t0 = time;
    wait_for($SETTLE, sub {
        my $effects = eval { effects($shop, $since, $accepted) } or return 0;
        @tally{qw(found duplicated lost)} = tally($effects, $accepted);
        $tally{copies} = ${ $effects->{copies} };
        !@{ $tally{lost} };
    }, 2);
    $tally{seconds} = time - $t0;
    return \%tally;
}

sub first_ten { @_[0 .. ($#_ < 9 ? $#_ : 9)] }

# fault_run(name => N, inject => CODE, restore => CODE | undef, fails_within => S | undef):
# one fault under load, its row in the table, and the tests: nothing lost, nothing
# duplicated, the load served again once the fault is over (and, with fails_within,
# every failed request ended within S s of the injection: 0, none failed)
sub fault_run {
    my (%fault) = @_;
    plan tests => defined $fault{fails_within} ? 5 : 4;
    my $shop = setup('f' . unique_tag());
    my $since = time - 5;
    my ($log, $injected, $over) = load($shop, \%fault);
    my @accepted = map { [ @$_[2, 4, 5] ] } grep { $EFFECTS{ $_->[2] } && succeeded($_) } @$log;
    my @failed = grep { !succeeded($_) } @$log;
    my $recovery = @failed ? (sort { $a <=> $b } map { $_->[1] } @failed)[-1] - $injected : 0;
    my $t = settle($shop, $since, \@accepted);
    my $expected = 0;
    $expected += @{ $EFFECTS{ $_->[0] } } for @accepted;

    diag(sprintf '%s: %d requests, %d accepted, %d failed (the last +%.1f s after the fault); effects %d of %d, '
                 . 'complete %.0f s after the load, %d duplicated, %d lost, %d copies (same id)', $fault{name},
                 scalar @$log, scalar @accepted, scalar @failed, $recovery, $t->{found}, $expected,
                 $t->{seconds}, scalar @{ $t->{duplicated} }, scalar @{ $t->{lost} }, $t->{copies});
    diag(sprintf 'failed: %s %s %s at %+.1f s', @$_[2 .. 4], $_->[0] - $injected) for first_ten(@failed);
    diag("lost: $_") for first_ten(@{ $t->{lost} });
    diag("duplicated: $_") for first_ten(@{ $t->{duplicated} });
    record(sprintf("| %s | %d | %d of %d | %d | %d | %s; effects complete %.0f s after the load | %d |\n",
                   $fault{name}, scalar @accepted, $t->{found}, $expected, scalar @{ $t->{duplicated} },
                   scalar @{ $t->{lost} }, @failed ? sprintf('%d failed, until +%.1f s', scalar @failed, $recovery)
                                                   : 'no request failed', $t->{seconds}, $t->{copies}));

    ok(@accepted > 10 * CLIENTS, sprintf('the load ran (%d requests accepted)', scalar @accepted));
    is_deeply($t->{lost}, [], 'no accepted request lost an effect');
    is_deeply($t->{duplicated}, [], 'no effect duplicated');
    is_deeply([ map { "@$_[2..4]" } grep { !succeeded($_) && $_->[0] > $over + 5 } @$log ], [],
              'every request 5 s after the fault is over succeeds');
    is_deeply([ map { "@$_[2..4]" } grep { $_->[1] > $injected + $fault{fails_within} } @failed ], [],
              $fault{fails_within} ? "requests failed only within $fault{fails_within} s of the fault"
                                   : 'no request failed')
        if defined $fault{fails_within};
}

# record(ROW): the fault's row in $SHOP_VAR/failures.md (scripts/failures prints the table)
sub record {
    open(my $table, '>>', "$ENV{SHOP_VAR}/failures.md") or die "$ENV{SHOP_VAR}/failures.md: $!";
    print $table $_[0];
}

1;
