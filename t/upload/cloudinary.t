# With ShopProductCloudinaryURL, POST /uploads sends the image to Cloudinary as
# a signed upload (multipart: file, api_key, timestamp, signature = SHA-1 of
# "timestamp=T" + secret) and answers its secure_url. Cloudinary is played by a
# small HTTP server in this test that checks the request as Cloudinary would.
use strict;
use warnings;
use Apache::Test qw(-withtestmore);
use Digest::SHA qw(sha1_hex);
use File::Temp qw(tempfile);
use IO::Socket::INET ();
use JSON::PP ();
use POSIX ();
use ShopTest;

plan tests => 9;

my $secret = 'secret456';
my $secure_url = 'https://res.cloudinary.com/demo/image/upload/v1/shop/tee.png';

# serve_once(STATUS, BODY): answers one request in a child; returns (pid, report file).
# The child gives up after 30 s without a request (the report then stays empty).
sub serve_once {
    my ($status, $body) = @_;
    my $server = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => $ENV{SHOP_CLOUDINARY_PORT},
                                       Listen => 5, ReuseAddr => 1) or die "listen: $!";
    my (undef, $report) = tempfile(UNLINK => 1);
    my $pid = fork // die "fork: $!";
    if ($pid) { close $server; return ($pid, $report) }
    local $SIG{ALRM} = sub { exit 1 };
    alarm 30;
    my $conn = $server->accept or exit 1;
    my ($head, $data) = ('', '');
    $head .= $_ while defined($_ = <$conn>) && $_ ne "\r\n";
    print $conn "HTTP/1.1 100 Continue\r\n\r\n" if $head =~ /^Expect: 100-continue/mi;
    my ($length) = $head =~ /^Content-Length: (\d+)/mi;
    read($conn, $data, $length) if $length;
    my ($boundary) = $head =~ /boundary=([^\s;]+)/i;
    my %parts;
    for my $part (split /--\Q$boundary\E/, $data) {
        my ($name) = $part =~ /name="([^"]+)"/ or next;
        my ($value) = $part =~ /\r\n\r\n(.*)\r\n\z/s;
        $parts{$name} = $value;
    }
    open(my $out, '>', $report) or die;
    print $out JSON::PP->new->encode({ path => ($head =~ m{^POST (\S+)})[0], %parts,
                                       file => defined $parts{file} ? unpack('H*', $parts{file}) : '' });
    close $out;
    print $conn "HTTP/1.1 $status X\r\nContent-Type: application/json\r\nContent-Length: "
              . length($body) . "\r\nConnection: close\r\n\r\n$body";
    close $conn;
    exit 0;
}

# served(PID, REPORT): waits (at most 40 s) for the child of serve_once; what it saw
# (an empty hash if it saw no request)
sub served {
    my ($pid, $report) = @_;
    my $exited = wait_for(40, sub { waitpid($pid, POSIX::WNOHANG()) == $pid });
    kill 'KILL', $pid unless $exited;
    my $text = do { local (@ARGV, $/) = $report; <> } // '';
    return length $text ? JSON::PP->new->decode($text) : {};
}

my $admin = catalog_admin();
my $png = catalog_png(8, 8);
my @upload = (token => $admin, content => $png, headers => ['Content-Type' => 'image/png']);

my ($pid, $report) = serve_once(200, qq({"secure_url":"$secure_url","public_id":"tee"}));
my ($code, $body) = request_json('shop_product_cloudinary', 'POST', '/uploads', @upload);
my $seen = served($pid, $report);
is($code, 201, 'the upload is accepted');
is($body->{url}, $secure_url, 'the answer is Cloudinary\'s secure_url');
is($seen->{path}, '/v1_1/demo/image/upload', 'it went to the cloud\'s upload endpoint');
is($seen->{api_key}, 'key123', 'with the API key');
like($seen->{timestamp}, qr/^\d+$/, 'a timestamp');
is($seen->{signature}, sha1_hex("timestamp=$seen->{timestamp}$secret"), 'and the right signature');
is($seen->{file}, unpack('H*', $png), 'the image arrived byte for byte');

($pid, $report) = serve_once(401, '{"error":{"message":"Invalid Signature"}}');
($code, $body) = request_json('shop_product_cloudinary', 'POST', '/uploads', @upload);
served($pid, $report);
is($code, 503, 'a refusal by Cloudinary is a 503');
like($body->{message}, qr/refused the upload/, 'that says so');
