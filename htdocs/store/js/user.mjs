// user.mjs: who is signed in (GET /api/auth/me, asked once per page), signing
// out, and the sign-in page's address that comes back to this one.
import { useEffect, useState } from 'preact/hooks';
import { api } from './api.mjs';

let asked;
const ask = () => (asked ||= api('/auth/me').catch(() => null));

// undefined while asking, then the user or null
export function useUser() {
  const [user, setUser] = useState(undefined);
  useEffect(() => { ask().then(setUser); }, []);
  return user;
}

export async function signOut() {
  await api('/auth/sign-out', { method: 'POST' }).catch(() => {});
  location.assign('/');
}

export const signInURL = (next = location.pathname + location.search) =>
  '/sign-in.html?next=' + encodeURIComponent(next);

// where to go after signing in: a path on this site only
export function nextPath() {
  const next = new URLSearchParams(location.search).get('next') || '/';
  return next.startsWith('/') && !next.startsWith('//') ? next : '/';
}
