# Catalog reads carry ETag, Last-Modified and Cache-Control; a request with the
# ETag in If-None-Match (or the date in If-Modified-Since) gets 304. Every child
# keeps answers in memory, but a write through the API shows on every child at
# once (each check is 12 GETs at a time on connections of their own, after the
# same 12 warmed the children's caches), and a change made directly in
# PostgreSQL shows within a few seconds (the trigger NOTIFYs every child).
# Runs on a catalog server of its own with 4 children of one thread each: the
# product is cached by, and read again from, each of the 4 (checked by pid).
use strict;
use warnings;
use Apache::Test qw(-withtestmore);
use HTTP::Date ();
use JSON::PP ();
use Time::HiRes ();
use ShopTest;
use ShopCatalogServer;

my $json = JSON::PP->new->utf8->canonical;
my $admin = catalog_admin();
my $category = catalog_category($admin);
my $slug = $category->{slug};
my $tag = unique_tag();
my ($code, $body, $res);
my $N = 12;
my $server = ShopCatalogServer->new(children => 4, threads => 1);
sub url { $server->url($_[0]) }

sub create {
    my (%over) = @_;
    my ($code, $body) = request_json('shop_product', 'POST', url('/products'), token => $admin,
                                     json => catalog_product_body($slug, %over));
    die "POST /products: $code\n" unless $code == 201;
    return $body;
}
sub decoded { my $b = eval { $json->decode($_[0]{content}) }; $b }
# N answers at once to GET PATH: (codes, names or ids seen)
sub codes_of { join ',', sort { $a <=> $b } keys %{ { map { $_->{code} => 1 } @_ } } }
sub names_of { [sort keys %{ { map { ((decoded($_) || {})->{name} // '') => 1 } @_ } }] }
sub id_sets_of {
    [sort keys %{ { map { join(',', map { $_->{id} } @{ ref decoded($_) eq 'ARRAY' ? decoded($_) : [] }) => 1 } @_ } }];
}

my $product = create(name => "Cached $tag");
my $id = $product->{id};
my $list = "/products?category=$slug";

# ---- validators -------------------------------------------------------------------------

for my $path ("/products/$id", $list, "$list&sort=asc&limit=5", '/categories') {
    ($code, $body, $res) = request_json('shop_product', 'GET', url($path));
    is($code, 200, "GET $path: 200");
    my $etag = $res->header('ETag');
    like($etag // '', qr/^"[^"]+"$/, '... with a strong ETag');
    my $lm = $res->header('Last-Modified');
    ok(defined $lm && HTTP::Date::str2time($lm), '... a Last-Modified date') or diag($lm);
    ok(!defined $lm || HTTP::Date::str2time($lm) <= time + 1, '... not in the future');
    is($res->header('Cache-Control'), 'public, max-age=0, must-revalidate',
       '... and Cache-Control for ShopProductMaxAge 0');

    my $content = $res->content;
    ($code, $body, $res) = request_json('shop_product', 'GET', url($path), headers => ['If-None-Match' => $etag]);
    is($code, 304, '... If-None-Match with its ETag: 304');
    is($res->content, '', '... without a body');
    is($res->header('ETag'), $etag, '... naming the same ETag');
    ($code, $body, $res) = request_json('shop_product', 'GET', url($path),
                                        headers => ['If-None-Match' => qq{"other", $etag}]);
    is($code, 304, '... If-None-Match with a list holding it: 304');
    ($code, $body, $res) = request_json('shop_product', 'GET', url($path), headers => ['If-None-Match' => '"nope"']);
    is($code, 200, '... If-None-Match with another ETag: 200');
    is($res->content, $content, '... the same body');
    ($code) = request_json('shop_product', 'GET', url($path), headers => ['If-Modified-Since' => $lm // '']);
    is($code, 304, '... If-Modified-Since its Last-Modified: 304');
    ($code) = request_json('shop_product', 'GET', url($path),
                           headers => ['If-Modified-Since' => HTTP::Date::time2str(time - 86400 * 365)]);
    is($code, 200, '... If-Modified-Since a year ago: 200');

    my @many = get_many('shop_product', url($path), $N);
    is_deeply([codes_of(@many), [sort keys %{ { map { ($_->{etag} // '') => 1 } @many } }]], ['200', [$etag]],
              "... $N GETs at once: all 200 with the same ETag");
}

# ---- a PUT shows at once on every child ----------------------------------------------------

my (undef, undef, $first) = request_json('shop_product', 'GET', url("/products/$id"));
my $old_etag = $first->header('ETag');
my $old_lm = HTTP::Date::str2time($first->header('Last-Modified') // '') // 0;
get_many('shop_product', url("/products/$id"), $N) for 1 .. 2;
my @each = $server->each_child("/products/$id", 'before');            # every child has it cached
is_deeply([codes_of(@each), names_of(@each)], ['200', ["Cached $tag"]], 'every child has the product');
my @pids = $server->pids('before');
is(scalar @pids, 4, '... each of the 4 children answered once') or diag("pids: @pids");
get_many('shop_product', url($list), $N);
sleep 1;                                                     # Last-Modified has 1 s resolution

($code, $body) = request_json('shop_product', 'PUT', url("/products/$id"), token => $admin,
                              json => { name => "Changed $tag" });
is($code, 200, 'PUT a new name: 200');
@each = $server->each_child("/products/$id", 'after');
is_deeply([codes_of(@each), names_of(@each)], ['200', ["Changed $tag"]],
          'right after the PUT, every child shows the new name');
is_deeply([$server->pids('after')], \@pids, '... the same 4 children');
my @many = get_many('shop_product', url("/products/$id"), $N);
is_deeply([codes_of(@many), names_of(@many)], ['200', ["Changed $tag"]],
          "... and $N GETs at once");
my %etags = map { ($_->{etag} // '') => 1 } @many;
is_deeply([keys %etags], [$many[0]{etag}], '... with one ETag');
isnt($many[0]{etag}, $old_etag, '... a new one');
ok((HTTP::Date::str2time($many[0]{last_modified} // '') // 0) > $old_lm, '... and a later Last-Modified');
my @seen;
for (1 .. $N) {
    ($code, $body) = request_json('shop_product', 'GET', url("/products/$id"));
    push @seen, $body->{name} // "status $code";
}
is_deeply([sort keys %{ { map { $_ => 1 } @seen } }], ["Changed $tag"], "$N GETs one after another: the new name");
($code, $body) = request_json('shop_product', 'GET', url("/products/$id"), headers => ['If-None-Match' => $old_etag]);
is_deeply([$code, $body->{name}], [200, "Changed $tag"], 'If-None-Match with the old ETag: 200 and the new body');
@many = get_many('shop_product', url($list), $N);
is_deeply(names_of(map { my $l = decoded($_); { content => $json->encode($l->[0] || {}) } } @many), ["Changed $tag"],
          "... and $N GETs of the list show the new name");

# ---- POST and DELETE too ----------------------------------------------------------------------

get_many('shop_product', url($list), $N);
my $second = create(name => "Second $tag");
@many = get_many('shop_product', url($list), $N);
is_deeply([codes_of(@many), id_sets_of(@many)], ['200', ["$second->{id},$id"]],
          "right after a POST, $N GETs of the list all show the new product");

get_many('shop_product', url("/products/$second->{id}"), $N);
($code) = request_json('shop_product', 'DELETE', url("/products/$second->{id}"), token => $admin);
is($code, 204, 'DELETE it: 204');
@many = get_many('shop_product', url("/products/$second->{id}"), $N);
is(codes_of(@many), '404', "right after the DELETE, $N GETs of it are all 404");
@many = get_many('shop_product', url($list), $N);
is_deeply(id_sets_of(@many), [$id], '... and the list no longer has it');

get_many('shop_product', url('/categories'), $N);
($code) = request_json('shop_product', 'PUT', url("/categories/$category->{id}"), token => $admin,
                       json => { name => "Renamed $tag" });
is($code, 200, 'PUT a new category name: 200');
@many = get_many('shop_product', url('/categories'), $N);
is_deeply([sort keys %{ { map { my $c = decoded($_); (join(',', map { $_->{name} } grep { $_->{id} == $category->{id} } @{ $c || [] }) => 1) } @many } }],
          ["Renamed $tag"], "... $N GETs of /categories show it at once");

# ---- changes made directly in PostgreSQL ---------------------------------------------------------

# polls until every answer of N at once satisfies CHECK; the seconds it took, or undef
sub settles {
    my ($path, $check) = @_;
    my $start = Time::HiRes::time();
    my $ok = wait_for(10, sub { my @m = get_many('shop_product', url($path), $N); !grep { !$check->($_) } @m });
    return $ok ? Time::HiRes::time() - $start : undef;
}

get_many('shop_product', url("/products/$id"), $N) for 1 .. 2;
get_many('shop_product', url($list), $N);
sql("update product set name = :'p1' where id = :'p2'", "Direct $tag", $id);
my $took = settles("/products/$id", sub { (decoded($_[0]) || {})->{name} eq "Direct $tag" });
ok(defined $took, 'after an UPDATE in PostgreSQL, every child shows the new name');
diag(sprintf 'it took %.2f s', $took) if defined $took;
@seen = ();
for (1 .. $N) {
    ($code, $body) = request_json('shop_product', 'GET', url("/products/$id"));
    push @seen, $body->{name} // "status $code";
}
is_deeply([sort keys %{ { map { $_ => 1 } @seen } }], ["Direct $tag"], "... $N GETs one after another agree");
ok(defined settles($list, sub { ((decoded($_[0]) || [])->[0] || {})->{name} eq "Direct $tag" }),
   '... and so does the list');

sql("update product set price_minor = 12345 where id = :'p1'", $id);
ok(defined settles("$list&sort=asc", sub { ((decoded($_[0]) || [])->[0] || {})->{price} == 123.45 }),
   'an UPDATE of the price shows in the sorted list');

my $third = create(name => "Third $tag");
get_many('shop_product', url("/products/$third->{id}"), $N);
sql("delete from product where id = :'p1'", $third->{id});
ok(defined settles("/products/$third->{id}", sub { $_[0]{code} == 404 }), 'a DELETE in PostgreSQL: 404 on every child');

get_many('shop_product', url('/categories'), $N);
sql("update category set name = :'p1' where id = :'p2'", "Direct category $tag", $category->{id});
ok(defined settles('/categories', sub { grep { $_->{name} eq "Direct category $tag" } @{ decoded($_[0]) || [] } }),
   'an UPDATE of a category name shows in /categories on every child');

sql("insert into product (name, short_description, description, price_minor, sizes, colors, images, category_slug)"
    . " values (:'p1', 's', 'd', 100, '{m}', '{red}', '{\"red\": \"/r.png\"}', :'p2')", "Inserted $tag", $slug);
ok(defined settles($list, sub { grep { $_->{name} eq "Inserted $tag" } @{ decoded($_[0]) || [] } }),
   'an INSERT in PostgreSQL shows in the list on every child');

done_testing();
