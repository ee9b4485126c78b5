// products.mjs: the product list: category, search and sort kept in the URL
// (each change is a history entry, so Back and shared links work), and
// "Load more" pages through the catalog with limit/offset.
import { useEffect, useState } from 'preact/hooks';
import { api, query } from './api.mjs';
import { html, mount, ProductCard, SkeletonCards } from './ui.mjs';

const PAGE = 12;
const SORTS = [['newest', 'Newest'], ['oldest', 'Oldest'], ['asc', 'Price: low to high'], ['desc', 'Price: high to low']];

function fromURL() {
  const q = new URLSearchParams(location.search);
  const category = q.get('category');
  return {
    category: category && category !== 'all' ? category : '',
    search: q.get('search') || '',
    sort: SORTS.some(([v]) => v === q.get('sort')) ? q.get('sort') : 'newest',
  };
}

function Products() {
  const [filter, setFilter] = useState(fromURL);
  const [categories, setCategories] = useState([]);
  const [list, setList] = useState({ items: null, more: false, error: null });
  const [typed, setTyped] = useState(filter.search);

  useEffect(() => {
    api('/categories').then(setCategories, () => {});
    const back = () => { const f = fromURL(); setFilter(f); setTyped(f.search); };
    addEventListener('popstate', back);
    return () => removeEventListener('popstate', back);
  }, []);

  const load = (offset) => api('/products' + query({ ...filter, limit: PAGE, offset }))
    .then((items) => setList((old) => ({
      items: offset ? [...old.items, ...items] : items, more: items.length === PAGE, error: null,
    })), (e) => setList((old) => ({ ...old, items: old.items || [], error: e.message })));

  useEffect(() => { setList({ items: null, more: false, error: null }); load(0); },
            [filter.category, filter.search, filter.sort]);

  const change = (next) => {
    const f = { ...filter, ...next };
    history.pushState(null, '', '/products.html' + query({ ...f, sort: f.sort === 'newest' ? '' : f.sort }));
    setFilter(f);
  };
  const category = categories.find((c) => c.slug === filter.category);
  const title = filter.search ? `Results for “${filter.search}”` : category ? category.name : 'All products';

  return html`
    <h1>${title}</h1>
    <form class="filters" role="search" onSubmit=${(e) => { e.preventDefault(); change({ search: typed.trim() }); }}>
      <div class="field"><label for="f-category">Category</label>
        <select id="f-category" value=${filter.category} onChange=${(e) => change({ category: e.currentTarget.value })}>
          <option value="">All categories</option>
          ${categories.map((c) => html`<option key=${c.id} value=${c.slug}>${c.name}</option>`)}
          ${filter.category && !category && html`<option value=${filter.category}>${filter.category}</option>`}
        </select></div>
      <div class="field grow"><label for="f-search">Search</label>
        <span class="search-box"><input id="f-search" type="search" value=${typed} maxlength="100"
          placeholder="Search products" onInput=${(e) => setTyped(e.currentTarget.value)}/>
        <button type="submit">Search</button></span></div>
      <div class="field"><label for="f-sort">Sort by</label>
        <select id="f-sort" value=${filter.sort} onChange=${(e) => change({ sort: e.currentTarget.value })}>
          ${SORTS.map(([v, l]) => html`<option key=${v} value=${v}>${l}</option>`)}
        </select></div>
    </form>
    ${list.error && html`<p class="notice error" role="alert">${list.error}</p>`}
    ${list.items && !list.items.length && !list.error && html`<div class="empty">
      <p><strong>No products match.</strong> Try another search or category.</p>
      <a class="button secondary" href="/products.html">Show all products</a></div>`}
    <ul class="grid" aria-label="Products" aria-busy=${list.items ? 'false' : 'true'}>
      ${list.items ? list.items.map((p, i) => html`<${ProductCard} key=${p.id} product=${p} lazy=${i >= 8}/>`)
                   : html`<${SkeletonCards} n=${8}/>`}
    </ul>
    ${list.more && html`<p class="center"><button type="button" class="button secondary"
      onClick=${() => load(list.items.length)}>Load more</button></p>`}`;
}

mount(Products);
