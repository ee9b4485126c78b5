// products.js: the products table: search by name, pages of 20, edit and
// delete (after a confirmation dialog)
import { useState } from 'preact/hooks';
import { api, query } from './api.js';
import { html, TableWrap, takeNotice, useGet, Loaded, PageHeader, Pager, Empty, Alert, ConfirmDialog, formatMoney, formatDate } from './ui.js';

const LIMIT = 20;

export function Products() {
  const [search, setSearch] = useState('');
  const [offset, setOffset] = useState(0);
  const [deleting, setDeleting] = useState(null);
  const [notice, setNotice] = useState(takeNotice);
  const get = useGet('/products' + query({ search, limit: LIMIT + 1, offset }));
  const onSearch = (e) => {
    e.preventDefault();
    setSearch(new FormData(e.target).get('search').trim());
    setOffset(0);
  };
  return html`
    <${PageHeader} title="Products"><a class="button primary" href="#/products/new">New product</a><//>
    <${Alert} kind="success">${notice}<//>
    <div class="card">
      <form class="toolbar" role="search" onSubmit=${onSearch}>
        <label for="product-search" class="visually-hidden">Search products by name</label>
        <input id="product-search" name="search" type="search" placeholder="Search by name" />
        <button class="button">Search</button>
      </form>
      <${Loaded} get=${get} what="the products">${(rows) => {
        const shown = rows.slice(0, LIMIT);
        if (!shown.length) return html`<${Empty}>${search ? `No product matches “${search}”.` : 'No products yet.'}<//>`;
        return html`<${TableWrap} label="Products table">
          <caption class="visually-hidden">Products${search ? ` matching “${search}”` : ''}</caption>
          <thead><tr><th scope="col"><span class="visually-hidden">Image</span></th><th scope="col">Name</th>
            <th scope="col">Category</th><th scope="col" class="num">Price</th><th scope="col" class="hide-phone">Colors</th>
            <th scope="col" class="hide-phone">Updated</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
          <tbody>${shown.map((p) => html`<tr key=${p.id}>
            <td><img class="thumb" src=${Object.values(p.images || {})[0]} alt="" width="40" height="40" loading="lazy" /></td>
            <td><a href=${`#/products/${p.id}`}>${p.name}</a><div class="muted small">${p.shortDescription}</div></td>
            <td>${p.categorySlug}</td>
            <td class="num">${formatMoney(p.price)}</td>
            <td class="hide-phone">${p.colors.join(', ')}</td>
            <td class="hide-phone muted">${formatDate(p.updatedAt)}</td>
            <td class="actions">
              <a class="button small" href=${`#/products/${p.id}`} aria-label=${`Edit ${p.name}`}>Edit</a>
              <button type="button" class="button small danger-outline" aria-label=${`Delete ${p.name}`} onClick=${() => setDeleting(p)}>Delete</button>
            </td>
          </tr>`)}</tbody>
        <//>
        <${Pager} offset=${offset} limit=${LIMIT} hasNext=${rows.length > LIMIT} shown=${shown.length} onChange=${setOffset} />`;
      }}<//>
    </div>
    ${deleting && html`<${ConfirmDialog} title="Delete this product?" confirmLabel="Delete product"
      onClose=${() => setDeleting(null)}
      onConfirm=${async () => {
        await api('DELETE', `/products/${deleting.id}`);
        setNotice(`“${deleting.name}” was deleted.`);
        get.reload();
      }}>
      <p><strong>${deleting.name}</strong> will be removed from the catalog. This cannot be undone.</p>
    <//>`}`;
}
