// api.mjs: the shop's REST services as the storefront calls them, on its own
// origin (/api/...), with the session cookie; money and date formatting.

// the JSON answer, or throws an Error carrying .status, the body's .fields and
// .field (a 409's taken field)
export async function api(path, { method = 'GET', json } = {}) {
  const res = await fetch('/api' + path, {
    method,
    credentials: 'same-origin',
    headers: json === undefined ? {} : { 'Content-Type': 'application/json' },
    body: json === undefined ? undefined : JSON.stringify(json),
  });
  const text = await res.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = null; }
  if (!res.ok) {
    const err = new Error(capitalize((data && data.message) || `the shop answered ${res.status}`));
    err.status = res.status;
    err.fields = (data && data.fields) || {};
    err.field = data && data.field;
    throw err;
  }
  return data;
}

const money = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });
export const formatMoney = (amount) => money.format(Number(amount) || 0);

const day = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short' });
export const formatDate = (iso) => (iso ? day.format(new Date(iso)) : '');

export const capitalize = (s) => s.charAt(0).toUpperCase() + s.slice(1);

// a product's image for a color (its first color's when none is asked)
export const imageOf = (product, color) =>
  (product.images || {})[color || (product.colors || [])[0]] || '';

// a query string from the entries that have a value
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '' && v !== null) q.set(k, v);
  const s = q.toString();
  return s ? '?' + s : '';
}
