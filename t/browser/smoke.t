# the browser tests' harness works: chromium opens the storefront, and the
# gateway answers (t/js/browser/smoke.mjs)
use strict;
use warnings;
use ShopBrowser;
ShopBrowser::run('smoke');
