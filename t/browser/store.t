# the storefront in chromium (t/js/browser/store.mjs): a customer signs up,
# filters and searches the catalog, picks a size and a color, keeps a cart
# across a reload, is stopped by a bad phone number, pays with the test
# provider and finds the order and its mail; an unknown product's page; the
# pages' accessibility on a phone and a desktop, and the home page's speed
# and layout shift
use strict;
use warnings;
use ShopBrowser;
ShopBrowser::run('store');
