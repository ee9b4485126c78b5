// product-editor.js: create or edit a product with the catalog's fields: name,
// short description (<= 60), description, price, category, sizes and colors from
// the allowed sets, and an uploaded image for each chosen color; the server's
// validation errors (fields, missingColors) are shown on their fields
import { useState } from 'preact/hooks';
import { api, ApiError } from './api.js';
import { html, useGet, Loaded, PageHeader, Alert, Field, leaveNotice } from './ui.js';

// the allowed sets of mod_shop_product/product_fields.c
const SIZES = ['xs', 's', 'm', 'l', 'xl', 'xxl', '34', '35', '36', '37', '38', '39', '40', '41',
               '42', '43', '44', '45', '46', '47', '48'];
const COLORS = ['blue', 'green', 'red', 'yellow', 'purple', 'orange', 'pink', 'brown', 'gray', 'black', 'white'];
const SHORT_MAX = 60;
const empty = { name: '', shortDescription: '', description: '', price: '', categorySlug: '', sizes: [], colors: [], images: {} };

function Choices({ id, legend, options, chosen, error, onChange }) {
  const toggle = (v) => onChange(chosen.includes(v) ? chosen.filter((c) => c !== v) : options.filter((o) => chosen.includes(o) || o === v));
  return html`<fieldset class=${`field choices${error ? ' has-error' : ''}`} aria-describedby=${error ? `${id}-error` : undefined}
      aria-invalid=${error ? 'true' : undefined}>
    <legend>${legend}</legend>
    <div class="chips">${options.map((o) => html`<label key=${o} class="chip">
      <input type="checkbox" name=${id} value=${o} checked=${chosen.includes(o)} onChange=${() => toggle(o)} />
      ${id === 'colors' && html`<span class="swatch" style=${`background:${o}`} aria-hidden="true"></span>`}${o}
    </label>`)}</div>
    ${error && html`<p class="field-error" id=${`${id}-error`}>${error}</p>`}
  </fieldset>`;
}

function ColorImage({ color, url, error, onUploaded }) {
  const [state, setState] = useState(null);
  const upload = async (e) => {
    const file = e.target.files[0];
    if (!file) return;
    setState({ busy: true });
    try {
      const { url: stored } = await api('POST', '/uploads', { body: file, type: file.type || 'application/octet-stream' });
      onUploaded(stored);
      setState(null);
    } catch (err) {
      setState({ error: err.status === 415 ? 'Choose a PNG, JPEG, WebP or GIF image.' : err.message });
    }
  };
  const id = `image-${color}`;
  const shown = (state && state.error) || error;
  return html`<div class=${`image-slot${shown ? ' has-error' : ''}`}>
    <div class="preview">${url ? html`<img src=${url} alt=${`Image for ${color}`} width="96" height="96" />`
                               : html`<span class="muted small">No image</span>`}</div>
    <div class="field">
      <label for=${id}>Image for ${color}</label>
      <input id=${id} type="file" accept="image/png,image/jpeg,image/webp,image/gif" onChange=${upload}
        aria-invalid=${shown ? 'true' : undefined} aria-describedby=${shown ? `${id}-error` : undefined} />
      ${state && state.busy && html`<p class="hint" role="status">Uploading…</p>`}
      ${shown && html`<p class="field-error" id=${`${id}-error`}>${shown}</p>`}
    </div>
  </div>`;
}

function Form({ product, categories }) {
  const [p, setP] = useState(product ? { ...product, price: String(product.price) } : empty);
  const [errors, setErrors] = useState({});
  const [missing, setMissing] = useState([]);
  const [message, setMessage] = useState(null);
  const [busy, setBusy] = useState(false);
  const set = (name) => (e) => setP({ ...p, [name]: e.target.value });
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    const images = Object.fromEntries(p.colors.filter((c) => p.images[c]).map((c) => [c, p.images[c]]));
    const body = { name: p.name.trim(), shortDescription: p.shortDescription.trim(), description: p.description.trim(),
                   price: Number(p.price), categorySlug: p.categorySlug, sizes: p.sizes, colors: p.colors, images };
    try {
      const saved = await api(product ? 'PUT' : 'POST', product ? `/products/${product.id}` : '/products', { json: body });
      leaveNotice(`“${saved.name}” was saved.`);
      location.hash = '#/products';
    } catch (err) {
      if (!(err instanceof ApiError) || err.status !== 400) { setMessage(err.message); setErrors({}); setMissing([]); }
      else {
        setErrors(err.body.fields || {});
        setMissing(err.body.missingColors || []);
        setMessage('The product was not saved: correct the fields marked below.');
      }
      setBusy(false);
      window.scrollTo(0, 0);
    }
  };
  const short = p.shortDescription.length;
  return html`<form class="card editor" onSubmit=${submit} novalidate>
    <${Alert}>${message}<//>
    <div class="grid-2">
      <${Field} id="name" label="Name" error=${errors.name}>${(a) => html`<input ...${a} value=${p.name} onInput=${set('name')} required />`}<//>
      <${Field} id="price" label="Price (USD)" error=${errors.price}>${(a) => html`<input ...${a} type="number" min="0.01" step="0.01" inputmode="decimal" value=${p.price} onInput=${set('price')} required />`}<//>
    </div>
    <${Field} id="shortDescription" label="Short description" error=${errors.shortDescription}
      hint=${`${short} of ${SHORT_MAX} characters`}>${(a) => html`<input ...${a} value=${p.shortDescription} onInput=${set('shortDescription')} required />`}<//>
    <${Field} id="description" label="Description" error=${errors.description}>${(a) => html`<textarea ...${a} rows="5" value=${p.description} onInput=${set('description')} required></textarea>`}<//>
    <${Field} id="categorySlug" label="Category" error=${errors.categorySlug}>${(a) => html`<select ...${a} value=${p.categorySlug} onChange=${set('categorySlug')} required>
      <option value="">Choose a category</option>
      ${categories.map((c) => html`<option key=${c.slug} value=${c.slug}>${c.name}</option>`)}
    </select>`}<//>
    <${Choices} id="sizes" legend="Sizes" options=${SIZES} chosen=${p.sizes} error=${errors.sizes} onChange=${(sizes) => setP({ ...p, sizes })} />
    <${Choices} id="colors" legend="Colors" options=${COLORS} chosen=${p.colors} error=${errors.colors} onChange=${(colors) => setP({ ...p, colors })} />
    <fieldset class="field">
      <legend>Images</legend>
      ${p.colors.length ? html`<div class="images">${p.colors.map((c) => html`<${ColorImage} key=${c} color=${c} url=${p.images[c]}
          error=${missing.includes(c) && !p.images[c] ? `The ${c} color needs an image.` : null}
          onUploaded=${(url) => setP((cur) => ({ ...cur, images: { ...cur.images, [c]: url } }))} />`)}</div>`
        : html`<p class="muted">Choose colors above: each color needs an image.</p>`}
      ${errors.images && !missing.length && html`<p class="field-error">${errors.images}</p>`}
    </fieldset>
    <div class="form-actions">
      <a class="button" href="#/products">Cancel</a>
      <button class="button primary" disabled=${busy}>${busy ? 'Saving…' : product ? 'Save changes' : 'Create product'}</button>
    </div>
  </form>`;
}

export function ProductEditor({ id }) {
  const categories = useGet('/categories');
  const product = useGet(id && `/products/${id}`);
  return html`
    <${PageHeader} title=${id ? 'Edit product' : 'New product'}><a class="button" href="#/products">Back to products</a><//>
    <${Loaded} get=${categories} what="the categories">${(cats) => html`
      <${Loaded} get=${product} what="the product">${(prod) => html`<${Form} product=${id ? prod : null} categories=${cats} />`}<//>`}<//>`;
}
