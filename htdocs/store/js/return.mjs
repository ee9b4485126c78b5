// return.mjs: where the payment provider sends the customer back
// (return.html?session_id=ID): asks GET /api/sessions/ID until the payment is
// settled and its order made, showing each state as it comes.
import { useEffect, useState } from 'preact/hooks';
import { api, formatMoney } from './api.mjs';
import { signInURL } from './user.mjs';
import { html, mount, Panel } from './ui.mjs';
import { checkoutPaid } from './cart.mjs';

const POLL_MS = 1000;
const GIVE_UP_MS = 120000;

const STATES = {
  pending: ['Waiting for your payment…', 'We are confirming your payment with the provider. This usually takes a few seconds.'],
  paid: ['Payment received, thank you!', 'Your order is confirmed. A confirmation email is on its way.'],
  failed: ['The payment did not go through', 'Nothing was charged. You can try again from your cart.'],
  expired: ['This checkout has expired', 'Nothing was charged. You can start a new checkout from your cart.'],
  slow: ['Still waiting for the payment', 'This is taking longer than usual. Check My orders in a few minutes.'],
};

function stateOf(s) {
  if (s.paymentStatus === 'paid' || s.paymentStatus === 'failed') return s.paymentStatus;
  return s.status === 'expired' ? 'expired' : 'pending';
}

function Return() {
  const id = new URLSearchParams(location.search).get('session_id') || '';
  const [session, setSession] = useState(null);
  const [state, setState] = useState('pending');
  const [missing, setMissing] = useState(false);

  useEffect(() => {
    const start = Date.now();
    let timer;
    const poll = () => api(`/sessions/${encodeURIComponent(id)}`).then((s) => {
      const now = stateOf(s);
      if (now === 'paid') checkoutPaid();
      setSession(s);
      setState(now);
      if ((now === 'pending' || (now === 'paid' && !s.orderId)) && Date.now() - start < GIVE_UP_MS)
        timer = setTimeout(poll, POLL_MS);
      else if (now === 'pending') setState('slow');
    }, (e) => {
      if (e.status === 401) location.assign(signInURL());
      else if (e.status === 404) setMissing(true);
      else timer = setTimeout(poll, POLL_MS * 3);
    });
    poll();
    return () => clearTimeout(timer);
  }, []);

  if (missing) return html`<${Panel} title="We couldn’t find this checkout">
    <p>The link may be incomplete, or the checkout belongs to another account.</p>
    <a class="button" href="/orders.html">Go to My orders</a><//>`;
  const [title, text] = STATES[state];
  return html`<section class=${`panel status-${state}`}>
    <div class="status-icon" aria-hidden="true">${state === 'paid' ? '✓' : state === 'pending' || state === 'slow' ? '…' : '!'}</div>
    <div role="status" aria-live="polite">
      <h1>${title}</h1>
      <p>${text}</p>
      <p class="muted" id="payment-status">Payment status: <strong>${state === 'slow' ? 'pending' : state}</strong>
        ${session && session.amount ? html` · ${formatMoney(session.amount)}` : ''}</p>
    </div>
    <p class="actions"><a class="button" href="/orders.html">View My orders</a>
      ${state === 'failed' || state === 'expired' ? html`<a class="button secondary" href="/cart.html">Back to cart</a>`
        : html`<a class="button secondary" href="/products.html">Continue shopping</a>`}</p>
  </section>`;
}

mount(Return);
