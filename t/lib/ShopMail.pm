# ShopMail: helpers of t/email: events published to Kafka as the services
# publish them, and the mail that reached the test stack's mailpit, read through
# its API (http://127.0.0.1:$SHOP_MAILPIT_PORT/api/v1/..., or $ShopMail::API_PORT's).
package ShopMail;
use strict;
use warnings;

use JSON::PP ();
use LWP::UserAgent ();
use URI ();
use Exporter 'import';
use ShopTest qw(wait_for kcat_produce);

our @EXPORT = qw(publish_event mails_to wait_mails mail_message mail_raw unique_address);

my $json = JSON::PP->new->utf8->canonical;
my $ua = LWP::UserAgent->new(timeout => 10, keep_alive => 0);

# the mailpit asked: the stack's, or another one's API port (local $ShopMail::API_PORT = P)
our $API_PORT;
sub api { "http://127.0.0.1:" . ($API_PORT // $ENV{SHOP_MAILPIT_PORT}) . "/api/v1" }

sub api_get {
    my ($path, %query) = @_;
    my $uri = URI->new(api() . $path);
    $uri->query_form(%query) if %query;
    local $_;
    for my $attempt (1 .. 3) {                  # mailpit busy: asked again, not read as "none"
        my $res = $ua->get($uri);
        return $res->decoded_content(charset => 'none') if $res->is_success;
        Test::More::diag("mailpit: GET $uri: " . $res->status_line) if $attempt == 3;
        sleep 1;
    }
    return undef;
}

# unique_address(PREFIX) -> an address no other test (or run) mails to
my $count = 0;
sub unique_address {
    my ($prefix) = @_;
    # "mbox": never the address ShopTest::new_user gives an account of the same prefix
    return sprintf '%s.mbox.p%dt%dn%d@example.test', $prefix, $$, time, ++$count;
}

# publish_event(TOPIC, KEY, TYPE, ID, DATA[, ENVELOPE]) -> the event's JSON text, published
# with kcat as one message: a CloudEvents 1.0 envelope around DATA, with ENVELOPE's
# fields over it (undef values removed)
sub publish_event {
    my ($topic, $key, $type, $id, $data, $envelope) = @_;
    my %event = (specversion => '1.0', id => $id, source => '/mod_shop/test', type => $type,
                 time => '2026-11-30T10:00:00Z', datacontenttype => 'application/json',
                 data => $data, %{ $envelope || {} });
    delete $event{$_} for grep { !defined $event{$_} } keys %event;
    my $text = $json->encode(\%event);
    kcat_produce($topic, $key, $text);
    return $text;
}

# mails_to(ADDRESS) -> summaries (ID, Subject, To, ...) of the messages mailpit holds for ADDRESS
sub mails_to {
    my ($address) = @_;
    my $text = api_get('/search', query => qq{to:"$address"}) // return ();
    my $found = eval { $json->decode($text) } || {};
    return grep { grep { lc($_->{Address} // '') eq lc $address } @{ $_->{To} || [] } }
           @{ $found->{messages} || [] };
}

# wait_mails(ADDRESS, N, SECONDS) -> the summaries once there are at least N (or when time is up)
sub wait_mails {
    my ($address, $n, $seconds) = @_;
    my @mails;
    wait_for($seconds, sub { @mails = mails_to($address); @mails >= $n });
    return @mails;
}

# mail_message(ID) -> the whole message as mailpit parsed it (Text, HTML, From, To, Bcc, Subject, ...)
sub mail_message {
    my ($id) = @_;
    return eval { $json->decode(api_get("/message/$id") // '') } || {};
}

# mail_raw(ID) -> the message as it arrived (headers and body)
sub mail_raw {
    my ($id) = @_;
    return api_get("/message/$id/raw") // '';
}

1;
