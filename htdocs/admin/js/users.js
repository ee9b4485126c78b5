// users.js: the accounts: a paged list with the total, one user's details with a
// role change, a new user (POST /users), and delete after a confirmation
import { useState } from 'preact/hooks';
import { api, query } from './api.js';
import { html, TableWrap, useGet, Loaded, PageHeader, Pager, Alert, Empty, Field, ConfirmDialog, formatDate, leaveNotice, takeNotice } from './ui.js';

const LIMIT = 20;
const NEW_FIELDS = [['email', 'Email', 'email'], ['username', 'Username', 'text'], ['firstName', 'First name', 'text'],
                    ['lastName', 'Last name', 'text'], ['password', 'Password', 'password']];

function RoleBadge({ role }) {
  return html`<span class=${`badge badge-role-${role}`}>${role}</span>`;
}

function NewUser({ onCreated }) {
  const [error, setError] = useState(null);
  const submit = async (e) => {
    e.preventDefault();
    const json = Object.fromEntries(new FormData(e.target));
    try {
      const user = await api('POST', '/users', { json });
      e.target.reset();
      setError(null);
      onCreated(user);
    } catch (err) { setError(err); }
  };
  const fields = (error && error.body.fields) || {};
  if (error && error.body.field) fields[error.body.field] = error.message;
  return html`<details class="card disclosure">
    <summary>New user</summary>
    <form onSubmit=${submit}>
      <${Alert}>${error && (error.status === 400 || error.status === 409 ? 'The user was not created: correct the fields marked below.' : error.message)}<//>
      <div class="grid-2">
        ${NEW_FIELDS.map(([name, text, type]) => html`<${Field} key=${name} id=${`new-${name}`} label=${text} error=${fields[name]}
          hint=${name === 'password' ? 'At least 8 characters.' : null}>${(a) => html`<input ...${a} name=${name} type=${type} autocomplete="off" required />`}<//>`)}
        <${Field} id="new-role" label="Role">${(a) => html`<select ...${a} name="role"><option value="user">user</option><option value="admin">admin</option></select>`}<//>
      </div>
      <div class="form-actions"><button class="button primary">Create user</button></div>
    </form>
  </details>`;
}

export function Users() {
  const [offset, setOffset] = useState(0);
  const [notice, setNotice] = useState(takeNotice);
  const get = useGet('/users' + query({ limit: LIMIT, offset }));
  return html`
    <${PageHeader} title="Users" />
    <${Alert} kind="success">${notice}<//>
    <${NewUser} onCreated=${(u) => { setNotice(`The user ${u.email} was created.`); get.reload(); }} />
    <section class="card" aria-labelledby="user-list">
      <h2 id="user-list">All users${get.data ? ` (${get.data.total})` : ''}</h2>
      <${Loaded} get=${get} what="the users">${({ users, total }) => (users.length ? html`<${TableWrap} label="Users table">
        <thead><tr><th scope="col">Email</th><th scope="col" class="hide-phone">Name</th><th scope="col">Role</th><th scope="col" class="hide-phone">Joined</th></tr></thead>
        <tbody>${users.map((u) => html`<tr key=${u.id}>
          <td><a href=${`#/users/${u.id}`}>${u.email}</a></td>
          <td class="hide-phone">${u.firstName} ${u.lastName}</td>
          <td><${RoleBadge} role=${u.role} /></td>
          <td class="hide-phone muted">${formatDate(u.createdAt)}</td>
        </tr>`)}</tbody>
      <//>
      <${Pager} offset=${offset} limit=${LIMIT} hasNext=${offset + users.length < total} shown=${users.length} total=${total} onChange=${setOffset} />`
        : html`<${Empty}>No users.<//>`)}<//>
    </section>`;
}

export function UserDetail({ id }) {
  const get = useGet(`/users/${id}`);
  const [role, setRole] = useState(null);
  const [message, setMessage] = useState(null);
  const [deleting, setDeleting] = useState(false);
  const saveRole = async (e) => {
    e.preventDefault();
    try {
      await api('PUT', `/users/${id}`, { json: { role } });
      setMessage({ kind: 'success', text: `The role is now ${role}. The user's current sessions end; they sign in again.` });
      get.reload();
    } catch (err) { setMessage({ kind: 'error', text: err.message }); }
  };
  return html`
    <${PageHeader} title="User"><a class="button" href="#/users">Back to users</a><//>
    <${Loaded} get=${get} what="the user">${(u) => html`
      <${Alert} kind=${message && message.kind}>${message && message.text}<//>
      <div class="card">
        <h2>${u.firstName} ${u.lastName} <${RoleBadge} role=${u.role} /></h2>
        <dl class="details">
          <dt>Email</dt><dd>${u.email}</dd>
          <dt>Username</dt><dd>${u.username}</dd>
          <dt>Joined</dt><dd>${formatDate(u.createdAt)}</dd>
          <dt>Updated</dt><dd>${formatDate(u.updatedAt)}</dd>
        </dl>
      </div>
      <form class="card inline-form" onSubmit=${saveRole} aria-labelledby="role-title">
        <h2 id="role-title">Role</h2>
        <${Field} id="role" label="Role">${(a) => html`<select ...${a} value=${role ?? u.role} onChange=${(e) => setRole(e.target.value)}>
          <option value="user">user</option><option value="admin">admin</option></select>`}<//>
        <button class="button primary" disabled=${!role || role === u.role}>Change role</button>
      </form>
      <div class="card danger-zone">
        <h2>Delete this user</h2>
        <p class="muted">The account and its sign-in end at once. Their orders stay.</p>
        <button type="button" class="button danger" onClick=${() => setDeleting(true)}>Delete user</button>
      </div>
      ${deleting && html`<${ConfirmDialog} title="Delete this user?" confirmLabel="Delete user" onClose=${() => setDeleting(false)}
        onConfirm=${async () => { await api('DELETE', `/users/${id}`); leaveNotice(`The user ${u.email} was deleted.`); location.hash = '#/users'; }}>
        <p><strong>${u.email}</strong> will be deleted. This cannot be undone.</p>
      <//>`}`}<//>`;
}
