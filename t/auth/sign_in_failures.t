# A refused sign-in does not tell whether the account exists: a wrong password
# and an unknown email or username get the same 401 and the same words. A body
# without a login or a password is a 400.
use strict;
use warnings;
use Apache::Test qw(-withtestmore);
use ShopTest;

plan tests => 31;

my $tag = unique_tag();
my $email = "grace.$tag\@example.test";
my $password = "hopper rules $tag";
my ($code, $body, $res) = sign_up('shop_auth', { email => $email, username => "grace_$tag",
                                                 firstName => 'Grace', lastName => 'Hopper',
                                                 password => $password });
is($code, 201, 'a user to sign in as');

my %refused;
for my $case (['wrong password'   => { email => $email, password => "$password!" }],
              ['unknown email'    => { email => "nobody.$tag\@example.test", password => $password }],
              ['unknown username' => { username => "nobody_$tag", password => $password }],
              ['empty password'   => { email => $email, password => '' }]) {
    my ($what, $fields) = @$case;
    ($code, $body, $res) = sign_in('shop_auth', $fields);
    is($code, 401, "$what: 401");
    is($body->{message}, 'invalid email or password', "$what: 'invalid email or password'");
    is($res->header('Content-Type'), 'application/json', "$what: JSON");
    ok(!grep({ /shop_session/ } $res->header('Set-Cookie')), "$what: no session cookie");
    $refused{$what} = $res->content;
}
is($refused{'unknown email'}, $refused{'wrong password'},
   'an unknown email gets byte for byte the answer of a wrong password');
is($refused{'unknown username'}, $refused{'wrong password'},
   'so does an unknown username');

($code, $body) = sign_in('shop_auth', { email => $email, password => $password });
is($code, 200, 'the right password still signs in after a failure');

for my $case (['no fields'                => {}],
              ['email only'               => { email => $email }],
              ['password only'            => { password => $password }],
              ['password not a string'    => { email => $email, password => 12345678 }],
              ['email not a string'       => { email => 42, password => $password }],
              ['empty email and username' => { email => '', username => '', password => $password }]) {
    my ($what, $fields) = @$case;
    ($code, $body) = sign_in('shop_auth', $fields);
    is($code, 400, "$what: 400");
}
($code, $body) = sign_in('shop_auth', {});
like($body->{message} // '', qr/email.*password/, 'the 400 names what to give');

($code, $body) = request_json('shop_auth', 'POST', '/auth/sign-in',
                              content => qq({"email":"\xff\xfe$tag\@example.test","password":"whatever1"}));
is($code, 400, 'a login that is not UTF-8 (bytes ff fe): 400');
is($body->{message}, 'the body must be UTF-8 text', '... saying so');

($code, $body) = request_json('shop_auth', 'POST', '/auth/sign-in', content => '{"email":');
is($code, 400, 'a malformed JSON body: 400');
is($body->{message}, 'the body must be a JSON object', '... saying so');
