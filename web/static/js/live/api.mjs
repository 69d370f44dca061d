// The JSON API as seen from the live pages: same-origin fetches with the session cookie, and
// the `{"error": {code, message}}` bodies of the server turned into `ApiError`s.

/** An error answer of the API. */
export class ApiError extends Error {
  constructor(status, code, message, retryAfter = null) {
    super(message);
    this.status = status;
    this.code = code;
    /** Seconds until trying again makes sense (the answer's `Retry-After`), or null. */
    this.retryAfter = retryAfter;
  }
}

/** Calls the API; resolves with the JSON body, or rejects with an `ApiError`. */
export async function api(method, path, body) {
  const init = {
    method,
    credentials: 'same-origin',
    headers: { Accept: 'application/json' },
  };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch (e) {
    throw new ApiError(0, 'network', String(e && e.message ? e.message : e));
  }
  let data = null;
  const type = res.headers.get('Content-Type') || '';
  if (type.includes('application/json')) {
    try {
      data = await res.json();
    } catch {
      data = null;
    }
  }
  if (!res.ok) {
    const err = data && data.error ? data.error : {};
    const wait = Number.parseInt(res.headers.get('Retry-After') || '', 10);
    throw new ApiError(res.status, err.code || `http_${res.status}`, err.message || res.statusText, Number.isFinite(wait) ? wait : null);
  }
  return data;
}

/** The page's path and query, for coming back after signing in. */
export function here() {
  return location.pathname + location.search;
}

/** The framework's sign-in page, coming back to `next` (default: this page). */
export function signInUrl(next = here()) {
  return `/signin?next=${encodeURIComponent(next)}`;
}

/** `GET /api/me`, or null when not signed in. */
export async function me() {
  try {
    return await api('GET', '/api/me');
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return null;
    throw e;
  }
}

/** The ICE servers for a session: the server's list where it has one, else none (host candidates). */
export async function iceServers(sessionId) {
  try {
    const data = await api('GET', `/api/sessions/${encodeURIComponent(sessionId)}/ice-servers`);
    const list = Array.isArray(data) ? data : data && Array.isArray(data.ice_servers) ? data.ice_servers : [];
    // Absent TURN credentials come as null; the browser would take null for the text "null".
    return list
      .filter((s) => s && s.urls)
      .map((s) => {
        const out = { urls: s.urls };
        if (typeof s.username === 'string') out.username = s.username;
        if (typeof s.credential === 'string') out.credential = s.credential;
        return out;
      });
  } catch {
    return [];
  }
}
