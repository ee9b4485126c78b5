# Kafka stopped, 100 catalog changes made, Kafka started: all 100 events
# arrive, in order per key (product), none twice. The outbox keeps them.
use strict;
use warnings;
use Apache::Test qw(-withtestmore);
use Apache::TestRequest ();
use JSON::PP ();
use ShopTest;

plan tests => 7;

my $json = JSON::PP->new->utf8->canonical;
my $run = "outage$$" . time;

# an admin and a category of our own
Apache::TestRequest::module('shop_auth');
my $email = "$run\@example.test";
Apache::TestRequest::POST('/auth/sign-up', content => $json->encode({
    email => $email, username => $run, firstName => 'Out', lastName => 'Age', password => 'password1' }));
system(top_dir() . '/scripts/admin', 'promote', $email) == 0 or die 'promote failed';
my $res = Apache::TestRequest::POST('/auth/sign-in', content => $json->encode({ email => $email, password => 'password1' }));
my $token = $json->decode($res->content)->{token};
my @auth = (Authorization => "Bearer $token");

Apache::TestRequest::module('shop_product');
$res = Apache::TestRequest::POST('/categories', @auth, content => $json->encode({ name => $run, slug => $run }));
is($res->code, 201, 'category created');
my @ids;
for my $n (1 .. 5) {
    $res = Apache::TestRequest::POST('/products', @auth, content => $json->encode({
        name => "$run $n", shortDescription => 'short', description => 'long', price => 100,
        sizes => ['m'], colors => ['red'], images => { red => '/r.png' }, categorySlug => $run }));
    push @ids, $json->decode($res->content)->{id};
}
is(scalar(grep { defined } @ids), 5, 'five products created');

stack('stop', 'kafka');
my $restarted;
my $guard = bless sub { stack('start', 'kafka') unless $restarted }, 'ShopTest::Guard';
my $ok = 0;
for my $price (1 .. 20) {
    for my $id (@ids) {
        $res = Apache::TestRequest::PUT("/products/$id", @auth, content => $json->encode({ price => $price }));
        $ok++ if $res->code == 200;
    }
}
is($ok, 100, '100 changes accepted while Kafka is down');
stack('start', 'kafka');
$restarted = 1;

my %seen;
my @events;
my $arrived = wait_for(90, sub {
    @events = grep { my $k = $_->{key}; grep { $_ eq $k } @ids }
              map { { key => $_->{key}, event => eval { $json->decode($_->{value}) } } }
              kcat_consume('product-events');
    (grep { $_->{event}{type} eq 'product.updated' } @events) >= 100;
});
my @updates = grep { $_->{event}{type} eq 'product.updated' } @events;
ok($arrived, 'the events arrived after Kafka came back');
is(scalar @updates, 100, 'exactly 100 product.updated events');
$seen{ $_->{event}{id} }++ for @updates;
is(scalar(grep { $_ > 1 } values %seen), 0, 'none twice');
my $in_order = 1;
for my $id (@ids) {
    my @prices = map { $_->{event}{data}{price} } grep { $_->{key} eq $id } @updates;
    $in_order = 0 unless join(',', @prices) eq join(',', 1 .. 20);
}
ok($in_order, 'each product\'s events are in the order of its changes');
