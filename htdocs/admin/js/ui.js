// ui.js: the dashboard's shared pieces: html (htm + preact), data loading, money
// and dates, status badges, page headers, alerts, pager, form fields with their
// errors, and the confirmation dialog
import { h } from 'preact';
import { useState, useEffect, useRef, useCallback } from 'preact/hooks';
import htm from 'htm';
import { api } from './api.js';

export const html = htm.bind(h);

// {data, error, loading, reload} of a GET, loaded again when path changes (no
// path: data null)
export function useGet(path) {
  const [state, setState] = useState({ loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    if (!path) { setState({ data: null }); return undefined; }
    setState((s) => ({ ...s, loading: true, error: null }));
    api('GET', path).then((data) => live && setState({ data }),
                          (error) => live && setState({ error }));
    return () => { live = false; };
  }, [path, tick]);
  return { ...state, reload: useCallback(() => setTick((t) => t + 1), []) };
}

const money = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });
export const formatMoney = (n) => money.format(Number(n) || 0);
const dateFormat = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
export const formatDate = (s) => (s ? dateFormat.format(new Date(s)) : '—');
export const label = (s) => (s || '').replace(/_/g, ' ');

export function StatusBadge({ status }) {
  return html`<span class=${`badge badge-${status}`}>${label(status)}</span>`;
}

// the h1 of a page, focused when the page opens (screen readers hear where they are)
export function PageHeader({ title, children }) {
  const ref = useRef();
  useEffect(() => { ref.current.focus({ preventScroll: true }); }, [title]);
  return html`<div class="page-header">
    <h1 tabindex="-1" ref=${ref}>${title}</h1>
    ${children && html`<div class="page-actions">${children}</div>`}
  </div>`;
}

export function Alert({ kind = 'error', children }) {
  if (!children) return null;
  return html`<div class=${`alert alert-${kind}`} role=${kind === 'error' ? 'alert' : 'status'}>${children}</div>`;
}

export function Loading({ what }) {
  return html`<p class="loading" role="status"><span class="spinner" aria-hidden="true"></span>Loading ${what}…</p>`;
}

// loading / error / content of a useGet
export function Loaded({ get, what, children }) {
  if (get.error) return html`<${Alert}>Could not load ${what}: ${get.error.message}
    <button type="button" class="button small" onClick=${get.reload}>Try again</button><//>`;
  if (get.data === undefined) return html`<${Loading} what=${what} />`;
  return children(get.data);
}

// a table that scrolls sideways on narrow screens (focusable, so keyboards can scroll it)
export function TableWrap({ label: name, children }) {
  return html`<div class="table-wrap" role="region" aria-label=${name} tabindex="0"><table class="table">${children}</table></div>`;
}

export function Empty({ children }) {
  return html`<p class="empty">${children}</p>`;
}

// Previous / Next over offset; hasNext from a total or from an extra row fetched
export function Pager({ offset, limit, hasNext, onChange, shown, total }) {
  if (!offset && !hasNext) return null;
  const range = shown ? `${offset + 1}–${offset + shown}${total != null ? ` of ${total}` : ''}` : '';
  return html`<nav class="pager" aria-label="Pages">
    <button type="button" class="button" disabled=${!offset} onClick=${() => onChange(Math.max(0, offset - limit))}>Previous</button>
    <span class="muted">${range}</span>
    <button type="button" class="button" disabled=${!hasNext} onClick=${() => onChange(offset + limit)}>Next</button>
  </nav>`;
}

// a labelled control with its hint and its error (aria-invalid, aria-describedby)
export function Field({ id, label: text, error, hint, children }) {
  const described = [hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(' ') || undefined;
  return html`<div class=${`field${error ? ' has-error' : ''}`}>
    <label for=${id}>${text}</label>
    ${children({ id, 'aria-invalid': error ? 'true' : undefined, 'aria-describedby': described })}
    ${hint && html`<p class="hint" id=${`${id}-hint`}>${hint}</p>`}
    ${error && html`<p class="field-error" id=${`${id}-error`}>${error}</p>`}
  </div>`;
}

// a modal <dialog> asking to confirm; onConfirm may throw to show an error
export function ConfirmDialog({ title, children, confirmLabel, onConfirm, onClose }) {
  const ref = useRef();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  useEffect(() => { ref.current.showModal(); }, []);
  const confirm = async () => {
    setBusy(true);
    setError(null);
    try { await onConfirm(); onClose(); } catch (e) { setError(e.message); setBusy(false); }
  };
  return html`<dialog ref=${ref} class="dialog" aria-labelledby="confirm-title" onClose=${onClose}>
    <h2 id="confirm-title">${title}</h2>
    <div class="dialog-body">${children}</div>
    <${Alert}>${error}<//>
    <div class="dialog-actions">
      <button type="button" class="button" onClick=${() => ref.current.close()}>Cancel</button>
      <button type="button" class="button danger" disabled=${busy} onClick=${confirm}>${confirmLabel}</button>
    </div>
  </dialog>`;
}

// the message of an API error for a conflict (409) or anything else
export const errorText = (e, conflict) => (e.status === 409 && conflict ? conflict : e.message);

// a message for the next page (e.g. "Product saved" on the list after the editor)
export function leaveNotice(text) { sessionStorage.setItem('notice', text); }
export function takeNotice() {
  const text = sessionStorage.getItem('notice');
  sessionStorage.removeItem('notice');
  return text;
}
