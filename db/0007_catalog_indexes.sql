-- 0007_catalog_indexes.sql: GET /products?category=X&sort=asc|desc at scale. Without
-- it, a category sorted by price walked product_price and filtered out the other
-- categories (53,000 rows for 100 of one category among 100,000 products: 147 ms);
-- with it, the page is the next 100 entries of one index, read index-only. The
-- other orders already have theirs (0003): product_newest and product_price for every
-- category, product_category_newest (read backwards for sort=oldest) for one, and the
-- trigram index product_name_search for search=.
create index product_category_price on product (category_slug, price_minor, id);

-- search=: whether to walk an order's index and filter, or to take the trigram index's
-- matches and sort them, depends on how many names the planner expects to match. With
-- the default 100 histogram entries of lower(name), a rare word found in one of them
-- was expected in 1% of the names: sort=oldest&search=<rare> then walked all 100,000
-- rows of product_newest (136 ms instead of 0.5 ms). 1,000 entries bound that error.
alter index product_name_search alter column 1 set statistics 1000;
analyze product;

-- Deep pages and list counts are index-only scans: they read the heap only for pages
-- not marked all-visible, which every write to a page unmarks until VACUUM. By default
-- autovacuum comes after 20% of the table has changed: 2,500 products added and removed
-- in 100,000 unmarked 42% of the pages (heap fetches for 42,000 of 100,000 entries, 3x
-- slower deep pages). Vacuum product after 1% instead.
alter table product set (autovacuum_vacuum_scale_factor = 0.01,
                         autovacuum_vacuum_insert_scale_factor = 0.01,
                         autovacuum_analyze_scale_factor = 0.02);
