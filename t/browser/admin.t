# the admin dashboard in chromium (t/js/browser/admin.mjs): sign-in for admins
# only, categories, a product with an image per color and the server's errors on
# their fields, the storefront showing it, orders shipped and refunded, deletes
# after a confirmation, axe on phone and desktop, and the screenshots
use strict;
use warnings;
use ShopBrowser;
ShopBrowser::run('admin');
