# A slow identity provider does not stall the child: while one thread downloads
# the JWKS again (a token names a new kid; the provider takes 3 s to answer),
# another thread of the same child verifies a token of a key it already holds
# at once. Before the first download has ended, tokens wait for it. The test
# plays the provider (a JWKS server it can slow down) for an httpd of its own
# with one child.
use strict;
use warnings;
use Apache::Test qw(-withtestmore);
use IO::Socket::INET ();
use JSON::PP ();
use POSIX ();
use Time::HiRes ();
use File::Temp ();
use ShopTest;
use ShopAuthHttpd ();

plan tests => 6;

my $json = JSON::PP->new->canonical;
my $issuer = 'https://slow-idp.test';
my $dir = File::Temp->newdir;
my $SLOW = 3;

# the provider: answers GET /jwks.json with $dir/jwks.json, after $SLOW s while $dir/slow exists
my $listen = IO::Socket::INET->new(Listen => 8, LocalAddr => '127.0.0.1', LocalPort => 0, ReuseAddr => 1)
    or die "listen: $!";
my $provider = fork // die "fork: $!";
if (!$provider) {
    while (my $c = $listen->accept) {
        while (defined(my $line = <$c>)) { last if $line =~ /^\r?\n$/ }
        sleep $SLOW if -e "$dir/slow";
        my $body = '{}';
        if (open(my $in, '<', "$dir/jwks.json")) { local $/; $body = <$in> }
        print $c "HTTP/1.0 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
               . length($body) . "\r\nConnection: close\r\n\r\n$body";
        close $c;
    }
    POSIX::_exit(0);
}
my $guard = bless sub { kill 'TERM', $provider; waitpid $provider, 0 }, 'ShopTest::Guard';

sub publish {
    open(my $fh, '>', "$dir/jwks.json") or die $!;
    print $fh $json->encode({ keys => [map { $_->{public} } @_] });
    close $fh;
}
sub slow { if ($_[0]) { open(my $fh, '>', "$dir/slow") or die $! } else { unlink "$dir/slow" } }
sub mint {
    my ($key) = @_;
    return jose('mint', { alg => 'ES256', jwk => $key->{private},
                          claims => { iss => $issuer, sub => 'slow_' . unique_tag(), iat => time,
                                      exp => time + 600 } })->{token};
}

my $httpd = ShopAuthHttpd->launch('slowidp', 'ShopAuthExternalJWKS http://127.0.0.1:' . $listen->sockport . '/jwks.json',
                       "ShopAuthExternalIssuer $issuer", 'StartServers 1', 'ServerLimit 1',
                       'ThreadsPerChild 4', 'MaxRequestWorkers 4', 'MaxSpareThreads 4');
close $listen;

# GETs /auth/me with each token from its own process, DELAY s apart: [code, seconds] each
sub timed_me {
    my ($delay, @tokens) = @_;
    my @kids;
    for my $i (0 .. $#tokens) {
        pipe(my $r, my $w) or die;
        my $pid = fork // die;
        if (!$pid) {
            my $t0 = Time::HiRes::time();
            my ($code) = $httpd->request('GET', '/auth/me', token => $tokens[$i]);
            syswrite $w, "$code " . (Time::HiRes::time() - $t0);
            POSIX::_exit(0);
        }
        close $w;
        push @kids, [$pid, $r];
        Time::HiRes::sleep($delay);
    }
    return map { my ($pid, $r) = @$_; my $line = <$r>; waitpid $pid, 0; [split ' ', $line // '0 0'] } @kids;
}

my $key_a = jose('keygen', { alg => 'ES256', kid => 'slow-a-' . unique_tag() });
my $key_b = jose('keygen', { alg => 'ES256', kid => 'slow-b-' . unique_tag() });
publish($key_a);
slow(1);
my $first = Time::HiRes::time();
my ($one, $two) = timed_me(0.5, mint($key_a), mint($key_a));
is($one->[0], 200, 'the first token (key a) is accepted once the slow provider answers');
is($two->[0], 200, '... and one sent meanwhile waited for that first download');

# a new kid may be fetched 10 s after the last download began
Time::HiRes::sleep(10.5 - (Time::HiRes::time() - $first)) if Time::HiRes::time() - $first < 10.5;
publish($key_a, $key_b);
my ($rotated, $known) = timed_me(0.5, mint($key_b), mint($key_a));
is($rotated->[0], 200, 'a token of a new key (b) is accepted after the slow download');
cmp_ok($rotated->[1], '>=', $SLOW - 0.5, "... which took about $SLOW s");
is($known->[0], 200, 'meanwhile a token of key a is accepted');
cmp_ok($known->[1], '<', 1, '... at once, not after the download (no lock held across it)');
slow(0);
