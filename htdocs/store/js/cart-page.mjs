// cart-page.mjs: the cart (lines from localStorage, names and prices from the
// catalog), quantities, removal, totals, and the checkout: the shipping form,
// checked as the payment service checks it, then POST
// /api/sessions/create-checkout-session and on to the payment page.
import { useEffect, useState } from 'preact/hooks';
import { api, formatMoney, imageOf, capitalize } from './api.mjs';
import { useCart, setQuantity, removeFromCart, SHIPPING_DRAFT } from './cart.mjs';
import { useForm } from './forms.mjs';
import { useUser, signInURL } from './user.mjs';
import { html, mount, Field, Panel, Loading } from './ui.mjs';

const SHIPPING = {
  name: { label: 'Full name', rules: ['required', 'text200'] },
  email: { label: 'Email', rules: ['required', 'text200', 'email'] },
  phone: { label: 'Phone', rules: ['required', 'phone'] },
  address: { label: 'Address', rules: ['required', 'text200'] },
  city: { label: 'City', rules: ['required', 'text200'] },
};

// the catalog's products of the cart's lines: {id: product | null when gone}
function useProducts(lines) {
  const [products, setProducts] = useState({});
  const ids = [...new Set(lines.map((l) => l.id))].filter((id) => !(id in products));
  useEffect(() => {
    ids.forEach((id) => api(`/products/${id}`).then((p) => p, (e) => (e.status === 404 ? null : undefined))
      .then((p) => p !== undefined && setProducts((old) => ({ ...old, [id]: p }))));
  }, [ids.join()]);
  return products;
}

function Line({ line, product }) {
  return html`<li class="line">
    <img src=${imageOf(product, line.color)} alt="" width="96" height="96"/>
    <div class="line-info">
      <a href=${`/product.html?id=${product.id}`}><strong>${product.name}</strong></a>
      <span class="muted">Size ${line.size.toUpperCase()} · ${capitalize(line.color)} · ${formatMoney(product.price)} each</span>
      <button type="button" class="link" aria-label=${`Remove ${product.name} (${line.size}, ${line.color})`}
        onClick=${() => removeFromCart(line)}>Remove</button>
    </div>
    <div class="field qty"><label for=${`q-${line.id}-${line.size}-${line.color}`}>Quantity</label>
      <input id=${`q-${line.id}-${line.size}-${line.color}`} type="number" min="1" max="99" value=${line.quantity}
        aria-label=${`Quantity of ${product.name} (${line.size}, ${line.color})`}
        onChange=${(e) => setQuantity(line, Math.max(1, Math.min(99, Number(e.currentTarget.value) | 0)))}/></div>
    <p class="line-total">${formatMoney(product.price * line.quantity)}</p>
  </li>`;
}

function Checkout({ lines }) {
  const user = useUser();
  const saved = JSON.parse(sessionStorage.getItem(SHIPPING_DRAFT) || '{}');
  const form = useForm(SHIPPING, saved);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState('');
  useEffect(() => {
    if (user && !form.values.email) form.set('email', user.email);
  }, [user]);

  const submit = async (e) => {
    e.preventDefault();
    setProblem('');
    if (!form.check()) return;
    const shipping = form.cleaned();
    if (!user) {
      sessionStorage.setItem(SHIPPING_DRAFT, JSON.stringify(shipping));
      location.assign(signInURL('/cart.html'));
      return;
    }
    setBusy(true);
    try {
      const session = await api('/sessions/create-checkout-session', { method: 'POST', json: {
        cart: lines.map((l) => ({ id: l.id, quantity: l.quantity, selectedSize: l.size, selectedColor: l.color })),
        shipping,
      } });
      sessionStorage.setItem(SHIPPING_DRAFT, JSON.stringify(shipping));
      location.assign(session.url);
    } catch (err) {
      setBusy(false);
      if (err.status === 401) location.assign(signInURL('/cart.html'));
      else if (!form.serverErrors(err.fields, 'shipping.')) setProblem(err.message);
    }
  };

  return html`<form class="box" onSubmit=${submit} noValidate aria-labelledby="ship-title">
    <h2 id="ship-title">Shipping details</h2>
    <${Field} ...${form.field('name')} autocomplete="name"/>
    <${Field} ...${form.field('email')} type="email" autocomplete="email"/>
    <${Field} ...${form.field('phone')} type="tel" autocomplete="tel-national" inputmode="numeric"
      hint="7 to 10 digits, no spaces"/>
    <${Field} ...${form.field('address')} autocomplete="street-address"/>
    <${Field} ...${form.field('city')} autocomplete="address-level2"/>
    ${problem && html`<p class="notice error" role="alert">${problem}</p>`}
    <button class="button big wide" type="submit" disabled=${busy}>
      ${busy ? 'Starting checkout…' : user === null ? 'Sign in to check out' : 'Checkout'}</button>
    <p class="muted small">You will pay on the payment provider’s secure page.</p>
  </form>`;
}

function Cart() {
  // the payment provider sends a failed or abandoned checkout back here (ShopPaymentCancelURL)
  const returned = new URLSearchParams(location.search).has('session_id');
  const lines = useCart();
  const products = useProducts(lines);
  const shown = lines.filter((l) => products[l.id]);
  const gone = lines.filter((l) => products[l.id] === null);
  useEffect(() => { gone.forEach(removeFromCart); }, [gone.length]);

  if (!lines.length)
    return html`<${Panel} title="Your cart is empty"><p>Find something you like in the shop.</p>
      <a class="button" href="/products.html">Start shopping</a><//>`;
  if (shown.length < lines.length) return html`<h1>Your cart</h1><${Loading} label="Loading your cart…"/>`;
  const total = shown.reduce((sum, l) => sum + products[l.id].price * l.quantity, 0);
  const count = shown.reduce((n, l) => n + l.quantity, 0);

  return html`<h1>Your cart</h1>
    ${returned && html`<p class="notice" role="status">The payment was not completed and nothing was
      charged. Your cart is as you left it: check out again when you are ready.</p>`}
    <div class="cart">
      <section aria-label="Items">
        <ul class="lines">${shown.map((l) => html`<${Line} key=${`${l.id}-${l.size}-${l.color}`} line=${l} product=${products[l.id]}/>`)}</ul>
        <dl class="summary">
          <div><dt>Items</dt><dd>${count}</dd></div>
          <div><dt>Shipping</dt><dd>Free</dd></div>
          <div class="total"><dt>Total</dt><dd id="cart-total">${formatMoney(total)}</dd></div>
        </dl>
      </section>
      <${Checkout} lines=${shown}/>
    </div>`;
}

mount(Cart);
