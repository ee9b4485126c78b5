# Every product write puts its event in the outbox, in the same transaction:
# topic product-events, key the product id, a CloudEvents 1.0 envelope
# (source /mod_shop/product, type product.created|updated|deleted) with the
# product as data and the request's traceparent. The outbox relay then
# publishes them to Kafka, in order for the key, with content-type
# application/cloudevents+json and the traceparent as headers. A refused write
# writes no event.
use strict;
use warnings;
use Apache::Test qw(-withtestmore);
use JSON::PP ();
use ShopTest;

my $json = JSON::PP->new->utf8->canonical;
my $admin = catalog_admin();
my $slug = catalog_category($admin)->{slug};
my $tag = unique_tag();
my $uuid = qr/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
my $time = qr/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;
my ($code, $body, $res);

my $t0 = time;
sub traceparent { my $tp = sprintf '00-%032x-%016x-01', $t0 * 1000 + $_[0], $$ * 10 + $_[0]; $tp =~ s/^00-0/00-b/; $tp }

# the outbox rows of KEY as {id, topic, key, headers, payload, published}, oldest first
sub outbox_rows {
    my ($key) = @_;
    return map { { id => $_->[0], topic => $_->[1], key => $_->[2], headers => $json->decode($_->[3]),
                   payload => $json->decode($_->[4]), published => $_->[5] } }
           sql("select id, topic, key, headers::text, payload::text, published_at is not null from outbox"
               . " where topic = 'product-events' and key = :'p1' order by id", $_[0]);
}

sub check_envelope {
    my ($e, $type, $id, $what) = @_;
    is($e->{specversion}, '1.0', "$what: specversion 1.0");
    like($e->{id} // '', $uuid, "$what: an event id");
    is($e->{source}, '/mod_shop/product', "$what: source /mod_shop/product");
    is($e->{type}, $type, "$what: type $type");
    like($e->{time} // '', $time, "$what: time in RFC 3339 UTC");
    is($e->{datacontenttype}, 'application/json', "$what: datacontenttype application/json");
    is($e->{data}{id}, $id, "$what: data.id is the product id");
}

# ---- into the outbox ----------------------------------------------------------------------

my $sent = catalog_product_body($slug, name => "Evented $tag");
($code, $body) = request_json('shop_product', 'POST', '/products', token => $admin, json => $sent,
                              headers => [traceparent => traceparent(1)]);
is($code, 201, 'POST /products with a traceparent: 201');
my $created = $body;
my $id = $created->{id} // 0;
my @rows = outbox_rows($id);
is(scalar @rows, 1, 'one outbox row for the new product');
my $row = $rows[0] || { payload => {}, headers => {} };
is($row->{topic}, 'product-events', 'topic product-events');
is($row->{key}, $id, 'key is the product id');
check_envelope($row->{payload}, 'product.created', $id, 'product.created');
is_deeply($row->{payload}{data}, $created, 'product.created: data is the product as answered');
is($row->{headers}{traceparent}, traceparent(1), 'the row carries the request\'s traceparent');

($code, $body) = request_json('shop_product', 'PUT', "/products/$id", token => $admin,
                              json => { name => "Updated $tag", price => 1.5 }, headers => [traceparent => traceparent(2)]);
is($code, 200, 'PUT /products/:id: 200');
my $updated = $body;
@rows = outbox_rows($id);
is(scalar @rows, 2, 'a second outbox row');
$row = $rows[1] || { payload => {}, headers => {} };
check_envelope($row->{payload}, 'product.updated', $id, 'product.updated');
is_deeply($row->{payload}{data}, $updated, 'product.updated: data is the updated product');
is($row->{payload}{data}{name}, "Updated $tag", '... with the new name');
is($row->{headers}{traceparent}, traceparent(2), '... and the request\'s traceparent');

($code, $body) = request_json('shop_product', 'PUT', "/products/$id", token => $admin, json => { price => 0 });
is($code, 400, 'a refused PUT: 400');
($code) = request_json('shop_product', 'DELETE', '/products/999999999', token => $admin);
is($code, 404, 'a DELETE of nothing: 404');
is(scalar(outbox_rows($id)), 2, '... neither wrote an event');

($code) = request_json('shop_product', 'DELETE', "/products/$id", token => $admin);
is($code, 204, 'DELETE /products/:id: 204');
@rows = outbox_rows($id);
is(scalar @rows, 3, 'a third outbox row');
$row = $rows[2] || { payload => {}, headers => {} };
check_envelope($row->{payload}, 'product.deleted', $id, 'product.deleted');
is($row->{payload}{data}{name}, "Updated $tag", 'product.deleted: data is the product as it was');
like($row->{headers}{traceparent} // '', qr/^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/,
     '... a new traceparent when the request had none');
my %ids = map { $_->{payload}{id} => 1 } @rows;
is(scalar keys %ids, 3, 'three distinct event ids');

# ---- onto Kafka -----------------------------------------------------------------------------

my @messages;
ok(wait_for(20, sub { @messages = grep { $_->{key} eq $id } kcat_consume('product-events'); @messages >= 3 }),
   'the three events reach product-events within 20 s');
my @events = map { eval { $json->decode($_->{value}) } || {} } @messages;
is_deeply([map { $_->{type} } @events], [qw(product.created product.updated product.deleted)],
          '... in order for the key: created, updated, deleted');
is_deeply(\@events, [map { $_->{payload} } outbox_rows($id)], '... each the envelope of its outbox row');
is($events[0]{data}{name}, "Evented $tag", 'product.created: data.name');
is($events[1]{data}{name}, "Updated $tag", 'product.updated: data.name is the new name');
is($events[1]{data}{price}, 1.5, '... data.price the new price');
is($events[2]{data}{id}, $id, 'product.deleted: data.id');
is_deeply([map { ($_->{headers}{'content-type'} // '') =~ m{^application/cloudevents\+json\s*(;|$)} ? 1 : 0 } @messages],
          [1, 1, 1], 'each with content-type: application/cloudevents+json');
is_deeply([map { $_->{headers}{traceparent} } @messages[0, 1]], [traceparent(1), traceparent(2)],
          '... and the traceparent of its request');
ok(wait_for(10, sub { !grep { !$_->{published} } outbox_rows($id) }), 'the outbox rows are marked published');

# a category write is no product event
my $before = sql_value("select count(*) from outbox where topic = 'product-events'");
my $cat = catalog_category($admin);
($code) = request_json('shop_product', 'PUT', "/categories/$cat->{id}", token => $admin, json => { name => 'Renamed' });
is($code, 200, 'PUT a category: 200');
($code) = request_json('shop_product', 'DELETE', "/categories/$cat->{id}", token => $admin);
is($code, 204, 'DELETE it: 204');
is(sql_value("select count(*) from outbox where topic = 'product-events'"), $before,
   'category writes put no event on product-events');

done_testing();
