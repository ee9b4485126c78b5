# SQL metacharacters and Unicode reach the catalog only as data: names with
# quotes, LIKE wildcards, backslashes and any Unicode are stored and answered
# as sent; a search matches them literally (% and _ are not wildcards), case-
# insensitively also beyond ASCII, and "%' or 1=1--" finds nothing it should
# not; a category or sort parameter with SQL finds nothing or is refused; ids
# like "1 or 1=1" or "1;drop table product" are 404 on every route. Nothing
# answers 500 and the tables are intact afterwards.
use strict;
use warnings;
use utf8;
use Apache::Test qw(-withtestmore);
use JSON::PP ();
use URI::Escape qw(uri_escape_utf8);
use ShopTest;

binmode(Test::More->builder->$_, ':utf8') for qw(output failure_output todo_output);

my $json = JSON::PP->new->utf8->canonical;
my $admin = catalog_admin();
my $slug = catalog_category($admin)->{slug};
my $tag = unique_tag();
my ($code, $body, $res);

# ---- names that look like SQL or are not ASCII -------------------------------------

my %names = (
    percent   => "$tag 100% cotton",
    under     => "$tag under_score",
    backslash => "$tag back\\slash",
    quote     => qq{$tag O'Reilly "quoted"; drop table product; --},
    unicode   => "$tag Ünïcödé Straße ☃ 𝄞 日本語",
    plain     => "$tag plain shirt",
);
my %id;
for my $key (sort keys %names) {
    ($code, $body) = request_json('shop_product', 'POST', '/products', token => $admin,
                                  json => catalog_product_body($slug, name => $names{$key},
                                                               description => "Über $names{$key}"));
    is($code, 201, "a product named '$names{$key}': 201");
    is($body->{name}, $names{$key}, '... answered as sent');
    $id{$key} = $body->{id};
    ($code, $body) = request_json('shop_product', 'GET', "/products/$id{$key}");
    is($body->{name}, $names{$key}, '... read back as sent');
    is($body->{description}, "Über $names{$key}", '... with its description');
    my $stored = sql_value("select name from product where id = :'p1'", $id{$key});
    utf8::decode($stored);
    is($stored, $names{$key}, '... and stored as sent');
}
my $products = sql_value('select count(*) from product');
my $categories = sql_value('select count(*) from category');
my $snapshot = sub {
    $json->encode([sql("select row_to_json(p)::text from product p where category_slug = :'p1' order by id", $slug)]);
};
my $before = $snapshot->();

# ---- search -------------------------------------------------------------------------

sub names_of { [map { $_->{name} } @{ ref $_[0] eq 'ARRAY' ? $_[0] : [] }] }
sub ids_of { [sort { $a <=> $b } map { $_->{id} } @{ ref $_[0] eq 'ARRAY' ? $_[0] : [] }] }

my @searches = (
    ['%', ['percent']], ['_', ['under']], ['\\', ['backslash']], ["'", ['quote']], ['"', ['quote']],
    ['100%', ['percent']], ['0% c', ['percent']], ['r_s', ['under']], ['k\\s', ['backslash']],
    ["%' or 1=1--", []], ["' or '1'='1", []], ["x' or 1=1 --", []], ['%%', []], ['__', []],
    ["'; drop table product; --", []], ['"; drop table product; --', ['quote']],
    ["1' union select null, version() --", []], ['\\%', []], ['%25', []],
    ['ünïcödé', ['unicode']], ['ÜNÏCÖDÉ', ['unicode']], ['straße', ['unicode']], ['☃', ['unicode']],
    ['𝄞', ['unicode']], ['日本', ['unicode']], ['Ⅻ', []],
    ['Shirt', ['plain']], ['', [sort keys %names]],
);
for my $case (@searches) {
    my ($search, $keys) = @$case;
    my $q = uri_escape_utf8($search);
    ($code, $body, $res) = request_json('shop_product', 'GET', "/products?category=$slug&search=$q");
    is_deeply([$code, ids_of($body)], [200, [sort { $a <=> $b } map { $id{$_} } @$keys]],
              "search '$search' in the category: 200, exactly the products named with it");
    ($code, $body) = request_json('shop_product', 'GET', "/products?search=$q&limit=100");
    is($code, 200, "search '$search' in the whole catalog: 200");
    my @wrong = grep { index(lc $_, lc $search) < 0 } @{ names_of($body) };
    is_deeply(\@wrong, [], "... every product found has '$search' in its name");
}

for my $search ("a\x{0}b", 'x' x 101, "%' or 1=1 --" x 10) {
    my $q = uri_escape_utf8($search);
    ($code, $body, $res) = request_json('shop_product', 'GET', "/products?category=$slug&search=$q");
    is($code, 400, 'search of ' . length($search) . ' odd characters (a NUL, or over 100): 400');
    like($res->header('Content-Type') // '', qr{^application/json}, '... JSON');
}
for my $query ("category=$slug&search=%FF%FE", 'category=%FF%FE', "category=$slug&search=%C3", 'search=%ED%A0%80') {
    ($code, $body, $res) = request_json('shop_product', 'GET', "/products?$query");
    is($code, 400, "$query (not UTF-8): 400") or diag($res->content);
}

# ---- category, sort, limit, offset ----------------------------------------------------

for my $category ("' or 1=1--", "$slug' or '1'='1", "$slug%", '%', '_', "$slug' --", "$slug;", 'ünï☃') {
    ($code, $body) = request_json('shop_product', 'GET', '/products?category=' . uri_escape_utf8($category));
    is_deeply([$code, $body], [200, []], "category '$category': 200 []");
}
for my $query ('sort=' . uri_escape_utf8('price_minor; drop table product'), 'sort=' . uri_escape_utf8('name'),
               'sort=' . uri_escape_utf8("asc'--"), 'limit=' . uri_escape_utf8('1 or 1=1'),
               'offset=' . uri_escape_utf8('0; delete from product'), 'limit=' . uri_escape_utf8('１０')) {
    ($code, $body) = request_json('shop_product', 'GET', "/products?category=$slug&$query");
    is($code, 400, "$query: 400");
}

# ---- ids ----------------------------------------------------------------------------------

my $target = $id{plain};
my @ids = ('1 or 1=1', '1;drop table product', "$target or 1=1", "$target;drop table product",
           "$target'", "$target' or '1'='1", "' or ''='", '-1', '0', '0x1', '1e1', '+1', " $target",
           "$target ", '99999999999999999999', '2147483648', '١', "$target;", '%', 'null');
for my $raw (@ids) {
    my $path = '/products/' . uri_escape_utf8($raw);
    ($code, $body, $res) = request_json('shop_product', 'GET', $path);
    is($code, 404, "GET /products/$raw: 404");
    like($res->header('Content-Type') // '', qr{^application/json}, '... JSON');
    ($code) = request_json('shop_product', 'PUT', $path, token => $admin, json => { name => 'Pwned' });
    is($code, 404, "PUT /products/$raw: 404");
    ($code) = request_json('shop_product', 'DELETE', $path, token => $admin);
    is($code, 404, "DELETE /products/$raw: 404");
    ($code) = request_json('shop_product', 'PUT', '/categories/' . uri_escape_utf8($raw), token => $admin,
                           json => { name => 'Pwned' });
    is($code, 404, "PUT /categories/$raw: 404");
    ($code) = request_json('shop_product', 'DELETE', '/categories/' . uri_escape_utf8($raw), token => $admin);
    is($code, 404, "DELETE /categories/$raw: 404");
}
($code) = request_json('shop_product', 'GET', "/products/$target%00");
ok($code == 400 || $code == 404, "GET /products/$target%00: $code");

# ---- categories with SQL and Unicode in their names -------------------------------------------

my $odd = qq{Ünï "cat" O'Brien; drop table category; -- ☃};
my $odd_slug = "odd-$tag";
($code, $body) = request_json('shop_product', 'POST', '/categories', token => $admin,
                              json => { name => $odd, slug => $odd_slug });
is($code, 201, 'a category named with quotes, SQL and Unicode: 201');
is($body->{name}, $odd, '... answered as sent');
($code, $body) = request_json('shop_product', 'GET', '/categories');
is_deeply([map { $_->{name} } grep { $_->{slug} eq $odd_slug } @{ $body || [] }], [$odd], '... and listed as sent');
for my $bad_slug ("x' or '1'='1", 'ünï', "a;b", 'a b', "a%b", '') {
    ($code) = request_json('shop_product', 'POST', '/categories', token => $admin,
                           json => { name => 'Odd', slug => $bad_slug });
    is($code, 400, "a category slug '$bad_slug': 400");
}

# bytes that are not UTF-8 and NUL characters (\u0000) cannot be stored: 400,
# neither a 5xx nor a truncated value (in a category of their own)
my $bytes = catalog_category($admin)->{slug};
for my $field (qw(name description)) {
    my $text = $json->encode(catalog_product_body($bytes, $field => 'XXBADXX'));
    $text =~ s/XXBADXX/Bad \xff\xfe bytes/;
    ($code, $body, $res) = request_json('shop_product', 'POST', '/products', token => $admin, content => $text);
    is($code, 400, "a $field that is not UTF-8: 400") or diag($res->content);
}
($code, $body, $res) = request_json('shop_product', 'POST', '/categories', token => $admin,
                                    content => qq({"name": "Bad \xff bytes", "slug": "bad-$tag"}));
is($code, 400, 'a category name that is not UTF-8: 400') or diag($res->content);
is(sql_value("select count(*) from product where category_slug = :'p1'", $bytes), 0, 'none of them left a row');
is(sql_value("select count(*) from category where slug = :'p1'", "bad-$tag"), 0, '... nor a category');

my $nul = catalog_product_body($bytes, name => "Nul $tag\x{0}rest");
($code, $body) = request_json('shop_product', 'POST', '/products', token => $admin, json => $nul);
is($code, 400, 'a product name with \\u0000: 400') or diag("answered name: " . ($body->{name} // ''));
is(sql_value("select count(*) from product where category_slug = :'p1'", $bytes), 0, '... and no (truncated) row');
($code, $body) = request_json('shop_product', 'POST', '/categories', token => $admin,
                              json => { name => 'Nul', slug => "nul$tag\x{0}b" });
is($code, 400, 'a category slug with \\u0000: 400') or diag("answered slug: " . ($body->{slug} // ''));
is(sql_value("select count(*) from category where slug = :'p1'", "nul$tag"), 0, '... and no (truncated) row');
# what the bug may have left, so that every run starts alike
sql("delete from product where category_slug = :'p1'", $bytes);
sql("delete from category where slug = :'p1'", "nul$tag");

# ---- afterwards ----------------------------------------------------------------------------

is(sql_value('select count(*) from product'), $products, 'no product went away or appeared');
is(sql_value('select count(*) from category'), $categories + 2, 'only the two new categories appeared');
is($snapshot->(), $before, 'the products of this run are unchanged');
is(sql_value("select count(*) from product where name = 'Pwned'"), 0, 'no product is named Pwned');
is(sql_value("select count(*) from category where name = 'Pwned'"), 0, 'no category is named Pwned');

done_testing();
