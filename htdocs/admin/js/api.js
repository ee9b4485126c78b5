// api.js: the shop's REST APIs from the dashboard's own origin (/api/...), signed in
// by the session cookie; a failed call throws an ApiError carrying status and body
export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.message) || `The request failed (${status}).`);
    this.status = status;
    this.body = body || {};
  }
}

export async function api(method, path, { json, body, type } = {}) {
  const headers = {};
  if (json !== undefined) headers['Content-Type'] = 'application/json';
  if (type) headers['Content-Type'] = type;
  let res;
  try {
    res = await fetch('/api' + path, {
      method, headers, credentials: 'same-origin',
      body: json !== undefined ? JSON.stringify(json) : body,
    });
  } catch {
    throw new ApiError(0, { message: 'The shop cannot be reached. Check your connection and try again.' });
  }
  const text = await res.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = { message: text }; }
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}

// "?a=1&b=2" from an object, leaving out empty values
export function query(params) {
  const pairs = Object.entries(params).filter(([, v]) => v !== '' && v != null)
    .map(([k, v]) => `${k}=${encodeURIComponent(v)}`);
  return pairs.length ? `?${pairs.join('&')}` : '';
}
