# POST /uploads (admin) under attack; t/product/upload.t has the rest (types,
# magic bytes, SVG and HTML refused, sizes, who may upload).
#  - A file name is never taken from the client: ../../etc/passwd, an absolute
#    path, backslashes or a NUL in Content-Disposition, X-File-Name or the query
#    still store the image under a random name in ShopProductUploadDir, and
#    nothing appears anywhere else.
#  - Reading back with ../, %2f, %2e%2e, backslashes or %00 gives 400/404 JSON,
#    never a file outside the image directory, on the product host and the gateway.
#  - Polyglots: a valid PNG followed by an HTML page with a script, a GIF whose
#    bytes are also JavaScript, a JPEG with HTML in a comment are images by their
#    magic bytes, so they are stored, but served as the image type the extension
#    says with X-Content-Type-Options: nosniff and a sandboxing
#    Content-Security-Policy, so no browser runs them as a page or a script.
use strict;
use warnings;
use Apache::Test qw(-withtestmore);
use File::Find ();
use ShopTest;

my $admin = catalog_admin();
my $images = "$ENV{SHOP_VAR}/images";
my $dir = "$images/uploads";
my $gateway = "http://127.0.0.1:$ENV{SHOP_GATEWAY_PORT}";
my $png = catalog_png(4, 4);
my $tag = unique_tag();

# every file under the image directory but the uploads, and the places a traversal aims at
sub elsewhere {
    my @files;
    File::Find::find({ no_chdir => 1, wanted => sub { push @files, $File::Find::name if -f && !m{^\Q$dir\E/} } },
                     $images);
    my @passwd = stat '/etc/passwd';
    return join "\n", (sort @files), "passwd $passwd[7] $passwd[9]", glob("/tmp/abuse-$tag*"),
                      glob("$images/abuse-$tag*"), glob("$ENV{SHOP_VAR}/abuse-$tag*");
}
sub uploads { opendir(my $d, $dir) or die "$dir: $!"; scalar grep { !/^\.\.?$/ } readdir $d }

my $before = elsewhere();
my @names = ('../../etc/passwd', "../abuse-$tag.png", "../../abuse-$tag.png", "/tmp/abuse-$tag.png",
             "..\\..\\abuse-$tag.png", "C:\\abuse-$tag.png", "abuse-$tag.png\0.html", "abuse-$tag.html");
for my $name (@names) {
    (my $shown = $name) =~ s/\0/\\0/g;
    (my $header = $name) =~ s/\0/%00/g;
    (my $query = $header) =~ s{([^A-Za-z0-9._-])}{sprintf '%%%02X', ord $1}ge;
    my $count = uploads();
    my ($code, $body) = request_json('shop_product', 'POST', "/uploads?filename=$query&name=$query",
        token => $admin, content => $png,
        headers => ['Content-Type' => 'image/png', 'X-File-Name' => $header,
                    'Content-Disposition' => qq{attachment; filename="$header"; filename*=UTF-8''$query}]);
    is($code, 201, "a PNG named $shown: 201");
    like($body->{url} // '', qr{^/images/uploads/[0-9a-f]{32}\.png$}, "... stored under a random name: $body->{url}");
    is(uploads(), $count + 1, '... in the upload directory');
}
is(elsewhere(), $before, 'no upload wrote a file outside the upload directory');

# ---- reading back -------------------------------------------------------------------------

my @paths = ('/images/uploads/..%2f..%2f..%2f..%2fetc%2fpasswd', '/images/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
             '/images/uploads/%2e%2e%2f%2e%2e%2fkeys%2fsigning-key.pem', '/images/uploads/..%5c..%5cetc%5cpasswd',
             '/images/uploads/%00.png', '/images/uploads/x.png%00.html', '/images/..%252f..%252fetc%252fpasswd');
for my $path (@paths) {
    for my $base ('', $gateway) {
        my ($code, $body, $res) = request_json('shop_product', 'GET', "$base$path");
        my $where = $base ? 'gateway' : 'product';
        ok($code == 400 || $code == 404, "$where GET $path: $code");
        like($res->header('Content-Type') // '', qr{^application/json}, '... JSON');
        unlike($res->content, qr/root:|PRIVATE KEY/, '... no file outside the image directory');
    }
}

# ---- polyglots ----------------------------------------------------------------------------

my $html = '<html><body><script>document.title="pwned"</script></body></html>';
my %polyglots = (
    'a PNG followed by an HTML page' => ['image/png', $png . $html],
    'a GIF that is also JavaScript' => ['image/gif', "GIF89a/*\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff"
                                        . "!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D"
                                        . "\x01\x00;*/=1;document.title='pwned';//"],
    'a JPEG with HTML in a comment' => ['image/jpeg', "\xff\xd8\xff\xfe\x00\x60" . $html . "\xff\xd9"],
);
for my $what (sort keys %polyglots) {
    my ($type, $bytes) = @{ $polyglots{$what} };
    my ($code, $body) = request_json('shop_product', 'POST', '/uploads', token => $admin, content => $bytes,
                                     headers => ['Content-Type' => $type]);
    is($code, 201, "$what, as $type: stored (its magic bytes are an image's)");
    my $url = $body->{url} // '/images/uploads/none';
    for my $base ('', $gateway) {
        my $where = $base ? 'gateway' : 'product';
        my (undef, undef, $res) = request_json('shop_product', 'GET', "$base$url");
        is($res->code, 200, "$where GET $url: 200");
        is($res->header('Content-Type'), $type, "... served as $type, never text/html");
        is($res->header('X-Content-Type-Options'), 'nosniff', '... X-Content-Type-Options: nosniff');
        like($res->header('Content-Security-Policy') // '', qr/\bsandbox\b/, '... Content-Security-Policy: sandbox');
        like($res->header('Content-Security-Policy') // '', qr/default-src 'none'/, "... and default-src 'none'");
    }
}

done_testing();
