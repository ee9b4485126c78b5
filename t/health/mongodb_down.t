# FerretDB (MongoDB) stopped: the order service reports 503 naming mongodb; back: 200.
use strict;
use warnings;
use Apache::Test qw(-withtestmore);
use ShopTest;

plan tests => 1 + 4;
outage_test('ferretdb', 'mongodb', qw(shop_order));
