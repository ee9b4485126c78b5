// orders.js: the orders: a paged list with a status filter, and one order (items,
// shipping, amounts, history) with its status moves along the lifecycle and full
// or partial refunds (the order follows when the payment provider confirms)
import { useState, useEffect } from 'preact/hooks';
import { api, query } from './api.js';
import { html, TableWrap, useGet, Loaded, PageHeader, Pager, Alert, Empty, Field, StatusBadge, formatMoney, formatDate, label, errorText } from './ui.js';

const LIMIT = 20;
const STATUSES = ['paid', 'shipped', 'delivered', 'cancelled', 'partially_refunded', 'refunded', 'failed'];
// the moves PATCH /orders/:id allows (refunded only through a refund here)
const NEXT = { paid: ['shipped', 'cancelled'], shipped: ['delivered'] };
const REFUNDABLE = ['paid', 'shipped', 'delivered', 'partially_refunded'];

export function Orders() {
  const [status, setStatus] = useState('');
  const [offset, setOffset] = useState(0);
  const get = useGet('/orders' + query({ status, limit: LIMIT + 1, offset }));
  return html`
    <${PageHeader} title="Orders" />
    <div class="card">
      <div class="toolbar">
        <label for="status-filter">Status</label>
        <select id="status-filter" value=${status} onChange=${(e) => { setStatus(e.target.value); setOffset(0); }}>
          <option value="">All statuses</option>
          ${STATUSES.map((s) => html`<option key=${s} value=${s}>${label(s)}</option>`)}
        </select>
        <button type="button" class="button" onClick=${get.reload}>Refresh</button>
      </div>
      <${Loaded} get=${get} what="the orders">${(rows) => {
        const shown = rows.slice(0, LIMIT);
        if (!shown.length) return html`<${Empty}>${status ? `No ${label(status)} orders.` : 'No orders yet.'}<//>`;
        return html`<${TableWrap} label="Orders table">
          <caption class="visually-hidden">Orders${status ? `, ${label(status)}` : ''}</caption>
          <thead><tr><th scope="col">Order</th><th scope="col" class="hide-phone">Date</th><th scope="col">Customer</th>
            <th scope="col" class="num">Amount</th><th scope="col">Status</th></tr></thead>
          <tbody>${shown.map((o) => html`<tr key=${o.id}>
            <td><a href=${`#/orders/${o.id}`} aria-label=${`Order ${o.id.slice(-8)} of ${o.email}`}>#${o.id.slice(-8)}</a></td>
            <td class="hide-phone muted">${formatDate(o.createdAt)}</td>
            <td>${o.email}</td>
            <td class="num">${formatMoney(o.amount)}</td>
            <td><${StatusBadge} status=${o.status} /></td>
          </tr>`)}</tbody>
        <//>
        <${Pager} offset=${offset} limit=${LIMIT} hasNext=${rows.length > LIMIT} shown=${shown.length} onChange=${setOffset} />`;
      }}<//>
    </div>`;
}

function StatusForm({ order, onChanged }) {
  const moves = NEXT[order.status] || [];
  const [to, setTo] = useState(moves[0] || '');
  const [error, setError] = useState(null);
  if (!moves.length) return html`<p class="muted">An order that is ${label(order.status)} has no further status to move to.</p>`;
  const submit = async (e) => {
    e.preventDefault();
    try {
      await api('PATCH', `/orders/${order.id}`, { json: { status: to } });
      setError(null);
      onChanged(`The order is now ${label(to)}; the customer is told by mail.`);
    } catch (err) {
      setError(errorText(err, `The status could not change: ${err.message}. The order may have changed meanwhile; refresh it.`));
    }
  };
  return html`<form class="inline-form" onSubmit=${submit}>
    <${Alert}>${error}<//>
    <${Field} id="new-status" label="New status">${(a) => html`<select ...${a} value=${to} onChange=${(e) => setTo(e.target.value)}>
      ${moves.map((s) => html`<option key=${s} value=${s}>${label(s)}</option>`)}</select>`}<//>
    <button class="button primary">Change status</button>
  </form>`;
}

function RefundForm({ order, onRefunded }) {
  const left = Math.round((order.amount - (order.refundedAmount || 0)) * 100) / 100;
  const [amount, setAmount] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  if (!REFUNDABLE.includes(order.status) || left <= 0) return html`<p class="muted">Nothing is left to refund on this order.</p>`;
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    try {
      const r = await api('POST', `/orders/${order.id}/refund`, { json: amount ? { amount: Number(amount) } : {} });
      setError(null);
      setAmount('');
      onRefunded(r);
    } catch (err) {
      setError(errorText(err, `The refund was refused: ${err.message}.`));
    }
    setBusy(false);
  };
  return html`<form class="inline-form" onSubmit=${submit}>
    <${Alert}>${error}<//>
    <${Field} id="refund-amount" label="Refund amount (USD)" hint=${`Leave empty to refund all that is left: ${formatMoney(left)}.`}>${(a) => html`<input ...${a}
      type="number" min="0.01" step="0.01" max=${left} inputmode="decimal" value=${amount} onInput=${(e) => setAmount(e.target.value)} />`}<//>
    <button class="button danger" disabled=${busy}>${amount ? `Refund ${formatMoney(amount)}` : 'Refund in full'}</button>
  </form>`;
}

export function OrderDetail({ id }) {
  const get = useGet(`/orders/${id}`);
  const [notice, setNotice] = useState(null);
  const [pending, setPending] = useState(null);
  // a refund shows on the order once payment.refunded comes back: look again a few times
  useEffect(() => {
    if (!pending) return undefined;
    let n = 0;
    const timer = setInterval(() => { get.reload(); if (++n >= 10) clearInterval(timer); }, 1500);
    return () => clearInterval(timer);
  }, [pending]);
  useEffect(() => {
    if (pending && get.data && (get.data.refundedAmount || 0) >= pending.refundedAmount) {
      setNotice(`The refund of ${formatMoney(pending.amount)} is done.`);
      setPending(null);
    }
  }, [get.data]);
  return html`
    <${PageHeader} title="Order"><a class="button" href="#/orders">Back to orders</a>
      <button type="button" class="button" onClick=${get.reload}>Refresh</button><//>
    <${Alert} kind="success">${notice}<//>
    ${pending && html`<${Alert} kind="info">A refund of ${formatMoney(pending.amount)} was sent to the payment provider and is pending;
      this page updates when the provider confirms it.<//>`}
    <${Loaded} get=${get} what="the order">${(o) => html`
      <div class="card">
        <div class="card-header"><h2>Order #${o.id.slice(-8)}</h2><${StatusBadge} status=${o.status} /></div>
        <dl class="details">
          <dt>Placed</dt><dd>${formatDate(o.createdAt)}</dd>
          <dt>Customer</dt><dd>${o.email}</dd>
          <dt>Amount</dt><dd>${formatMoney(o.amount)} ${(o.currency || '').toUpperCase()}</dd>
          <dt>Refunded</dt><dd data-testid="refunded">${formatMoney(o.refundedAmount || 0)}</dd>
          ${o.failureReason && html`<dt>Failure</dt><dd>${o.failureReason}</dd>`}
        </dl>
      </div>
      <div class="columns">
        <section class="card" aria-labelledby="items-title">
          <h2 id="items-title">Items</h2>
          <${TableWrap} label="Items table">
            <thead><tr><th scope="col">Product</th><th scope="col">Size</th><th scope="col">Color</th><th scope="col" class="num">Qty</th><th scope="col" class="num">Price</th></tr></thead>
            <tbody>${o.items.map((it, i) => html`<tr key=${i}><td>${it.name}</td><td>${it.size}</td><td>${it.color}</td>
              <td class="num">${it.quantity}</td><td class="num">${formatMoney(it.price)}</td></tr>`)}</tbody>
          <//>
        </section>
        <section class="card" aria-labelledby="shipping-title">
          <h2 id="shipping-title">Shipping</h2>
          ${o.shipping ? html`<address>${o.shipping.name}<br />${o.shipping.address}<br />${o.shipping.city}<br />
            ${o.shipping.email}<br />${o.shipping.phone}</address>` : html`<${Empty}>No shipping details.<//>`}
        </section>
      </div>
      ${o.history?.length > 0 && html`<section class="card" aria-labelledby="history-title">
        <h2 id="history-title">History</h2>
        <ol class="history">${o.history.map((h, i) => html`<li key=${i}><${StatusBadge} status=${h.status} /> <span class="muted">${formatDate(h.at || h.date || h.createdAt)}</span></li>`)}</ol>
      </section>`}
      <div class="columns">
        <section class="card" aria-labelledby="status-title">
          <h2 id="status-title">Status</h2>
          <${StatusForm} key=${o.status} order=${o} onChanged=${(text) => { setNotice(text); get.reload(); }} />
        </section>
        <section class="card" aria-labelledby="refund-title">
          <h2 id="refund-title">Refund</h2>
          ${pending ? html`<p class="muted">Waiting for the pending refund…</p>` : html`<${RefundForm} key=${o.refundedAmount} order=${o}
            onRefunded=${(r) => { setNotice(null); setPending(r); }} />`}
        </section>
      </div>`}<//>`;
}
