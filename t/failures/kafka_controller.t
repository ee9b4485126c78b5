# The active KRaft controller (the quorum's leader, also a broker) killed (SIGKILL) under
# load and started again after SHOP_FAULT_HOLD s: the two other nodes elect a new
# leader, and nothing is lost or doubled.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use ShopFaults;

chomp(my $leader = `$FindBin::Bin/../../scripts/cluster kafka leader`);
die "no KRaft leader\n" unless $leader =~ /^[123]$/;
fault_run(name => "kill the active controller (node $leader)", inject => sub { cluster(kafka => kill => $leader) },
          restore => sub { cluster(kafka => start => $leader) });
