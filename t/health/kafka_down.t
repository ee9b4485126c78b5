# Kafka stopped: every service reports 503 naming kafka; back: 200 again.
use strict;
use warnings;
use Apache::Test qw(-withtestmore);
use ShopTest;

plan tests => 1 + 4 * 4;
outage_test('kafka', 'kafka', qw(shop_product shop_auth shop_order shop_payment));
