# PostgreSQL restarted under load (stopped, then started at once): requests in between
# fail with 503, the workers reconnect, and nothing accepted is lost or doubled.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use ShopFaults;

fault_run(name => 'restart PostgreSQL', inject => sub { cluster(qw(stack stop postgres)); cluster(qw(stack start postgres)) });
