# mailpit stopped under load and, while the email consumers back off their retries
# (their partitions paused), the consumer group rebalanced: httpd2's worker killed, so
# httpd1's worker is given its partitions and httpd2's new one takes some back. Every
# partition is read again once mailpit is back, and every mail arrives once.
# (Found by this suite: a partition paused for a retry and then revoked came back
# paused, and its mails never went.)
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Time::HiRes qw(sleep);
use ShopFaults;

fault_run(name => 'stop mailpit, and a rebalance while it is down',
          inject => sub { cluster(qw(stack stop mailpit)); sleep 5; cluster(qw(worker kill 2)) },
          restore => sub { cluster(qw(stack start mailpit)) });
