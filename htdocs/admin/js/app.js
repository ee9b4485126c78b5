// app.js: the dashboard's shell: who is signed in (sign-in form, "not authorized"
// page for non-admins), the navigation (a sidebar on desktop, a menu on phones)
// and the hash routes (#/products, #/orders/<id>, ...) to the pages
import { render } from 'preact';
import { useState, useEffect } from 'preact/hooks';
import { api } from './api.js';
import { html, Alert, Field } from './ui.js';
import { Overview } from './overview.js';
import { Products } from './products.js';
import { ProductEditor } from './product-editor.js';
import { Categories } from './categories.js';
import { Users, UserDetail } from './users.js';
import { Orders, OrderDetail } from './orders.js';

const sections = [
  ['', 'Overview'], ['products', 'Products'], ['categories', 'Categories'],
  ['orders', 'Orders'], ['users', 'Users'],
];

function useHash() {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const on = () => setHash(location.hash);
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
}

function Page({ parts }) {
  const [section, id] = parts;
  switch (section) {
    case '': return html`<${Overview} />`;
    case 'products': return id ? html`<${ProductEditor} key=${id} id=${id === 'new' ? null : id} />` : html`<${Products} />`;
    case 'categories': return html`<${Categories} />`;
    case 'orders': return id ? html`<${OrderDetail} key=${id} id=${id} />` : html`<${Orders} />`;
    case 'users': return id ? html`<${UserDetail} key=${id} id=${id} />` : html`<${Users} />`;
    default: return html`<div class="card"><h1>Page not found</h1><p><a href="#/">Back to the overview</a></p></div>`;
  }
}

function Brand() {
  return html`<span class="brand"><span class="brand-mark" aria-hidden="true">m</span> mod_shop admin</span>`;
}

function Shell({ user, onSignOut }) {
  const parts = useHash();
  const [menuOpen, setMenuOpen] = useState(false);
  useEffect(() => setMenuOpen(false), [parts.join('/')]);
  return html`<div class="shell">
    <a class="skip-link" href="#main" onClick=${(e) => { e.preventDefault(); document.getElementById('main').focus(); }}>Skip to content</a>
    <header class="topbar">
      <button type="button" class="button icon menu-button" aria-expanded=${menuOpen ? 'true' : 'false'}
        aria-controls="sidebar" onClick=${() => setMenuOpen(!menuOpen)}>
        <span class="burger" aria-hidden="true"></span><span class="visually-hidden">Menu</span>
      </button>
      <a href="#/" class="brand-link"><${Brand} /></a>
      <div class="account">
        <span class="account-name">${user.email}</span>
        <button type="button" class="button small" onClick=${onSignOut}>Sign out</button>
      </div>
    </header>
    <nav id="sidebar" class=${`sidebar${menuOpen ? ' open' : ''}`} aria-label="Sections">
      <ul>${sections.map(([path, name]) => html`<li key=${path}>
        <a href=${`#/${path}`} aria-current=${parts[0] === path ? 'page' : undefined}>${name}</a>
      </li>`)}</ul>
    </nav>
    <main id="main" tabindex="-1"><${Page} parts=${parts} /></main>
  </div>`;
}

function SignIn({ onSignedIn }) {
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e) => {
    e.preventDefault();
    const form = new FormData(e.target);
    setBusy(true);
    setError(null);
    try {
      const { user } = await api('POST', '/auth/sign-in',
        { json: { email: form.get('email'), password: form.get('password') } });
      onSignedIn(user);
    } catch (err) {
      setError(err.status === 401 ? 'The email or password is not right.' : err.message);
      setBusy(false);
    }
  };
  return html`<main class="center-page">
    <form class="card narrow" onSubmit=${submit} aria-labelledby="sign-in-title">
      <${Brand} />
      <h1 id="sign-in-title">Sign in</h1>
      <p class="muted">The dashboard is for the shop's administrators.</p>
      <${Alert}>${error}<//>
      <${Field} id="email" label="Email">${(a) => html`<input ...${a} name="email" type="email" autocomplete="username" required />`}<//>
      <${Field} id="password" label="Password">${(a) => html`<input ...${a} name="password" type="password" autocomplete="current-password" required />`}<//>
      <button class="button primary wide" disabled=${busy}>${busy ? 'Signing in…' : 'Sign in'}</button>
    </form>
  </main>`;
}

function NotAuthorized({ user, onSignOut }) {
  return html`<main class="center-page">
    <div class="card narrow">
      <${Brand} />
      <h1>Not authorized</h1>
      <p>You are signed in as <strong>${user.email}</strong>, which is not an administrator account.
        The dashboard is only for the shop's administrators.</p>
      <p class="muted">Sign out, then sign in with an administrator account.</p>
      <button type="button" class="button primary wide" onClick=${onSignOut}>Sign out</button>
    </div>
  </main>`;
}

function App() {
  const [user, setUser] = useState(undefined);
  useEffect(() => { api('GET', '/auth/me').then(setUser, () => setUser(null)); }, []);
  const signOut = async () => {
    await api('POST', '/auth/sign-out').catch(() => {});
    setUser(null);
  };
  if (user === undefined) return html`<p class="boot" role="status">Loading the dashboard…</p>`;
  if (!user) return html`<${SignIn} onSignedIn=${setUser} />`;
  if (user.role !== 'admin') return html`<${NotAuthorized} user=${user} onSignOut=${signOut} />`;
  return html`<${Shell} user=${user} onSignOut=${signOut} />`;
}

render(html`<${App} />`, document.getElementById('app'));
