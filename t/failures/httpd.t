# httpd2 killed (SIGKILL to its parent, children and worker) under load through httpd1's
# gateway, and started again after SHOP_FAULT_HOLD s: its balancer members are taken out,
# only requests in flight there fail (all within 1 s of the kill), and nothing accepted
# is lost or doubled.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use ShopFaults;

fault_run(name => 'kill httpd2', inject => sub { cluster(qw(httpd kill 2)) },
          restore => sub { cluster(qw(httpd start 2)) },
          fails_within => 1);
