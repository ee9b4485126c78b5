// orders.mjs: My orders (GET /api/user-orders): each order's date, status,
// items and total, newest first; signed-out visitors are sent to sign in.
import { useEffect, useState } from 'preact/hooks';
import { api, formatMoney, formatDate, capitalize } from './api.mjs';
import { signInURL } from './user.mjs';
import { html, mount, Panel, Loading } from './ui.mjs';

const Order = ({ order }) => html`<li class="box order">
  <div class="order-head">
    <div><h2>Order <span class="mono">${order.id.slice(-8).toUpperCase()}</span></h2>
      <p class="muted">Placed ${formatDate(order.createdAt)}</p></div>
    <span class=${`badge ${order.status}`}>${order.status.replace(/_/g, " ")}</span>
  </div>
  <ul class="order-items">${order.items.map((it, i) => html`<li key=${i}>
    <span><a href=${`/product.html?id=${it.productId}`}>${it.name}</a>
      <span class="muted"> · ${[it.size && `Size ${it.size.toUpperCase()}`, it.color && capitalize(it.color)].filter(Boolean).join(' · ')} · Qty ${it.quantity}</span></span>
    <span>${formatMoney(it.price * it.quantity)}</span></li>`)}</ul>
  <p class="order-total"><span>Total</span><strong>${formatMoney(order.amount)}</strong></p>
</li>`;

function Orders() {
  const [orders, setOrders] = useState(null);
  const [error, setError] = useState('');
  useEffect(() => {
    api('/user-orders').then(setOrders, (e) => (e.status === 401 ? location.assign(signInURL()) : setError(e.message)));
  }, []);

  if (error) return html`<${Panel} title="Your orders could not be loaded" role="alert"><p>${error}</p><//>`;
  if (!orders) return html`<h1>My orders</h1><${Loading} label="Loading your orders…"/>`;
  if (!orders.length) return html`<${Panel} title="No orders yet"><p>When you place an order, it shows up here.</p>
    <a class="button" href="/products.html">Start shopping</a><//>`;
  return html`<h1>My orders</h1><ul class="orders">${orders.map((o) => html`<${Order} key=${o.id} order=${o}/>`)}</ul>`;
}

mount(Orders);
