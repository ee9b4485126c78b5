# apachectl -k graceful on httpd1, whose gateway the load goes through: the old
# children finish what they hold, the worker is replaced, and no request fails (the
# gateway's members are pinged, ping=2 in conf/gateway.conf, so a POST on a pooled
# connection the old child closed is sent again on a new one instead of failing 502).
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use ShopFaults;

fault_run(name => 'graceful restart of httpd1 (apachectl -k graceful)', inject => sub { cluster(qw(httpd graceful 1)) },
          fails_within => 0);
