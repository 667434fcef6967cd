// The bearer token. Two ways in (docs/operations.md, "The web console"):
// pasted on the sign-in form and kept in this tab's sessionStorage (gone
// when the tab closes, never sent anywhere but the gateway's /v1/ API), or
// none at all, when a single-sign-on proxy in front of the gateway adds the
// `authorization` header to every request itself.

const KEY = 'csm.console.token';

export function token() {
  return sessionStorage.getItem(KEY) || '';
}

export function setToken(value) {
  const t = value.trim().replace(/^bearer\s+/i, '');
  if (t) sessionStorage.setItem(KEY, t);
  else sessionStorage.removeItem(KEY);
}

export function signOut() {
  sessionStorage.removeItem(KEY);
}

// The claims of a JWT, read without checking the signature: only to show
// who is signed in and word messages (the services verify every call).
// null when the text is not a JWT.
export function claims(jwt = token()) {
  const parts = jwt.split('.');
  if (parts.length !== 3) return null;
  try {
    const b64 = parts[1].replace(/-/g, '+').replace(/_/g, '/');
    const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
    const c = JSON.parse(new TextDecoder().decode(bytes));
    return c && typeof c === 'object' ? c : null;
  } catch {
    return null;
  }
}

export function expired(c, now = Date.now()) {
  return !!c && typeof c.exp === 'number' && c.exp * 1000 <= now;
}

export function roles(c = claims()) {
  return c && Array.isArray(c.roles) ? c.roles : [];
}

// Whether the caller may look beyond their own lists (teams, colleagues);
// unknown (single sign-on, no token in the page): let the API decide.
export function mayOversee(c = claims()) {
  if (!c) return true;
  return roles(c).some(r => ['supervisor', 'manager', 'general_manager', 'archivist'].includes(r));
}
