# Every change to a user is written with its event, in one transaction, to the
# outbox: topic user-events, key the user id, a CloudEvents 1.0 envelope with
# the user (never a password) as data, and the request's traceparent. Sign-up
# gives user.created, PUT user.updated, DELETE user.deleted. The outbox relay
# then publishes user.created to Kafka with the same key, traceparent and
# content-type headers.
use strict;
use warnings;
use Apache::Test qw(-withtestmore);
use JSON::PP ();
use ShopTest;

plan tests => 46;

my $json = JSON::PP->new->utf8;
my $tag = unique_tag();
my $uuid = qr/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
my $traceparent = sprintf '00-%032x-%016x-01', time, $$;
$traceparent =~ s/^00-0/00-a/;

# the outbox rows of KEY as {id, topic, key, headers, payload, text}, oldest first
sub outbox_rows {
    my ($key) = @_;
    return map { { id => $_->[0], topic => $_->[1], key => $_->[2], headers => $json->decode($_->[3]),
                   text => $_->[4], payload => $json->decode($_->[4]) } }
           sql("select id, topic, key, headers::text, payload::text from outbox where key = :'p1' order by id",
               $key);
}

sub check_envelope {
    my ($row, $type, $user_id, $what) = @_;
    my $e = $row->{payload};
    is($row->{topic}, 'user-events', "$what: topic user-events");
    is($row->{key}, $user_id, "$what: key is the user id");
    is($e->{specversion}, '1.0', "$what: specversion 1.0");
    like($e->{id} // '', $uuid, "$what: an event id");
    is($e->{source}, '/mod_shop/auth', "$what: source /mod_shop/auth");
    is($e->{type}, $type, "$what: type $type");
    like($e->{time} // '', qr/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/, "$what: time in RFC 3339 UTC");
    is($e->{data}{id}, $user_id, "$what: data.id is the user id");
    unlike($row->{text}, qr/password|argon2/i, "$what: no password nor hash in the event");
}

# ---- user.created --------------------------------------------------------------------

my %fields = (email => "ev.$tag\@example.test", username => "ev_$tag", firstName => 'Eve',
              lastName => 'Events', password => "event sourced $tag");
my ($code, $body) = request_json('shop_auth', 'POST', '/auth/sign-up', json => \%fields,
                                 headers => [traceparent => $traceparent]);
is($code, 201, 'sign-up with a traceparent header');
my $id = $body->{user}{id} // '';

my @rows = outbox_rows($id);
is(scalar @rows, 1, 'one outbox row for the new user');
my $created = $rows[0] || { payload => {}, headers => {}, text => '' };
check_envelope($created, 'user.created', $id, 'user.created');
is($created->{payload}{data}{email}, $fields{email}, 'user.created: data has the email');
is($created->{payload}{data}{username}, $fields{username}, 'user.created: data has the username');
is($created->{payload}{data}{role}, 'user', 'user.created: data has the role');
is($created->{headers}{traceparent}, $traceparent, 'the row carries the request\'s traceparent');

# without a traceparent, the module starts a trace
my %other = (%fields, email => "ev2.$tag\@example.test", username => "ev2_$tag");
($code, $body) = sign_up('shop_auth', \%other);
my ($other_row) = outbox_rows($body->{user}{id} // '');
like($other_row->{headers}{traceparent} // '', qr/^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/,
     'a sign-up without traceparent gets a new W3C traceparent');
isnt($other_row->{headers}{traceparent} // '', $traceparent, '... of its own');

# ---- user.updated and user.deleted ------------------------------------------------------

my %boss = (%fields, email => "evboss.$tag\@example.test", username => "evboss_$tag");
($code, $body) = sign_up('shop_auth', \%boss);
sql("update app_user set role = 'admin' where id = :'p1'", $body->{user}{id});
($code, $body) = sign_in('shop_auth', { email => $boss{email}, password => $boss{password} });
my $admin = $body->{token};

($code) = request_json('shop_auth', 'PUT', "/users/$id", token => $admin,
                       json => { lastName => 'Updated', password => 'another secret' });
is($code, 200, 'an admin updates the user (last name and password)');
@rows = outbox_rows($id);
is(scalar @rows, 2, 'a second outbox row');
my $updated = $rows[1] || { payload => {}, headers => {}, text => '' };
check_envelope($updated, 'user.updated', $id, 'user.updated');
is($updated->{payload}{data}{lastName}, 'Updated', 'user.updated: data has the new last name');

($code) = request_json('shop_auth', 'DELETE', "/users/$id", token => $admin);
is($code, 204, 'an admin deletes the user');
@rows = outbox_rows($id);
is(scalar @rows, 3, 'a third outbox row');
my $deleted = $rows[2] || { payload => {}, headers => {}, text => '' };
check_envelope($deleted, 'user.deleted', $id, 'user.deleted');

my %ids = map { ($_->{payload}{id} // '') => 1 } $created, $updated, $deleted;
is(scalar keys %ids, 3, 'each event has its own id');

# ---- published to Kafka by the outbox relay ---------------------------------------------

my $message = wait_for(20, sub {
    my ($found) = grep { ($_->{key} // '') eq $id
                         && ((eval { $json->decode($_->{value}) } || {})->{type} // '') eq 'user.created' }
                  kcat_consume('user-events');
    $found;
});
ok($message, 'user.created reaches the user-events topic within 20 s, keyed by the user id');
my $event = eval { $json->decode($message->{value} // '') } || {};
is($event->{data}{id}, $id, 'the Kafka event is about the user');
is($event->{id}, $created->{payload}{id}, '... and is the outbox event (same event id)');
is($message->{headers}{traceparent}, $traceparent, '... and carries the traceparent header');
like($message->{headers}{'content-type'} // '', qr{^application/cloudevents\+json\b},
     '... and content-type application/cloudevents+json');
