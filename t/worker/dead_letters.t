# A poison message (not JSON, or no id) lands in <topic>.dlq with every header
# the consumer promises (error, original topic, partition and offset, consumer
# group, traceparent) and is committed; the messages after it are processed.
use strict;
use warnings;
use Apache::Test qw(-withtestmore);
use ShopTest;

plan tests => 13;

my $run = "poison-$$-" . time;
my $broker = "127.0.0.1:$ENV{SHOP_KAFKA_PORT}";
my $traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

# all four on partition 2, the first poison one with a traceparent
sub produce {
    my ($value, @headers) = @_;
    open(my $fh, '|-', 'kcat', '-b', $broker, '-P', '-t', 'consumer-test', '-p', '2',
         '-k', "key-$run", map { ('-H', $_) } @headers) or die "kcat: $!";
    print $fh "$value\n";
    close $fh or die 'kcat failed';
}
produce(qq({"id":"$run-1"}));
produce("not json $run", "traceparent=$traceparent");
produce(qq({"no-id":"$run"}));
produce(qq({"id":"$run-2"}));

ok(wait_for(30, sub { (sql("select count(*) from consumer_test_applied where id like '$run-%'"))[0][0] == 2 }),
   'the good messages before and after the poison are applied');

# where the poison messages were: partition 2, at these offsets
my %offset = map { my ($o, $v) = split /\t/, $_, 2; chomp $v; ($v => $o) }
             grep { /\Q$run\E/ }
             `kcat -b $broker -C -t consumer-test -p 2 -o beginning -e -q -f '%o\\t%s\\n' 2>/dev/null`;

my @dead;
wait_for(20, sub { @dead = grep { $_->{key} eq "key-$run" } kcat_consume('consumer-test.dlq'); @dead == 2 });
is(scalar @dead, 2, 'both poison messages are in consumer-test.dlq');
is($dead[0]{value}, "not json $run", 'the poison message is kept as it was');
is($dead[0]{headers}{error}, 'the message is not JSON', 'error: why');
is($dead[1]{headers}{error}, 'the message has no string "id"', 'and so for the other one');
is($dead[0]{headers}{'original-topic'}, 'consumer-test', 'original-topic');
is($dead[0]{headers}{'original-partition'}, 2, 'original-partition');
ok(defined $offset{"not json $run"}, 'the poison message was found on partition 2');
is($dead[0]{headers}{'original-offset'}, $offset{"not json $run"}, 'original-offset');
is($dead[1]{headers}{'original-offset'}, $offset{qq({"no-id":"$run"})}, 'original-offset of the other one');
is($dead[0]{headers}{'consumer-group'}, 'shop-consumer-test', 'consumer-group');
is($dead[0]{headers}{traceparent}, $traceparent, 'the traceparent travels');
ok(!exists $dead[1]{headers}{traceparent}, 'and is absent when the message had none');
