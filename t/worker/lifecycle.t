# The worker belongs to its httpd: `-k graceful` replaces it, `-k stop` leaves
# no worker behind (checked in the process table). Runs its own small httpd.
use strict;
use warnings;
use Apache::Test qw(-withtestmore);
use File::Temp qw(tempdir);
use IO::Socket::INET ();
use ShopTest;

plan tests => 6;

my $dir = tempdir(CLEANUP => 1);
chmod 0755, $dir;
my $port = IO::Socket::INET->new(Listen => 1, LocalAddr => '127.0.0.1', LocalPort => 0)->sockport;
my $conf = "$dir/httpd.conf";
my $so = top_dir() . '/build/mod_shop_kafka.so';
open(my $fh, '>', $conf) or die $!;
print $fh <<"CONF";
ServerRoot /etc/apache2
ServerName localhost
PidFile $dir/httpd.pid
DefaultRuntimeDir $dir
ErrorLog $dir/error.log
LogLevel info
User nobody
Group nogroup
LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so
LoadModule shop_kafka_module $so
Listen 127.0.0.1:$port
ShopKafkaBrokers 127.0.0.1:$ENV{SHOP_KAFKA_PORT}
ShopKafkaWorker On
CONF
close $fh;

sub httpd { system(ShopTest::apache2_bin(), '-f', $conf, '-k', @_) == 0 }
sub parent_pid { my $p = `cat $dir/httpd.pid 2>/dev/null`; chomp $p; $p }
sub workers_of {
    my ($parent) = @_;
    return map { (split ' ', $_)[0] } grep { /^\s*\d+\s+$parent\s+apache2: mod_shop worker/ } `ps -eo pid,ppid,args`;
}

ok(httpd('start'), 'httpd starts');
my $parent = wait_for(10, sub { parent_pid() });
my @first = ();
wait_for(10, sub { @first = workers_of($parent); @first == 1 });
is(scalar @first, 1, 'it runs one worker');

httpd('graceful');
my @second = ();
wait_for(15, sub { @second = workers_of($parent); @second == 1 && $second[0] != $first[0] && !kill(0, $first[0]) });
ok(@second == 1 && $second[0] != $first[0], 'graceful restart replaced the worker');
ok(!kill(0, $first[0]), 'the old worker is gone');

httpd('stop');
ok(wait_for(15, sub { !kill(0, $parent) }), 'httpd stopped');
ok(wait_for(10, sub { !grep { kill(0, $_) } @first, @second }), 'no worker left behind');
