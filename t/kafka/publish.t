# A JSON value published through mod_shop_kafka's optional function
# (shop_kafka_publish, waiting for the broker's ack) is on the topic, read back
# with kcat: same key, same value, traceparent header.
use strict;
use warnings;
use Apache::Test qw(-withtestmore);
use Apache::TestRequest ();
use ShopTest;

plan tests => 6;

my $key = "publish-test-$$-" . time;
my $value = qq({"specversion":"1.0","type":"test.published","data":{"key":"$key"}});
my $traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

Apache::TestRequest::module('default');
my $res = Apache::TestRequest::POST("/publish?topic=user-events&key=$key&traceparent=$traceparent",
                                    content => $value);
is($res->code, 204, 'publish acknowledged by the broker');

my @found = grep { $_->{key} eq $key } kcat_consume('user-events');
is(scalar @found, 1, 'exactly one message with the key on user-events');
is($found[0]{value}, $value, 'value read back unchanged');
is($found[0]{headers}{traceparent}, $traceparent, 'traceparent header travels');

$res = Apache::TestRequest::POST("/publish?topic=no.such.topic.$$&key=$key", content => '{}');
is($res->code, 503, 'publishing to a topic that does not exist fails');
like($res->content, qr/no\.such\.topic/, 'the error names the topic');
