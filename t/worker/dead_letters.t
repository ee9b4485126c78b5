# A poison message (not JSON, or no id) lands in <topic>.dlq with the error in
# a header and is committed; the messages after it are processed.
use strict;
use warnings;
use Apache::Test qw(-withtestmore);
use ShopTest;

plan tests => 6;

my $run = "poison-$$-" . time;
kcat_produce('consumer-test', "key-$run", qq({"id":"$run-1"}), "not json $run",
             qq({"no-id":"$run"}), qq({"id":"$run-2"}));

ok(wait_for(30, sub { (sql("select count(*) from consumer_test_applied where id like '$run-%'"))[0][0] == 2 }),
   'the good messages before and after the poison are applied');

my @dead;
wait_for(20, sub { @dead = grep { $_->{key} eq "key-$run" } kcat_consume('consumer-test.dlq'); @dead == 2 });
is(scalar @dead, 2, 'both poison messages are in consumer-test.dlq');
is($dead[0]{value}, "not json $run", 'the poison message is kept as it was');
like($dead[0]{headers}{error} // '', qr/not JSON/, 'its error header says why');
like($dead[1]{headers}{error} // '', qr/no string "id"/, 'and so does the other one');
is($dead[0]{headers}{'original-topic'}, 'consumer-test', 'with the original topic');
