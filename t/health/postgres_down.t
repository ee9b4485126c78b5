# PostgreSQL stopped: the services that use it report 503 naming the database;
# started again: 200 without restarting httpd.
use strict;
use warnings;
use Apache::Test qw(-withtestmore);
use ShopTest;

plan tests => 1 + 4 * 3;
outage_test('postgres', 'database', qw(shop_product shop_auth shop_payment));
