# ShopAuthHttpd: a ShopHttpd that serves the auth service with the shipped
# conf/modules.conf and conf/auth.conf against the test database, with two
# children of two threads (its own process tree and shared memory), for the
# tests that need a second httpd (t/auth/revocation*.t). Its access log names
# the pid of the child that answered each request. Stopped like every ShopHttpd.
#
#   my $h = ShopAuthHttpd->launch('a', 'ShopAuthRevocationSlots 16');
#   $h->request('GET', '/auth/me', token => $t); $h->get_many('/auth/me', $t, 6);
package ShopAuthHttpd;
use strict;
use warnings;

use JSON::PP ();
use ShopHttpd ();
use ShopTest ();
our @ISA = ('ShopHttpd');

my $json = JSON::PP->new->utf8->canonical;

# launch(NAME, DIRECTIVE...): a started server; the DIRECTIVEs come after modules.conf
sub launch {
    my ($class, $name, @directives) = @_;
    my $top = ShopTest::top_dir();
    my $conf = join "\n", 'StartServers 2', 'ServerLimit 2', 'ThreadsPerChild 2',
        'MaxRequestWorkers 4', 'MinSpareThreads 1', 'MaxSpareThreads 4',
        'LogFormat "%P %<U%<q %>s" shop_pid', "CustomLog DIR/access.log shop_pid",
        $class->shop_config, @directives,
        "Include $top/conf/auth.conf", '';
    my $self = $class->new(name => $name);
    ($self->{conf} = $conf) =~ s{DIR/}{$self->{dir}/};
    $self->start or die "httpd $name did not start: $self->{why}\n" . $self->log;
    return $self;
}

sub url { "http://127.0.0.1:$_[0]{port}$_[1]" }

# request(METHOD, PATH, token => JWT, json => DATA) -> (status, decoded body or undef, res)
sub request {
    my ($self, $method, $path, %opt) = @_;
    require LWP::UserAgent;
    require HTTP::Request;
    local $_;
    my $req = HTTP::Request->new($method => $self->url($path));
    my $body = exists $opt{json} ? $json->encode($opt{json}) : '';
    $req->header('Content-Type' => 'application/json') if length $body;
    $req->header('Content-Length' => length $body);
    $req->content($body);
    $req->header(Authorization => "Bearer $opt{token}") if defined $opt{token};
    my $res = LWP::UserAgent->new(timeout => 30, keep_alive => 0)->request($req);
    return ($res->code, eval { $json->decode($res->content) }, $res);
}

# get_many(PATH, TOKEN, N) -> (codes, pids of the children that answered): N GETs
# at once from N processes, each on a connection of its own, marked in the access
# log by a query string of their own
sub get_many {
    my ($self, $path, $token, $n) = @_;
    require POSIX;
    my $mark = 'probe=' . ShopTest::unique_tag();
    my $marked = $path . ($path =~ /\?/ ? '&' : '?') . $mark;
    pipe(my $read, my $write) or die "pipe: $!";
    my @kids;
    for (1 .. $n) {
        my $pid = fork // die "fork: $!";
        if (!$pid) {
            close $read;
            my ($code) = $self->request('GET', $marked, token => $token);
            syswrite $write, "$code\n";
            POSIX::_exit(0);
        }
        push @kids, $pid;
    }
    close $write;
    my @codes = map { chomp; $_ } <$read>;
    waitpid($_, 0) for @kids;
    my @lines;                              # the log line is written after the answer
    $self->wait_for(2, sub { @lines = grep { /\Q$mark\E/ } $self->access_log; @lines >= $n });
    my %pids = map { (split ' ', $_)[0] => 1 } @lines;
    return (\@codes, [sort keys %pids]);
}

sub access_log { my $f = "$_[0]{dir}/access.log"; open(my $in, '<', $f) or return (); <$in> }

1;
