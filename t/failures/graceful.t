# apachectl -k graceful on httpd1, whose gateway the load goes through: the old
# children finish what they hold, the worker is replaced, and no request fails.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use ShopFaults;

fault_run(name => 'graceful restart of httpd1 (apachectl -k graceful)', inject => sub { cluster(qw(httpd graceful 1)) });
