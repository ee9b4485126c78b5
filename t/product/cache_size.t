# `apachectl -t` refuses a bad ShopProductCacheSize with a message naming the
# directive (not a size, zero, over 1G, inside a VirtualHost) and accepts sizes in
# bytes, K and M.
use strict;
use warnings;
use Apache::Test qw(-withtestmore);
use File::Temp qw(tempfile);
use ShopTest;

my @refused = (
    [ 'ShopProductCacheSize 16X',   qr/ShopProductCacheSize: give bytes \(or nK, nM\) up to 1073741824/ ],
    [ 'ShopProductCacheSize 0',     qr/ShopProductCacheSize: '0' is not a size/ ],
    [ 'ShopProductCacheSize -5M',   qr/ShopProductCacheSize: '-5M' is not a size/ ],
    [ 'ShopProductCacheSize 2048M', qr/ShopProductCacheSize: give bytes \(or nK, nM\) up to 1073741824/ ],
    [ "<VirtualHost 127.0.0.1:1>\nShopProductCacheSize 1M\n</VirtualHost>",
      qr/ShopProductCacheSize cannot occur within <VirtualHost> section/ ],
);
my @accepted = ('ShopProductCacheSize 16M', 'ShopProductCacheSize 512K', 'ShopProductCacheSize 100000');

# configtest(DIRECTIVE) -> (exit status, output)
sub configtest {
    my ($directive) = @_;
    my ($fh, $file) = tempfile(SUFFIX => '.conf', UNLINK => 1);
    my $so = top_dir() . '/build/mod_shop_product.so';
    print $fh <<"CONF";
ServerRoot /etc/apache2
ServerName localhost
LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so
# the module uses libm (round) without linking it; the full configuration loads it through others
LoadFile /lib/x86_64-linux-gnu/libm.so.6
LoadModule shop_product_module $so
ErrorLog /dev/null
Listen 127.0.0.1:1
$directive
CONF
    close $fh;
    my $out = `/usr/sbin/apache2 -t -f $file 2>&1`;
    return ($? >> 8, $out);
}

for my $case (@refused) {
    my ($directive, $message) = @$case;
    my ($status, $out) = configtest($directive);
    (my $name = $directive) =~ s/\s+/ /g;
    isnt($status, 0, "configtest fails for: $name");
    like($out, $message, '... and says why') or diag($out);
}
for my $directive (@accepted) {
    my ($status, $out) = configtest($directive);
    is_deeply([$status, $out =~ /Syntax OK/ ? 1 : 0], [0, 1], "configtest accepts: $directive") or diag($out);
}
done_testing();
