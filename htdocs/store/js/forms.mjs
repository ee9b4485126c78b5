// forms.mjs: form state and the rules the services apply, mirrored so that the
// customer sees a message next to the field before anything is sent: the
// shipping form (mod_shop_payment/payment_sessions.c) and the account forms
// (mod_shop_auth/auth_users.c). The server's 400 field errors land the same way.
import { useState } from 'preact/hooks';

// shop_is_email (common/shop_parse.c)
export function isEmail(s) {
  const at = s.indexOf('@');
  return at > 0 && at === s.lastIndexOf('@') && at <= 64 && s.length <= 254
    && s.indexOf('.', at + 1) > 0 && s[at + 1] !== '.' && !s.endsWith('.')
    && !/[\x00-\x20\x7f]/.test(s);
}

const bytes = (s) => new TextEncoder().encode(s).length;
const chars = (s) => [...s].length;

// each rule: (value) => message or null; the label starts the message
const rules = {
  required: (v) => (v ? null : 'is required'),
  text200: (v) => (bytes(v) > 200 ? 'is too long' : null),
  email: (v) => (isEmail(v) ? null : 'must be a valid email address'),
  phone: (v) => (/^[0-9]{7,10}$/.test(v) ? null : 'must be 7 to 10 digits'),
  name: (v) => (chars(v) < 2 || chars(v) > 50 ? 'must be 2 to 50 characters' : null),
  username: (v) => (/^[A-Za-z0-9._-]*$/.test(v) ? null : "may hold letters, digits, '.', '_' and '-' only"),
  password: (v) => (chars(v) < 8 ? 'must be at least 8 characters'
    : chars(v) > 256 ? 'must be at most 256 characters' : null),
};

// fields: {name: {label, rules: ['required', ...], raw: true when not trimmed}}
export function useForm(fields, initial = {}) {
  const [values, setValues] = useState(() =>
    Object.fromEntries(Object.keys(fields).map((k) => [k, initial[k] || ''])));
  const [errors, setErrors] = useState({});

  // passwords are taken as typed, the rest without surrounding spaces
  const clean = (name) => (fields[name].raw ? values[name] : values[name].trim());
  const messageOf = (name, v) => {
    for (const r of fields[name].rules) {
      const why = rules[r](v);
      if (why) return `${fields[name].label} ${why}`;
    }
    return null;
  };
  const set = (name, value) => setValues((old) => ({ ...old, [name]: value }));
  return {
    values,
    errors,
    set,
    // the props of a Field for this name
    field: (name) => ({
      name, label: fields[name].label, value: values[name], error: errors[name],
      onInput: (e) => set(name, e.currentTarget.value),
    }),
    // true when every field passes; the messages shown otherwise
    check() {
      const found = {};
      for (const name of Object.keys(fields)) {
        const why = messageOf(name, clean(name));
        if (why) found[name] = why;
      }
      setErrors(found);
      focusFirstInvalid(found);
      return Object.keys(found).length === 0;
    },
    // the server's {fields: {"prefix.name": "why"}} on the fields; true if any matched
    serverErrors(fieldErrors, prefix = '') {
      const found = {};
      for (const [k, why] of Object.entries(fieldErrors || {})) {
        const name = k.startsWith(prefix) ? k.slice(prefix.length) : k;
        if (fields[name]) found[name] = `${fields[name].label} ${why}`;
      }
      setErrors(found);
      focusFirstInvalid(found);
      return Object.keys(found).length > 0;
    },
    cleaned: () => Object.fromEntries(Object.keys(fields).map((k) => [k, clean(k)])),
  };
}

function focusFirstInvalid(found) {
  const first = Object.keys(found)[0];
  if (first) requestAnimationFrame(() => document.getElementById(`f-${first}`)?.focus());
}
