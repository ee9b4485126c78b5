// categories.js: the categories: list, create (name and slug), rename, and
// delete, with the plain-words reason when a category still has products
import { useState } from 'preact/hooks';
import { api } from './api.js';
import { html, TableWrap, useGet, Loaded, PageHeader, Alert, Empty, Field, ConfirmDialog, errorText } from './ui.js';

const slugOf = (name) => name.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
const fieldErrors = (e) => (e.status === 400 && e.body.fields) || {};

function CreateForm({ onCreated }) {
  const [name, setName] = useState('');
  const [slug, setSlug] = useState(null);
  const [error, setError] = useState(null);
  const submit = async (e) => {
    e.preventDefault();
    try {
      const created = await api('POST', '/categories', { json: { name: name.trim(), slug: slug ?? slugOf(name) } });
      setName(''); setSlug(null); setError(null);
      onCreated(created);
    } catch (err) { setError(err); }
  };
  const fields = error ? fieldErrors(error) : {};
  return html`<form class="card" onSubmit=${submit} aria-labelledby="new-category">
    <h2 id="new-category">New category</h2>
    <${Alert}>${error && errorText(error, 'A category with this slug already exists: choose another slug.')}<//>
    <div class="grid-2">
      <${Field} id="category-name" label="Name" error=${fields.name}>${(a) => html`<input ...${a} value=${name} onInput=${(e) => setName(e.target.value)} required />`}<//>
      <${Field} id="category-slug" label="Slug" hint="Lower-case letters, digits and dashes; used in the store's addresses." error=${fields.slug}>${(a) => html`<input ...${a} value=${slug ?? slugOf(name)} onInput=${(e) => setSlug(e.target.value)} required />`}<//>
    </div>
    <div class="form-actions"><button class="button primary">Create category</button></div>
  </form>`;
}

function RenameDialog({ category, onDone, onClose }) {
  const [name, setName] = useState(category.name);
  const [error, setError] = useState(null);
  const submit = async (e) => {
    e.preventDefault();
    try {
      await api('PUT', `/categories/${category.id}`, { json: { name: name.trim() } });
      onDone();
      onClose();
    } catch (err) { setError(err); }
  };
  return html`<dialog class="dialog" aria-labelledby="rename-title" ref=${(d) => d && !d.open && d.showModal()} onClose=${onClose}>
    <form onSubmit=${submit}>
      <h2 id="rename-title">Rename ${category.name}</h2>
      <${Field} id="rename-name" label="New name" error=${error && (fieldErrors(error).name || error.message)}>${(a) => html`<input ...${a} value=${name} onInput=${(e) => setName(e.target.value)} required />`}<//>
      <div class="dialog-actions">
        <button type="button" class="button" onClick=${onClose}>Cancel</button>
        <button class="button primary">Save name</button>
      </div>
    </form>
  </dialog>`;
}

export function Categories() {
  const get = useGet('/categories');
  const [notice, setNotice] = useState(null);
  const [renaming, setRenaming] = useState(null);
  const [deleting, setDeleting] = useState(null);
  return html`
    <${PageHeader} title="Categories" />
    <${Alert} kind="success">${notice}<//>
    <${CreateForm} onCreated=${(c) => { setNotice(`The category “${c.name}” was created.`); get.reload(); }} />
    <section class="card" aria-labelledby="category-list">
      <h2 id="category-list">All categories</h2>
      <${Loaded} get=${get} what="the categories">${(rows) => (rows.length ? html`<${TableWrap} label="Categories table">
        <thead><tr><th scope="col">Name</th><th scope="col">Slug</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
        <tbody>${rows.map((c) => html`<tr key=${c.id}>
          <td>${c.name}</td><td><code>${c.slug}</code></td>
          <td class="actions">
            <button type="button" class="button small" aria-label=${`Rename ${c.name}`} onClick=${() => setRenaming(c)}>Rename</button>
            <button type="button" class="button small danger-outline" aria-label=${`Delete ${c.name}`} onClick=${() => setDeleting(c)}>Delete</button>
          </td>
        </tr>`)}</tbody>
      <//>` : html`<${Empty}>No categories yet.<//>`)}<//>
    </section>
    ${renaming && html`<${RenameDialog} category=${renaming} onClose=${() => setRenaming(null)}
      onDone=${() => { setNotice('The category was renamed.'); get.reload(); }} />`}
    ${deleting && html`<${ConfirmDialog} title="Delete this category?" confirmLabel="Delete category"
      onClose=${() => setDeleting(null)}
      onConfirm=${async () => {
        try { await api('DELETE', `/categories/${deleting.id}`); } catch (e) {
          throw new Error(errorText(e, `“${deleting.name}” still has products, so it cannot be deleted. Move its products to another category or delete them first.`));
        }
        setNotice(`The category “${deleting.name}” was deleted.`);
        get.reload();
      }}>
      <p>The category <strong>${deleting.name}</strong> will be deleted.</p>
    <//>`}`;
}
