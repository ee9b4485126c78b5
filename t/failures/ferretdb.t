# FerretDB (the order store of both httpds) stopped for SHOP_FAULT_HOLD s under load:
# the order consumers retry, every paid checkout's order is stored once when it is back.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use ShopFaults;

fault_run(name => 'stop FerretDB', inject => sub { cluster(qw(ferretdb stop)) },
          restore => sub { cluster(qw(ferretdb start)) });
