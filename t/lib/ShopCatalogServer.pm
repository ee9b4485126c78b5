# ShopCatalogServer: a private httpd (a ShopHttpd) serving the catalog
# (conf/product.conf) on a port of its own, next to the suite's server and on the
# same test stack, for the tests that need what the suite's server cannot give: a
# fixed number of children with one thread each (prefork, so that requests held
# open at once land in different children), or a main-server directive such as
# ShopProductCacheSize. Its access log records the pid of the child that answered
# and the request's X-Test-Tag header.
#
#   my $srv = ShopCatalogServer->new(children => 4, threads => 1, conf => 'ShopProductCacheSize 64K');
#   request_json('shop_product', 'GET', $srv->url('/products'));
#   $srv->pids('tag')     # distinct pids that answered requests tagged X-Test-Tag: tag
#   $srv->each_child('/products/1', 'tag')   # one GET answered by every child
# Stopped when the object goes.
#
# sql_unnoticed(SQL, PARAM...) runs SQL on the catalog with its change trigger off
# (in one transaction): the catalog version stays, so no cache drops anything and
# the tests can see which answers come from a cache.
package ShopCatalogServer;
use strict;
use warnings;

use Exporter 'import';
use IO::Socket::INET ();
use ShopHttpd;
use ShopTest ();

our @ISA = ('ShopHttpd');
our @EXPORT = qw(sql_unnoticed);

sub sql_unnoticed {
    my ($sql, @params) = @_;
    return ShopTest::sql("begin; alter table product disable trigger product_changed; $sql;"
               . " alter table product enable trigger product_changed; commit", @params);
}

# new(children => N, threads => N, conf => TEXT): started, every child up and answering
sub new {
    my ($class, %opt) = @_;
    my $self = ShopHttpd::new($class, children => 1, threads => 1, %opt);
    $self->start or die "the catalog server did not start: $self->{why}\n";
    ShopTest::wait_for(10, sub { scalar($self->children) >= $self->{children} })
        or die "the catalog server has no $self->{children} children: " . $self->log;
    ShopTest::wait_for(10, sub { (ShopTest::request_json('shop_product', 'GET', $self->url('/health')))[0] })
        or die "the catalog server does not answer: " . $self->log;
    return $self;
}

sub config {
    my ($self) = @_;
    my ($top, $dir, $port) = (ShopHttpd::top_dir(), $self->{dir}, $self->{port});
    my ($children, $threads) = ($self->{children}, $self->{threads});
    my $workers = $children * $threads;
    # one thread per child: prefork, whose child takes a connection only when it is free
    my $mpm = $threads == 1 ? <<"PREFORK" : <<"EVENT";
LoadModule mpm_prefork_module /usr/lib/apache2/modules/mod_mpm_prefork.so
StartServers $children
ServerLimit $children
MaxRequestWorkers $children
MinSpareServers $children
MaxSpareServers $children
PREFORK
LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so
StartServers $children
ServerLimit $children
ThreadLimit $threads
ThreadsPerChild $threads
MaxRequestWorkers $workers
MinSpareThreads $workers
MaxSpareThreads @{[ $workers + $threads ]}
EVENT
    return <<"CONF";
@{[ $self->base_config ]}LogFormat "%P %{X-Test-Tag}i %>s \\"%r\\"" pids
CustomLog $dir/access.log pids
$mpm
MaxConnectionsPerChild 0

@{[ $self->shop_config ]}
@{[ $self->{conf} // '' ]}

Listen 127.0.0.1:$port
<VirtualHost 127.0.0.1:$port>
    Include $top/conf/product.conf
</VirtualHost>
CONF
}

sub url { "http://127.0.0.1:$_[0]{port}$_[1]" }

# pids of the children serving requests
sub children {
    my ($self) = @_;
    my $parent = $self->parent_pid or return ();
    return map { (split ' ')[0] } grep { !/mod_shop worker/ } `ps -o pid=,args= --ppid $parent 2>/dev/null`;
}

# distinct pids that answered requests with X-Test-Tag: TAG
sub pids {
    my ($self, $tag) = @_;
    open(my $fh, '<', "$self->{dir}/access.log") or return ();
    my %pids = map { (split ' ')[0] => 1 } grep { (split ' ')[1] eq $tag } <$fh>;
    return sort keys %pids;
}

# pids of the processes holding the server side of an open connection to the server
sub holders {
    my ($self) = @_;
    my @lines = grep { (split ' ')[3] eq "127.0.0.1:$self->{port}" } `ss -tnp`;    # local address
    my %pids = map { $_ => 1 } join('', @lines) =~ /pid=(\d+)/g;
    return keys %pids;
}

# each_child(PATH, TAG) -> one answer ({code, content, etag}) per child: every child
# (one thread each) takes one connection, its request half sent, before any request
# is completed (httpd accepts a connection once data arrives: TCP_DEFER_ACCEPT)
sub each_child {
    my ($self, $path, $tag) = @_;
    die "each_child needs one thread per child\n" unless $self->{threads} == 1;
    my @socks = map {
        my $sock = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $self->{port})
            or die "connect: $!\n";
        $sock->autoflush(1);
        print $sock "GET $path HTTP/1.0\r\n";
        $sock;
    } 1 .. $self->{children};
    ShopTest::wait_for(10, sub { $self->holders == $self->{children} })
        or die "the connections were not taken by $self->{children} children: holders "
               . join(' ', $self->holders) . ', children ' . join(' ', $self->children) . "\n";
    print $_ "Host: localhost\r\nX-Test-Tag: $tag\r\n\r\n" for @socks;
    return map {
        my $reply = do { local $/; readline($_) } // '';
        my ($head, $body) = split /\r\n\r\n/, $reply, 2;
        my ($code) = $head =~ m{^HTTP/1\.\d (\d+)};
        my ($etag) = $head =~ /^ETag: (.*?)\r?$/mi;
        { code => $code // 0, content => $body // '', etag => $etag };
    } @socks;
}

1;
