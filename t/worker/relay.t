# The outbox relay, on a database of its own ($SHOP_RELAY_DB) and small httpds
# of this test's own:
#  - a NOTIFY wakes it: with ShopKafkaOutboxPoll at 10 minutes, a row inserted
#    while it idles is published within seconds, which only the NOTIFY explains;
#  - a second relay on the same database stands by (advisory lock) and publishes
#    nothing; when the first one goes, it takes over.
use strict;
use warnings;
use Apache::Test qw(-withtestmore);
use ShopTest;
use ShopHttpd;

plan tests => 13;

my $conninfo = "host=127.0.0.1 port=$ENV{SHOP_PG_PORT} dbname=$ENV{SHOP_RELAY_DB} "
             . "user=$ENV{SHOP_DB_USER} connect_timeout=3";
my $conf = <<"CONF";
ShopKafkaBrokers 127.0.0.1:$ENV{SHOP_KAFKA_PORT}
ShopKafkaWorker On
ShopKafkaOutbox "$conninfo"
ShopKafkaOutboxPoll 10min
CONF
my $run = "relay-$$-" . time;

sub relay_sql { local $ENV{SHOP_DB} = $ENV{SHOP_RELAY_DB}; sql(@_) }
# insert(N) -> the id of a new outbox row for worker-test, key "$run-N"
sub insert {
    my ($n) = @_;
    return (relay_sql("insert into outbox (topic, key, payload) values ('worker-test', :'p1', "
                      . "jsonb_build_object('id', :'p1')) returning id", "$run-$n"))[0][0];
}
sub published {
    my ($id) = @_;
    return (relay_sql("select published_at is not null from outbox where id = :'p1'", $id))[0][0] eq 't';
}
sub relay_state {
    my ($h) = @_;
    my (undef, $body) = $h->get_json('/health/worker');
    return $body && $body->{status} eq 'ok' ? $body->{relay} : {};
}
sub on_kafka {
    my ($key) = @_;
    return scalar grep { $_->{key} eq $key } kcat_consume('worker-test');
}

my $first = ShopHttpd->new(conf => $conf);
ok($first->start, 'the first httpd starts') or diag $first->{why};
ok($first->wait_for(20, sub { (relay_state($first)->{state} // '') eq 'relaying' }), 'its relay leads');

my $id = insert(1);
ok(wait_for(20, sub { published($id) }), 'a row is published');
# the relay now idles in its 10-minute poll: only the NOTIFY can wake it
$id = insert(2);
ok(wait_for(20, sub { published($id) }), 'a row inserted while it idles is published at once (NOTIFY)');
is(on_kafka("$run-2"), 1, 'and is on Kafka once');

my $second = ShopHttpd->new(conf => $conf);
ok($second->start, 'a second httpd on the same database starts') or diag $second->{why};
ok($second->wait_for(20, sub { (relay_state($second)->{state} // '') eq 'standby' }),
   'its relay stands by (the first holds the advisory lock)');
is(relay_state($first)->{state}, 'relaying', 'the first still relays');
$id = insert(3);
ok(wait_for(20, sub { published($id) }), 'a row is published');
is(on_kafka("$run-3"), 1, 'once');
is(relay_state($second)->{published}, 0, 'not by the standby');

$first->stop;
ok($second->wait_for(60, sub { (relay_state($second)->{state} // '') eq 'relaying' }),
   'when the first httpd stops, the standby takes over');
$id = insert(4);
ok(wait_for(20, sub { published($id) }), 'and publishes');
