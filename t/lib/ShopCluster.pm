# ShopCluster: helpers for the t/cluster tests, which run (with plain Test::More,
# not Apache::Test) against the cluster that scripts/cluster started: two shop
# httpds, three Kafka nodes, one PostgreSQL. Settings come from `scripts/cluster env`.
package ShopCluster;
use strict;
use warnings;

use FindBin ();
use HTTP::Tiny ();
use JSON::PP ();
use Exporter 'import';
# the suite's helpers that need no Apache::Test server: psql, polling, unique names
use ShopTest qw(wait_for);

our @EXPORT = qw(service gateway request cluster_httpd worker_report new_user admin_token
                 kcat_values sql sql_value wait_for unique_tag product_body);

*sql = \&ShopTest::sql;
*sql_value = \&ShopTest::sql_value;
*unique_tag = \&ShopTest::unique_tag;
*product_body = \&ShopTest::catalog_product_body;

my $top = "$FindBin::Bin/../..";
my $json = JSON::PP->new->utf8->canonical;

# the cluster's settings into %ENV (ShopTest's sql reads SHOP_PG_PORT...)
for (split ' ', `$top/scripts/cluster env`) {
    my ($name, $value) = split /=/, $_, 2;
    $ENV{$name} = $value;
}
die "scripts/cluster env printed nothing\n" unless $ENV{SHOP_CLUSTER_PRODUCT1};

# service(INSTANCE, NAME) -> the base URL of service NAME on httpd INSTANCE (1 or 2)
sub service { $ENV{ 'SHOP_CLUSTER_' . uc($_[1]) . $_[0] } }
# gateway(INSTANCE) -> the gateway VirtualHost of httpd INSTANCE (both members behind it)
sub gateway { $ENV{"SHOP_CLUSTER_GATEWAY$_[0]"} }

# request(METHOD, URL, json => DATA | form => STRING | raw => JSON TEXT, token => T,
#         headers => {NAME => VALUE}) -> (status, decoded body)
# on a connection of its own (so successive requests meet different children)
sub request {
    my ($method, $url, %opt) = @_;
    my %headers = %{ $opt{headers} || {} };
    my $content;
    if (exists $opt{raw}) {
        $content = $opt{raw};
        $headers{'Content-Type'} = 'application/json';
    }
    elsif (exists $opt{json}) {
        $content = $json->encode($opt{json});
        $headers{'Content-Type'} = 'application/json';
    }
    elsif (exists $opt{form}) {
        $content = $opt{form};
        $headers{'Content-Type'} = 'application/x-www-form-urlencoded';
    }
    $headers{Authorization} = "Bearer $opt{token}" if defined $opt{token};
    my $http = HTTP::Tiny->new(keep_alive => 0, timeout => 30, max_redirect => 0);
    my $res = $http->request($method, $url, { headers => \%headers,
                                              defined $content ? (content => $content) : () });
    my $body = eval { $json->decode($res->{content}) };
    return ($res->{status}, $body);
}

# cluster_httpd(start|stop, INSTANCE): one httpd of the cluster; dies on failure
sub cluster_httpd {
    my @cmd = ("$top/scripts/cluster", 'httpd', @_);
    system(@cmd) == 0 or die "@cmd failed: $?\n";
}

# worker_report(INSTANCE) -> /health/worker of httpd INSTANCE (undef unless 200)
sub worker_report {
    my ($code, $body) = request(GET => service($_[0], 'product') . '/health/worker');
    return $code == 200 ? $body : undef;
}

# new_user(INSTANCE, PREFIX) -> (id, fields, token) of a user signed up on httpd INSTANCE
sub new_user {
    my ($n, $prefix) = @_;
    my $tag = unique_tag();
    my %f = (email => "$prefix.$tag\@example.test", username => "${prefix}_$tag",
             firstName => 'Test', lastName => 'User', password => "$prefix password $tag");
    my ($code, $body) = request(POST => service($n, 'auth') . '/auth/sign-up', json => \%f);
    die "sign-up on httpd$n failed: $code\n" unless $code == 201;
    return ($body->{user}{id}, \%f, $body->{token});
}

# admin_token(INSTANCE) -> the token of a new admin, signed in on httpd INSTANCE
sub admin_token {
    my ($n) = @_;
    my ($id, $f) = new_user($n, 'admin');
    sql("update app_user set role = 'admin' where id = :'p1'", $id);
    my ($code, $body) = request(POST => service($n, 'auth') . '/auth/sign-in',
                                json => { email => $f->{email}, password => $f->{password} });
    die "admin sign-in failed: $code\n" unless $code == 200 && $body->{user}{role} eq 'admin';
    return $body->{token};
}

# kcat_values(TOPIC, KEY) -> the values (decoded) of the messages with KEY on TOPIC
sub kcat_values {
    my ($topic, $key) = @_;
    my @lines = `kcat -b $ENV{SHOP_KAFKA_BROKERS} -C -t '$topic' -o beginning -e -q -f '%k\\t%s\\n' 2>/dev/null`;
    return map { chomp; my ($k, $v) = split /\t/, $_, 2; $k eq $key ? ($json->decode($v)) : () } @lines;
}

1;
