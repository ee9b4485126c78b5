// ui.mjs: the storefront's shared pieces: the htm binding, the page frame
// (header with account and cart count, footer), product cards, labelled form
// fields with their messages, and status panels. mount(Page) renders a page.
import { h, render } from 'preact';
import htm from 'htm';
import { useCart } from './cart.mjs';
import { useUser, signOut, signInURL } from './user.mjs';
import { formatMoney, imageOf } from './api.mjs';

export const html = htm.bind(h);

function Account() {
  const user = useUser();
  if (user === undefined) return html`<span class="account" aria-hidden="true"></span>`;
  if (!user)
    return html`<span class="account"><a href=${signInURL()}>Sign in</a>
      <a class="button small" href="/sign-up.html">Create account</a></span>`;
  return html`<span class="account">
    <span class="who">Signed in as <strong>${user.firstName || user.username || user.email}</strong></span>
    <button type="button" class="link" onClick=${signOut}>Sign out</button></span>`;
}

function CartLink() {
  const count = useCart().reduce((n, l) => n + l.quantity, 0);
  return html`<a class="cart-link" href="/cart.html">
    <svg aria-hidden="true" width="22" height="22" viewBox="0 0 24 24"><path fill="none" stroke="currentColor"
      stroke-width="2" stroke-linecap="round" stroke-linejoin="round"
      d="M3 4h2l2.4 11.2a2 2 0 0 0 2 1.6h7.7a2 2 0 0 0 2-1.5L21 8H6.2M10 21h.01M18 21h.01"/></svg>
    <span aria-hidden="true">Cart</span><span class="count" aria-hidden="true">${count}</span>
    <span class="sr-only">Cart, ${count} item${count === 1 ? '' : 's'}</span></a>`;
}

function Layout({ children }) {
  return html`
    <a class="skip" href="#main">Skip to content</a>
    <header class="site-header"><div class="wrap bar">
      <a class="brand" href="/"><span class="mark" aria-hidden="true">m</span>mod_shop</a>
      <nav aria-label="Main"><a href="/products.html">Shop</a><a href="/orders.html">My orders</a></nav>
      <${Account}/><${CartLink}/>
    </div></header>
    <main id="main" class="wrap">${children}</main>
    <footer class="site-footer"><div class="wrap">
      <p>Free shipping on every order · Secure checkout · 30-day returns</p>
      <p>© mod_shop</p>
    </div></footer>`;
}

export function mount(Page) {
  render(html`<${Layout}><${Page}/><//>`, document.getElementById('app'));
}

export function ProductCard({ product, lazy }) {
  return html`<li class="card">
    <a href=${`/product.html?id=${product.id}`}>
      <img src=${imageOf(product)} alt="" width="400" height="400" loading=${lazy ? 'lazy' : 'eager'}/>
      <span class="card-body"><span class="card-name">${product.name}</span>
        <span class="card-text">${product.shortDescription}</span>
        <span class="price">${formatMoney(product.price)}</span></span>
    </a></li>`;
}

// n grey cards of the same size as real ones, so nothing moves when they come
export const SkeletonCards = ({ n }) => html`${Array.from({ length: n }, (_, i) =>
  html`<li class="card skeleton" key=${i} aria-hidden="true"><span class="ph-img"></span>
    <span class="card-body"><span class="ph-line"></span><span class="ph-line short"></span></span></li>`)}`;

// a labelled input; error (if any) is shown under it and announced with it
export function Field({ name, label, error, hint, ...input }) {
  const id = `f-${name}`;
  const described = [hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(' ');
  return html`<div class=${`field${error ? ' invalid' : ''}`}>
    <label for=${id}>${label}</label>
    <input id=${id} name=${name} aria-invalid=${error ? 'true' : 'false'}
      aria-describedby=${described || undefined} ...${input}/>
    ${hint && html`<p class="hint" id=${`${id}-hint`}>${hint}</p>`}
    ${error && html`<p class="error" id=${`${id}-error`}>${error}</p>`}
  </div>`;
}

// a centred panel for loading, empty, error and not-found states
export const Panel = ({ title, children, role }) => html`<section class="panel" role=${role}>
  <h1>${title}</h1>${children}</section>`;

export const Loading = ({ label = 'Loading…' }) =>
  html`<p class="loading" role="status"><span class="spinner" aria-hidden="true"></span>${label}</p>`;
