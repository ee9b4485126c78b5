// overview.js: the first page: key figures, the order chart of the last six
// months (chart.js, with the same figures in a table for screen readers), the
// latest orders and the latest products
import { useEffect, useRef } from 'preact/hooks';
import { html, useGet, Loaded, PageHeader, StatusBadge, Empty, formatMoney, formatDate } from './ui.js';

const monthName = (m) => new Date(`${m}-01T00:00:00`).toLocaleString('en-US', { month: 'short', year: 'numeric' });

function OrderChart({ months }) {
  const canvas = useRef();
  useEffect(() => {
    const chart = new window.Chart(canvas.current, {
      type: 'bar',
      data: {
        labels: months.map((m) => monthName(m.month)),
        datasets: [
          { label: 'Total', data: months.map((m) => m.total), backgroundColor: '#93b4f5', borderRadius: 4 },
          { label: 'Successful', data: months.map((m) => m.successful), backgroundColor: '#1d4ed8', borderRadius: 4 },
        ],
      },
      options: {
        animation: false, maintainAspectRatio: false, responsive: true,
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
        plugins: { legend: { position: 'bottom' } },
      },
    });
    return () => chart.destroy();
  }, [months]);
  return html`<div class="chart-box">
    <canvas ref=${canvas} role="img" aria-label="Bar chart of the orders per month over the last six months, total and successful; the figures are in the table that follows"></canvas>
  </div>
  <table class="visually-hidden">
    <caption>Orders per month</caption>
    <thead><tr><th scope="col">Month</th><th scope="col">Total</th><th scope="col">Successful</th></tr></thead>
    <tbody>${months.map((m) => html`<tr key=${m.month}><th scope="row">${monthName(m.month)}</th><td>${m.total}</td><td>${m.successful}</td></tr>`)}</tbody>
  </table>`;
}

function Figure({ title, value, note }) {
  return html`<div class="card figure">
    <p class="figure-title">${title}</p>
    <p class="figure-value">${value}</p>
    ${note && html`<p class="muted small">${note}</p>`}
  </div>`;
}

export function Overview() {
  const chart = useGet('/order-chart');
  const users = useGet('/users?limit=1');
  const orders = useGet('/orders?limit=5');
  const products = useGet('/products?sort=newest&limit=5');
  const last = chart.data && chart.data[chart.data.length - 1];
  const sixMonths = chart.data && chart.data.reduce((n, m) => n + m.total, 0);
  return html`
    <${PageHeader} title="Overview" />
    <section class="figures" aria-label="Key figures">
      <${Figure} title="Users" value=${users.data ? users.data.total : '…'} note="accounts" />
      <${Figure} title="This month" value=${last ? last.total : '…'} note=${last ? `orders, ${last.successful} paid` : 'orders'} />
      <${Figure} title="6 months" value=${sixMonths ?? '…'} note="orders" />
    </section>
    <section class="card" aria-labelledby="chart-title">
      <h2 id="chart-title">Orders, last 6 months</h2>
      <${Loaded} get=${chart} what="the order chart">${(months) => html`<${OrderChart} months=${months} />`}<//>
    </section>
    <div class="columns">
      <section class="card" aria-labelledby="latest-orders">
        <div class="card-header"><h2 id="latest-orders">Latest orders</h2><a href="#/orders">All orders</a></div>
        <${Loaded} get=${orders} what="the latest orders">${(list) => (list.length ? html`
          <ul class="rows">${list.map((o) => html`<li key=${o.id}>
            <span class="row-main"><a href=${`#/orders/${o.id}`}>${o.email}</a>
              <span class="muted small">${formatDate(o.createdAt)}</span></span>
            <span class="row-end"><strong>${formatMoney(o.amount)}</strong> <${StatusBadge} status=${o.status} /></span>
          </li>`)}</ul>` : html`<${Empty}>No orders yet.<//>`)}<//>
      </section>
      <section class="card" aria-labelledby="latest-products">
        <div class="card-header"><h2 id="latest-products">Latest products</h2><a href="#/products">All products</a></div>
        <${Loaded} get=${products} what="the latest products">${(list) => (list.length ? html`
          <ul class="rows">${list.map((p) => html`<li key=${p.id}>
            <img class="thumb" src=${Object.values(p.images || {})[0]} alt="" width="40" height="40" />
            <span class="row-main"><a href=${`#/products/${p.id}`}>${p.name}</a>
              <span class="muted small">${p.categorySlug}</span></span>
            <span class="row-end"><strong>${formatMoney(p.price)}</strong></span>
          </li>`)}</ul>` : html`<${Empty}>No products yet.<//>`)}<//>
      </section>
    </div>`;
}
