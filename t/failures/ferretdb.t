# Both FerretDB instances (the order store) stopped for SHOP_FAULT_HOLD s under load:
# the order consumers retry, every paid checkout's order is stored once when they are back.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use ShopFaults;

fault_run(name => 'stop FerretDB', inject => sub { cluster(qw(ferretdb stop), $_) for 1, 2 },
          restore => sub { cluster(qw(ferretdb start), $_) for 1, 2 });
