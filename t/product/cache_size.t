# `apachectl -t` refuses a bad ShopProductCacheSize with a message naming the
# directive (not a size, zero, over 1G, inside a VirtualHost) and accepts sizes in
# bytes, K and M.
use strict;
use warnings;
use Apache::Test qw(-withtestmore);
use ShopHttpd;

my @refused = (
    [ 'ShopProductCacheSize 16X',   qr/ShopProductCacheSize: give bytes \(or nK, nM\) up to 1073741824/ ],
    [ 'ShopProductCacheSize 0',     qr/ShopProductCacheSize: '0' is not a size/ ],
    [ 'ShopProductCacheSize -5M',   qr/ShopProductCacheSize: '-5M' is not a size/ ],
    [ 'ShopProductCacheSize 2048M', qr/ShopProductCacheSize: give bytes \(or nK, nM\) up to 1073741824/ ],
    [ "<VirtualHost 127.0.0.1:1>\nShopProductCacheSize 1M\n</VirtualHost>",
      qr/ShopProductCacheSize cannot occur within <VirtualHost> section/ ],
);
my @accepted = ('ShopProductCacheSize 16M', 'ShopProductCacheSize 512K', 'ShopProductCacheSize 100000');

ShopHttpd::configtest_refuses(@$_) for @refused;
for my $directive (@accepted) {
    my ($status, $out) = ShopHttpd::configtest($directive);
    is_deeply([$status, $out =~ /Syntax OK/ ? 1 : 0], [0, 1], "configtest accepts: $directive") or diag($out);
}
done_testing();
