// account.mjs: signing in and signing up (sign-in.html, sign-up.html, picked by
// the page's data-form), with mod_shop_auth's rules checked before sending and
// its field errors shown on the fields; then back to the page that asked.
import { useState } from 'preact/hooks';
import { api } from './api.mjs';
import { useForm } from './forms.mjs';
import { nextPath } from './user.mjs';
import { html, mount, Field } from './ui.mjs';

const FORMS = {
  'sign-in': {
    title: 'Sign in', button: 'Sign in', path: '/auth/sign-in',
    fields: {
      email: { label: 'Email or username', rules: ['required'], autocomplete: 'username' },
      password: { label: 'Password', rules: ['required'], raw: true, type: 'password', autocomplete: 'current-password' },
    },
    other: ['New here?', '/sign-up.html', 'Create an account'],
  },
  'sign-up': {
    title: 'Create your account', button: 'Create account', path: '/auth/sign-up',
    fields: {
      email: { label: 'Email', rules: ['required', 'email'], type: 'email', autocomplete: 'email' },
      username: { label: 'Username', rules: ['required', 'name', 'username'], autocomplete: 'username' },
      firstName: { label: 'First name', rules: ['required', 'name'], autocomplete: 'given-name' },
      lastName: { label: 'Last name', rules: ['required', 'name'], autocomplete: 'family-name' },
      password: { label: 'Password', rules: ['required', 'password'], raw: true, type: 'password',
                  autocomplete: 'new-password', hint: 'At least 8 characters' },
    },
    other: ['Already have an account?', '/sign-in.html', 'Sign in'],
  },
};

function Account() {
  const spec = FORMS[document.body.dataset.form];
  const form = useForm(spec.fields);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState('');
  const keep = location.search;

  const submit = async (e) => {
    e.preventDefault();
    setProblem('');
    if (!form.check()) return;
    setBusy(true);
    try {
      await api(spec.path, { method: 'POST', json: form.cleaned() });
      location.assign(nextPath());
    } catch (err) {
      setBusy(false);
      const fields = err.field ? { [err.field]: 'is already in use' } : err.fields;
      if (!form.serverErrors(fields)) setProblem(err.message);
    }
  };

  return html`<section class="auth box">
    <h1>${spec.title}</h1>
    <form onSubmit=${submit} noValidate>
      ${Object.entries(spec.fields).map(([name, f]) => html`<${Field} key=${name} ...${form.field(name)}
        type=${f.type || 'text'} autocomplete=${f.autocomplete} hint=${f.hint}/>`)}
      ${problem && html`<p class="notice error" role="alert">${problem}</p>`}
      <button class="button big wide" type="submit" disabled=${busy}>${busy ? 'Please wait…' : spec.button}</button>
    </form>
    <p class="muted center">${spec.other[0]} <a href=${spec.other[1] + keep}>${spec.other[2]}</a></p>
  </section>`;
}

mount(Account);
