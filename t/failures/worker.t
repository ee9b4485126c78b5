# kill -9 of the worker process whose outbox relay publishes, under load: httpd forks
# another, the other worker's relay or the new one takes over, the consumer groups
# hand its partitions on, and every effect arrives once.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use ShopFaults;

use ShopCluster;
my ($relaying) = grep { my $r = worker_report($_); $r && $r->{relay}{state} eq q(relaying) } 1, 2;
$relaying //= 1;
fault_run(name => "kill -9 the relaying worker (httpd$relaying)", inject => sub { cluster(worker => kill => $relaying) });
