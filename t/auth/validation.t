# Sign-up refuses what it cannot store: each invalid field is named in a 400,
# a body that is not a JSON object is a 400, a body over 16384 bytes is a 413
# (declared with Content-Length or sent chunked), a taken email or username is
# a 409 naming the field, whatever its letter case. No refused request leaves a
# row in app_user or an event in the outbox.
use strict;
use warnings;
use Apache::Test qw(-withtestmore);
use Apache::TestRequest ();
use JSON::PP ();
use ShopTest;

plan tests => 101;

my $json = JSON::PP->new->utf8->canonical;
my $run = unique_tag();
my $n = 0;

# a valid sign-up body with an email and username of its own
sub valid {
    my $tag = $run . 'c' . ++$n;
    return { email => "val.$tag\@example.test", username => "val_$tag", firstName => 'Vera',
             lastName => 'Valid', password => 'long enough' };
}

sub rows_for { sql_value("select count(*) from app_user where lower(email) = lower(:'p1')", $_[0]) }
sub events_for {
    sql_value("select count(*) from outbox where payload->'data'->>'email' ilike :'p1'", $_[0]);
}

# ---- one invalid field at a time, then several ------------------------------

my @cases = (
    ['firstName of 1 character'        => { firstName => 'A' },              ['firstName']],
    ['firstName of 51 characters'      => { firstName => 'x' x 51 },         ['firstName']],
    ['empty lastName'                  => { lastName => '' },                ['lastName']],
    ['lastName of 51 UTF-8 characters' => { lastName => "\x{e9}" x 51 },     ['lastName']],
    ['username of 1 character'         => { username => 'a' },               ['username']],
    ['username of 51 characters'       => { username => 'u' x 51 },          ['username']],
    ['username with a space and !'     => { username => "bad name$run!" },   ['username']],
    ['email without @'                 => { email => 'not-an-email' },       ['email']],
    ['email without a domain dot'      => { email => "a$run\@localhost" },   ['email']],
    ['email without a local part'      => { email => '@example.test' },      ['email']],
    ['email with two @'                => { email => "a$run\@\@example.test" }, ['email']],
    ['password of 7 characters'        => { password => 'seven77' },         ['password']],
    ['firstName a number'              => { firstName => 42 },               ['firstName']],
    ['password a number'               => { password => 12345678 },          ['password']],
    ['email a boolean'                 => { email => JSON::PP::true },       ['email']],
    ['username an object'              => { username => { name => 'x' } },   ['username']],
    ['firstName null'                  => { firstName => undef },            ['firstName']],
    ['three bad fields'                => { firstName => 'A', email => 'x', password => 'short' },
                                          [qw(email firstName password)]],
);
for my $case (@cases) {
    my ($what, $change, $expect) = @$case;
    my $base = valid();
    my ($code, $body) = sign_up('shop_auth', { %$base, %$change });
    is($code, 400, "$what: 400");
    is_deeply([sort keys %{ $body->{fields} || {} }], $expect, "$what: names @$expect");
    is(sql_value("select count(*) from app_user where lower(email) = lower(:'p1')"
                 . " or lower(username) = lower(:'p2')", $base->{email}, $base->{username}),
       0, "$what: no row");
}
my ($code, $body) = sign_up('shop_auth', { %{ valid() }, firstName => 42 });
is($body->{fields}{firstName}, 'must be a string', 'a number for a string is "must be a string"');
is($body->{message}, 'invalid fields', 'the 400 says "invalid fields"');

($code, $body) = sign_up('shop_auth', {});
is($code, 400, 'an empty object: 400');
is_deeply($body->{fields}, { map { ($_ => 'is required') } qw(email username firstName lastName password) },
          'an empty object: each of the five fields "is required"');

# the limits themselves are allowed (characters, not bytes)
my $edge = valid();
my $long_user = "e_$run" . ('9' x 50);
$edge->{username} = substr($long_user, 0, 50);
$edge->{firstName} = 'Al';
$edge->{lastName} = "\x{e9}" x 50;
$edge->{password} = 'eight888';
($code, $body) = sign_up('shop_auth', $edge);
is($code, 201, 'names of 2 and 50 characters, a 50-character username, an 8-character password: 201');
is($body->{user}{lastName}, "\x{e9}" x 50, 'the 50 UTF-8 characters come back intact');
is(rows_for($edge->{email}), 1, 'and the row is there');

# ---- bodies that are not a JSON object ----------------------------------------

for my $case (['malformed JSON'  => '{"email":"x@example.test",'],
              ['a JSON array'    => $json->encode([valid()])],
              ['a JSON string'   => '"hello"'],
              ['JSON null'       => 'null'],
              ['an empty body'   => ''],
              ['a form body'     => 'email=x%40example.test&password=long+enough']) {
    my ($what, $content) = @$case;
    ($code, $body) = request_json('shop_auth', 'POST', '/auth/sign-up', content => $content);
    is($code, 400, "$what: 400");
    is($body->{message}, 'the body must be a JSON object', "$what: says the body must be a JSON object");
}
# bytes that are not UTF-8 are the client's mistake (400), not a database outage (503)
my $bad_bytes = valid();
my $raw = $json->encode({ %$bad_bytes, firstName => 'XX' });
$raw =~ s/"XX"/"\xff\xfe"/;
($code, $body) = request_json('shop_auth', 'POST', '/auth/sign-up', content => $raw);
is($code, 400, 'a firstName that is not UTF-8 (bytes ff fe): 400, not 503');
is(rows_for($bad_bytes->{email}), 0, '... and no row');

my $in_array = valid();
request_json('shop_auth', 'POST', '/auth/sign-up', content => $json->encode([$in_array]));
is(rows_for($in_array->{email}), 0, 'a valid user inside an array creates no row');

# ---- the body size limit (16384 bytes) ----------------------------------------

# a valid sign-up body padded with spaces to exactly SIZE bytes
sub padded {
    my ($fields, $size) = @_;
    my $text = $json->encode($fields);
    return substr($text, 0, -1) . (' ' x ($size - length $text)) . '}';
}

my $at_limit = valid();
($code) = request_json('shop_auth', 'POST', '/auth/sign-up', content => padded($at_limit, 16384));
is($code, 201, 'a body of exactly 16384 bytes is read: 201');
is(rows_for($at_limit->{email}), 1, '... and the user is created');

my $over = valid();
my $res;
($code, $body, $res) = request_json('shop_auth', 'POST', '/auth/sign-up', content => padded($over, 16385));
is($code, 413, 'a body of 16385 bytes with Content-Length: 413');
is($res->header('Content-Type'), 'application/json', '... answered in JSON');
is($body->{message}, 'request body too large', '... saying the body is too large');
is(rows_for($over->{email}), 0, '... and no row');

# the same, chunked: the cap counts the bytes that arrive

my $chunked_ok = valid();
($code) = send_chunked('shop_auth', 'POST', '/auth/sign-up', padded($chunked_ok, 16384));
is($code, 201, 'a chunked body of 16384 bytes is read: 201');
is(rows_for($chunked_ok->{email}), 1, '... and the user is created');

my $chunked_over = valid();
my $head;
($code, $body, $head) = send_chunked('shop_auth', 'POST', '/auth/sign-up', padded($chunked_over, 40000));
is($code, 413, 'a chunked body of 40000 bytes: 413');
like($head, qr{^Content-Type:\s*application/json}mi, '... answered in JSON');
is($body->{message}, 'request body too large', '... saying the body is too large');
is(rows_for($chunked_over->{email}), 0, '... and no row');

# ---- taken email or username ----------------------------------------------------

my $first = valid();
($code) = sign_up('shop_auth', $first);
is($code, 201, 'a first user');

my $same_email = { %{ valid() }, email => uc $first->{email} };
($code, $body) = sign_up('shop_auth', $same_email);
is($code, 409, 'the same email in upper case: 409');
is($body->{field}, 'email', '... naming the field email');
like($body->{message} // '', qr/email/, '... and saying the email is registered');
is(rows_for($first->{email}), 1, '... and still one row with that email');
is(sql_value("select count(*) from app_user where lower(username) = lower(:'p1')",
             $same_email->{username}), 0, '... none with the second username');
is(sql_value("select count(*) from outbox where payload->'data'->>'username' = :'p1'",
             $same_email->{username}), 0, '... and no event for it');

my $same_username = { %{ valid() }, username => uc $first->{username} };
($code, $body) = sign_up('shop_auth', $same_username);
is($code, 409, 'the same username in upper case: 409');
is($body->{field}, 'username', '... naming the field username');
like($body->{message} // '', qr/username/, '... and saying the username is taken');
is(rows_for($same_username->{email}), 0, '... and no row with the second email');
is(events_for($same_username->{email}), 0, '... and no event for it');

($code) = sign_up('shop_auth', valid());
is($code, 201, 'sign-up still works after the refusals');
