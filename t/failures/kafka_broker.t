# One Kafka node of three, not the active controller, killed (SIGKILL) under load and
# started again after SHOP_FAULT_HOLD s: with 3 replicas and min.insync.replicas=2 the
# producers and consumers carry on with the other two, and nothing is lost or doubled.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use ShopFaults;

my $leader = `$FindBin::Bin/../../scripts/cluster kafka leader`;
my ($node) = grep { $_ != ($leader || 0) } 3, 2;
fault_run(name => "kill one Kafka broker (node $node)", inject => sub { cluster(kafka => kill => $node) },
          restore => sub { cluster(kafka => start => $node) });
