# ShopHttpd: a small httpd of a test's own (mod_shop_kafka and what the test
# adds), for the tests that stop, kill or reconfigure the worker without
# disturbing the suite's server. Its directory, config and error log are in a
# temporary directory; it is stopped when the object goes, or at the latest when
# the test ends (before File::Temp removes the directory its pid file is in).
#
#   my $h = ShopHttpd->new(conf => "ShopKafkaWorker On\n...");
#   $h->start or die $h->{why};
#   $h->workers; $h->get_json('/health/worker'); $h->log; $h->stop;
package ShopHttpd;
use strict;
use warnings;

use File::Temp qw(tempdir);
use IO::Socket::INET ();
use Scalar::Util ();
use JSON::PP ();
use Test::More ();
use ShopTest ();

my $json = JSON::PP->new->utf8->canonical;
my %live;                   # the servers of this test, weakly held, for END

# File::Temp's END (compiled earlier) runs after this one: stop what still runs
END {
    local $?;
    $_ && $_->{running} && $_->stop for values %live;
}

sub top_dir { ShopTest::top_dir() }

# new(conf => TEXT, modules => [SO...], threads => N): nothing runs yet
sub new {
    my ($class, %opt) = @_;
    my $dir = tempdir(CLEANUP => 1);
    chmod 0755, $dir;
    my $self = bless { %opt, dir => $dir }, $class;
    Scalar::Util::weaken($live{"$self"} = $self);
    return $self;
}

# base_config(): the lines every test httpd starts with (its files in its directory)
sub base_config {
    my ($self) = @_;
    my $dir = $self->{dir};
    return <<"CONF";
ServerRoot /etc/apache2
ServerName localhost
PidFile $dir/httpd.pid
DefaultRuntimeDir $dir
ErrorLog $dir/error.log
LogLevel info
User nobody
Group nogroup
CONF
}

# shop_config(): the shipped conf/modules.conf on the test stack, worker off (and
# so no order worker or mail consumer joins the suite's consumer groups)
sub shop_config {
    my $top = top_dir();
    return join "\n", "Define SHOP_CONF_DIR $top/conf", "Define SHOP_MODULE_DIR $top/build",
        "Define SHOP_AUTH_KEY $ENV{SHOP_VAR}/keys/signing-key.pem", 'Define SHOP_COOKIE_SECURE Off',
        "Define SHOP_IMAGE_DIR $ENV{SHOP_VAR}/images",
        "Define SHOP_KAFKA_BROKERS 127.0.0.1:$ENV{SHOP_KAFKA_PORT}",
        "Define SHOP_PG_PORT $ENV{SHOP_PG_PORT}",
        "Define SHOP_MONGO_URI mongodb://127.0.0.1:$ENV{SHOP_MONGO_PORT}/shop_test",
        "Include $top/conf/modules.conf", 'ShopKafkaWorker Off', 'ShopOrderWorker Off',
        'ShopEmailWorker Off', '';
}

sub config {
    my ($self) = @_;
    my $top = top_dir();
    my $modules = join '', map { "LoadModule $_\n" } @{ $self->{modules} || [] };
    return $self->base_config . <<"CONF";
LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so
LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so
LoadModule shop_kafka_module $top/build/mod_shop_kafka.so
$modules
Listen 127.0.0.1:$self->{port}
<Location /health/worker>
    SetHandler shop-worker-status
</Location>
$self->{conf}
CONF
}

sub httpd {
    my ($self, @args) = @_;
    my $out = `${\ShopTest::apache2_bin()} -f $self->{dir}/httpd.conf -k @args 2>&1`;
    $self->{why} = $out;
    return $? == 0;
}

# start(): httpd runs on a free port; false (reason in {why}) if it did not start.
# A port found free may be taken before httpd binds it: then another one is tried.
sub start {
    my ($self) = @_;
    for my $try (1 .. 5) {
        $self->{port} = IO::Socket::INET->new(Listen => 1, LocalAddr => '127.0.0.1',
                                              LocalPort => 0)->sockport;
        open(my $fh, '>', "$self->{dir}/httpd.conf") or die "$self->{dir}/httpd.conf: $!";
        print $fh $self->config;
        close $fh;
        if ($self->httpd('start')) {
            $self->{running} = 1;
            return $self->wait_for(10, sub { $self->parent_pid });
        }
        return 0 unless $self->{why} =~ /could not bind|Address already in use/;
    }
    return 0;
}

sub stop {
    my ($self) = @_;
    my $parent = $self->parent_pid;
    $self->{running} = 0;
    return 1 unless $parent;
    $self->httpd('stop');
    return $self->wait_for(15, sub { !kill(0, $parent) });
}

sub parent_pid {
    my ($self) = @_;
    open(my $fh, '<', "$self->{dir}/httpd.pid") or return;
    my $pid = <$fh>;
    chomp $pid if defined $pid;
    return $pid;
}

# workers(): pids of this httpd's "mod_shop worker" processes (zombies excluded)
sub workers {
    my ($self) = @_;
    my $parent = $self->parent_pid or return ();
    return map { (split ' ', $_)[0] }
           grep { /^\s*\d+\s+$parent\s+[^Z\s]\S*\s+apache2: mod_shop worker/ }
           `ps -eo pid,ppid,stat,args`;
}

# log(): the error log so far
sub log {
    my ($self) = @_;
    open(my $fh, '<', "$self->{dir}/error.log") or return '';
    local $/;
    return <$fh>;
}

# get_json(PATH) -> (status, decoded body or undef)
sub get_json {
    my ($self, $path) = @_;
    require LWP::UserAgent;
    local $_;
    my $res = LWP::UserAgent->new(timeout => 10, keep_alive => 0)
        ->get("http://127.0.0.1:$self->{port}$path");
    return ($res->code, eval { $json->decode($res->content) });
}

# wait_for(SECONDS, CODE): ShopTest::wait_for, every 0.1 s (the worker tests time restarts)
sub wait_for {
    my ($self, $seconds, $code) = @_;
    return ShopTest::wait_for($seconds, $code, 0.1);
}

# configtest(LINE...) -> (exit status, output) of `apache2 -t` (the run's apache2,
# ShopTest::apache2_bin) on a configuration
# that loads the mod_shop modules (kafka, auth, product, order) and adds LINEs
sub configtest {
    my (@lines) = @_;
    my $top = top_dir();
    my $dir = tempdir(CLEANUP => 1);
    my $modules = '/usr/lib/apache2/modules';
    open(my $fh, '>', "$dir/httpd.conf") or die "$dir/httpd.conf: $!";
    print $fh join "\n", 'ServerRoot /etc/apache2', 'ServerName localhost',
        "LoadModule mpm_event_module $modules/mod_mpm_event.so",
        "LoadModule authn_core_module $modules/mod_authn_core.so",
        "LoadModule authz_core_module $modules/mod_authz_core.so",
        "LoadModule dbd_module $modules/mod_dbd.so",
        (map { "LoadModule shop_${_}_module $top/build/mod_shop_$_.so" } qw(kafka auth product order)),
        'ErrorLog /dev/null', 'Listen 127.0.0.1:1', @lines, '';
    close $fh;
    my $out = `${\ShopTest::apache2_bin()} -t -f $dir/httpd.conf 2>&1`;
    return ($? >> 8, $out);
}

# configtest_refuses(LINES, QR): two tests: `apache2 -t` fails on LINES (one
# string, or an array of lines) and its output says why (matches QR)
sub configtest_refuses {
    my ($lines, $why) = @_;
    my @lines = ref $lines ? @$lines : ($lines);
    (my $name = "@lines") =~ s/\s+/ /g;
    my ($status, $out) = configtest(@lines);
    Test::More::isnt($status, 0, "configtest fails for: $name");
    Test::More::like($out, $why, "... and says why: $name") or Test::More::diag($out);
}

sub DESTROY {
    my ($self) = @_;
    local ($?, $@);
    my @workers = $self->workers;
    $self->stop if $self->{running};
    kill 'KILL', @workers;
    delete $live{"$self"};
}

1;
