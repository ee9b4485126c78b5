# A message whose handler keeps asking to retry pauses only its own partition:
# the messages behind it wait (order per partition), the other partitions keep
# flowing, and the retries back off. Released, it and the ones behind it are
# applied, each once, in order.
use strict;
use warnings;
use Apache::Test qw(-withtestmore);
use ShopTest;

plan tests => 8;

my $run = "partitions-$$-" . time;
my $broker = "127.0.0.1:$ENV{SHOP_KAFKA_PORT}";
sub produce_to {
    my ($partition, @values) = @_;
    open(my $fh, '|-', 'kcat', '-b', $broker, '-P', '-t', 'consumer-test', '-p', $partition,
         '-k', "key-$run") or die "kcat: $!";
    print $fh "$_\n" for @values;
    close $fh or die 'kcat failed';
}
sub applied { scalar sql("select 1 from consumer_test_applied where id = :'p1'", $_[0]) }
sub retried {
    my (undef, $body) = get_json('shop_product', '/health/worker');
    my ($c) = grep { $_->{name} eq 'consumer-test' } @{ $body->{consumers} || [] };
    return $c ? $c->{retried} : -1;
}

# whatever happens, do not leave partition 0 held for the next runs
my $guard = bless sub { sql("insert into consumer_test_released values (:'p1') on conflict do nothing",
                            "$run-held") }, 'ShopTest::Guard';
my $retried_before = wait_for(20, sub { my $n = retried(); $n >= 0 ? $n + 1 : 0 }) - 1;

produce_to(0, qq({"id":"$run-held","hold":true}), qq({"id":"$run-behind"}));
produce_to(1, qq({"id":"$run-p1"}));
produce_to(2, qq({"id":"$run-p2"}));

ok(wait_for(30, sub { applied("$run-p1") && applied("$run-p2") }),
   'the other partitions flow while partition 0 retries');
ok(wait_for(30, sub { retried() >= $retried_before + 2 }), 'the held message is retried');
ok(!applied("$run-held"), 'the held message is not applied');
ok(!applied("$run-behind"), 'nor the one behind it on its partition');

sql("insert into consumer_test_released values (:'p1')", "$run-held");
ok(wait_for(90, sub { applied("$run-behind") }), 'released, the partition resumes');
is_deeply([map { $_->[0] } sql("select id from consumer_test_applied where id in (:'p1', :'p2') "
                               . "order by at", "$run-held", "$run-behind")],
          ["$run-held", "$run-behind"], 'both applied, in partition order');
is((sql("select count(*) from consumer_test_applied where id like :'p1' and applied <> 1",
        "$run-%"))[0][0], 0, 'each once');
is((sql("select count(*) from consumer_test_applied where id like :'p1'", "$run-%"))[0][0], 4,
   'all four applied');
