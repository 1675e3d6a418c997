// The API client: same origin, session cookie, the CSRF token on every write.
let csrf = null;
export const session = { user: null, scope: null };

export class ApiError extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

async function call(method, path, body) {
  const headers = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrf) headers['x-csrf-token'] = csrf;
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
  if (res.status === 204) return null;
  const data = await res.json().catch(() => ({}));
  if (!res.ok) {
    if (res.status === 401 && path !== '/api/v1/session') location.hash = '#/login';
    throw new ApiError(res.status, data.error ?? `HTTP ${res.status}`);
  }
  return data;
}

export const get = (path, params) => {
  const q = params ? new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined && v !== '' && v !== null)).toString() : '';
  return call('GET', q ? `${path}?${q}` : path);
};
export const post = (path, body) => call('POST', path, body ?? {});
export const del = (path) => call('DELETE', path);

export async function restore() {
  try {
    const s = await call('GET', '/api/v1/session');
    if (!s.user) return false;
    Object.assign(session, { user: s.user, scope: s.scope });
    csrf = s.csrf;
    return true;
  } catch { return false; }
}

export async function login(user, password) {
  const s = await call('POST', '/api/v1/session', { user, password });
  Object.assign(session, { user: s.user, scope: s.scope });
  csrf = s.csrf;
}

export async function logout() {
  await call('DELETE', '/api/v1/session').catch(() => null);
  session.user = null;
  csrf = null;
}
