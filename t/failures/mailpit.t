# mailpit (the SMTP server) stopped for SHOP_FAULT_HOLD s under load, then started:
# the email consumer retries, and every mail arrives once.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use ShopFaults;

fault_run(name => 'stop mailpit', inject => sub { cluster(qw(stack stop mailpit)) },
          restore => sub { cluster(qw(stack start mailpit)) });
