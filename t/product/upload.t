# POST /uploads (admin): the raw body is an image whose Content-Type
# (image/png, jpeg, gif or webp) matches its magic bytes; it is stored under a
# random name and answered 201 {"url": "/images/uploads/<random>.<ext>"}, which httpd
# serves byte for byte with the right Content-Type. A body that is not what it
# claims, or a type that is not an image, is 415; over 5 MiB is 413 (declared
# or chunked); anonymous is 401 and a user 403. A refused upload stores nothing.
use strict;
use warnings;
use Apache::Test qw(-withtestmore);
use ShopTest;

my $admin = catalog_admin();
my ($user) = catalog_user();
my $dir = "$ENV{SHOP_VAR}/images/uploads";
my ($code, $body, $res);

sub upload {
    my ($type, $content, @auth) = @_;
    return request_json('shop_product', 'POST', '/uploads', content => $content,
                        headers => [defined $type ? ('Content-Type' => $type) : ()],
                        @auth ? @auth : (token => $admin));
}
sub stored_files { opendir(my $d, $dir) or return -1; scalar grep { !/^\.\.?$/ } readdir $d }

ok(-d $dir, "the upload directory $dir exists");
my $png = catalog_png(16, 9);
($code, $body, $res) = upload('image/png', $png);
is($code, 201, 'a PNG as image/png: 201');
like($res->header('Content-Type') // '', qr{^application/json}, '... JSON');
my $url = $body->{url} // '';
like($url, qr{^/images/uploads/[0-9a-zA-Z_-]{16,}\.png$}, "... {\"url\": \"/images/uploads/<random>.png\"}: $url");
(my $name = $url) =~ s{^/images/uploads/}{};
ok(-f "$dir/$name", '... stored in the upload directory');

($code, $body, $res) = request_json('shop_product', 'GET', $url);
is($code, 200, "GET $url, anonymous: 200");
is($res->header('Content-Type'), 'image/png', '... Content-Type image/png');
ok($res->content eq $png, '... the same bytes') or diag(length($res->content) . ' bytes, not ' . length $png);

($code, $body) = upload('image/png', $png);
is($code, 201, 'the same image again: 201');
like($body->{url} // '', qr{^/images/uploads/[0-9a-zA-Z_-]{16,}\.png$}, '... a URL');
isnt($body->{url}, $url, '... another one');
($code, $body) = upload('image/png; charset=binary', catalog_png(3, 3));
is($code, 201, 'image/png with a parameter: 201');

# the other types, each served back with its own type
my %images = (
    'image/jpeg' => ["\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" . "\x00" x 64 . "\xff\xd9", 'jpg'],
    'image/gif'  => ["GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,"
                     . "\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;", 'gif'],
    'image/webp' => ['RIFF' . pack('V', 30) . 'WEBPVP8L' . pack('V', 18) . "\x2f\x00\x00\x00\x00" . "\x00" x 13, 'webp'],
);
for my $type (sort keys %images) {
    my ($bytes, $ext) = @{ $images{$type} };
    ($code, $body) = upload($type, $bytes);
    is($code, 201, "a $ext as $type: 201");
    like($body->{url} // '', qr{^/images/uploads/[^/]+\.\Q$ext\E$}, "... a .$ext URL");
    ($code, undef, $res) = request_json('shop_product', 'GET', $body->{url} // '/images/uploads/none');
    is($code, 200, '... served');
    is($res->header('Content-Type'), $type, "... as $type");
    ok($res->content eq $bytes, '... byte for byte');
}

# ---- refused -----------------------------------------------------------------------------

my $files = stored_files();
my $text = "This is not an image at all.\n" x 10;
for my $case (['text declared image/png', 'image/png', $text],
              ['a PNG declared image/jpeg', 'image/jpeg', $png],
              ['a PNG declared image/gif', 'image/gif', $png],
              ['a PNG declared image/webp', 'image/webp', $png],
              ['a GIF declared image/png', 'image/png', $images{'image/gif'}[0]],
              ['a RIFF WAVE declared image/webp', 'image/webp', 'RIFF' . pack('V', 30) . 'WAVEfmt ' . "\0" x 22],
              ['text declared text/plain', 'text/plain', $text],
              ['a PNG declared text/plain', 'text/plain', $png],
              ['a PNG declared application/octet-stream', 'application/octet-stream', $png],
              ['a PNG declared application/json', 'application/json', $png],
              ['an SVG declared image/svg+xml', 'image/svg+xml',
               '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'],
              ['an HTML page declared image/png', 'image/png', "<html><script>alert(1)</script></html>"],
              ['an empty body declared image/png', 'image/png', ''],
              ['the PNG signature cut short', 'image/png', substr($png, 0, 5)]) {
    my ($what, $type, $content) = @$case;
    ($code, $body, $res) = upload($type, $content);
    is($code, 415, "$what: 415");
    like($res->header('Content-Type') // '', qr{^application/json}, "$what: JSON");
    ok(length($body->{message} // ''), "$what: a message");
}
($code, $body) = request_json('shop_product', 'POST', '/uploads', token => $admin, content => $png,
                              headers => ['Content-Type' => undef]);
is($code, 415, 'a PNG without a Content-Type: 415');

my $max = 5 * 1024 * 1024;
my $too_big = $png . ("\0" x (6 * 1024 * 1024 - length $png));
($code, $body, $res) = upload('image/png', $too_big);
is($code, 413, 'a 6 MiB PNG declared with Content-Length: 413');
like($res->header('Content-Type') // '', qr{^application/json}, '... JSON');
ok(length($body->{message} // ''), '... with a message');
my $head;
($code, $body, $head) = send_chunked('shop_product', 'POST', '/uploads', $too_big,
                                     'Content-Type' => 'image/png', Authorization => "Bearer $admin");
is($code, 413, 'a 6 MiB PNG sent chunked: 413');
like($head, qr{^Content-Type:\s*application/json}mi, '... JSON');
($code, $body, $res) = upload('image/png', $png . ("\0" x ($max + 1 - length $png)));
is($code, 413, 'one byte over 5 MiB: 413');
is(stored_files(), $files, 'no refused upload left a file');

($code, $body) = upload('image/png', $png . ("\0" x ($max - length $png)));
is($code, 201, 'exactly 5 MiB: 201');
(my $big = $body->{url} // '') =~ s{^/images/uploads/}{};
is(-s "$dir/$big", $max, '... stored whole');
unlink "$dir/$big" if $big =~ /^[^\/.][^\/]*$/;

# ---- who may upload ----------------------------------------------------------------------

$files = stored_files();
($code, $body, $res) = upload('image/png', $png, token => undef);
is($code, 401, 'anonymous upload: 401');
is($body->{message}, 'authentication required', '... JSON message');
($code, $body) = upload('image/png', $png, token => $user);
is($code, 403, 'a user\'s upload: 403');
is($body->{message}, 'forbidden: requires role admin', '... JSON message');
is(stored_files(), $files, '... neither stored a file');

($code, $body) = request_json('shop_product', 'GET', '/images/uploads/no-such-file.png');
is($code, 404, 'GET an upload that does not exist: 404');
($code) = request_json('shop_product', 'GET', '/images/uploads/../../etc/passwd');
ok($code == 400 || $code == 404, "GET /images/uploads/../../etc/passwd: $code");

done_testing();
