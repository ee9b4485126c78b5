# ShopMetrics: reading GET /metrics (Prometheus text format) in the tests.
package ShopMetrics;
use strict;
use warnings;

use Apache::TestRequest ();
use ShopTest;
use Exporter 'import';

our @EXPORT = qw(metrics_text metrics metric new_product);

# metrics_text(SERVICE) -> (status, body, content type)
sub metrics_text {
    my ($service) = @_;
    local $_;
    Apache::TestRequest::module($service);
    my $res = Apache::TestRequest::GET('/metrics');
    return ($res->code, $res->content, scalar $res->header('Content-Type'));
}

# metrics(SERVICE) -> [ { name, labels => {..}, value } ... ], from one scrape
sub metrics {
    my (undef, $body) = metrics_text($_[0]);
    my @samples;
    for (split /\n/, $body) {
        next if /^#/;
        my ($name, $labels, $value) = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/ or next;
        my %l = ($labels // '') =~ /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
        push @samples, { name => $name, labels => \%l, value => $value };
    }
    return \@samples;
}

# metric(SAMPLES, NAME, LABEL => VALUE...) -> the sum of NAME's samples with those labels
sub metric {
    my ($samples, $name, %want) = @_;
    my $sum = 0;
    for my $s (@$samples) {
        next if $s->{name} ne $name;
        next if grep { ($s->{labels}{$_} // '') ne $want{$_} } keys %want;
        $sum += $s->{value};
    }
    return $sum;
}

# new_product() -> the id of a new product (made by a new admin, in a new category)
sub new_product {
    my $admin = catalog_admin();
    my $slug = catalog_category($admin)->{slug};
    my ($code, $body) = request_json('shop_product', 'POST', '/products', token => $admin,
                                     json => catalog_product_body($slug));
    die "POST /products: $code\n" unless $code == 201;
    return $body->{id};
}

1;
