# ShopBrowser: runs a browser test (t/js/browser/NAME.mjs, node:test driving
# Debian's chromium through playwright-core) against the suite's server: the
# storefront, the admin dashboard and the gateway of conf/sites.conf on the test
# stack's ports. Its TAP goes to the harness as the .t file's own.
#
#   use ShopBrowser; ShopBrowser::run('store');
#
# The script gets, in its environment: SHOP_STORE_URL, SHOP_ADMIN_URL,
# SHOP_GATEWAY_URL, SHOP_MAILPIT_URL, SHOP_ADMIN_EMAIL and SHOP_ADMIN_PASSWORD (a
# new admin of this run) and SHOP_SCREENSHOTS (var/screenshots of the checkout).
package ShopBrowser;
use strict;
use warnings;

use ShopTest ();

sub admin_login {
    my ($id, $fields) = ShopTest::new_user('browseradm');
    ShopTest::sql("update app_user set role = 'admin' where id = :'p1'", $id);
    return @$fields{qw(email password)};
}

# the demo catalog, loaded once (a second run only checks it)
sub demo_catalog {
    my ($top) = @_;
    local $ENV{SHOP_AUTH_URL} = "http://127.0.0.1:$ENV{SHOP_GATEWAY_PORT}/api";
    local $ENV{SHOP_PRODUCT_URL} = $ENV{SHOP_AUTH_URL};
    system("$top/scripts/admin ensure >/dev/null && $top/scripts/demo-catalog >/dev/null") == 0
        or die "the demo catalog could not be loaded\n";
}

sub run {
    my ($name) = @_;
    my $top = ShopTest::top_dir();
    demo_catalog($top);
    @ENV{qw(SHOP_ADMIN_EMAIL SHOP_ADMIN_PASSWORD)} = admin_login();
    $ENV{SHOP_STORE_URL} = "http://127.0.0.1:$ENV{SHOP_STORE_PORT}";
    $ENV{SHOP_ADMIN_URL} = "http://127.0.0.1:$ENV{SHOP_ADMIN_PORT}";
    $ENV{SHOP_GATEWAY_URL} = "http://127.0.0.1:$ENV{SHOP_GATEWAY_PORT}";
    $ENV{SHOP_MAILPIT_URL} = "http://127.0.0.1:$ENV{SHOP_MAILPIT_PORT}";
    $ENV{SHOP_SCREENSHOTS} = "$top/var/screenshots";
    exec 'node', '--test', "--test-reporter=$top/t/js/browser/tap.mjs", "$top/t/js/browser/$name.mjs";
    die "node: $!\n";
}

1;
