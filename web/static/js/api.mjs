// The one client of the JSON API for every page script (admin pages and live pages): same-origin
// `fetch` with the sign-in cookie (the server checks that changes come from this site), and the
// server's `{"error": {code, message}}` bodies turned into `ApiError`s with the server's code.

/** An error answer of the API (status 0 and code `network` when the server was not reached). */
export class ApiError extends Error {
  constructor(status, code, message, retryAfter = null) {
    super(message);
    this.status = status;
    this.code = code;
    /** Seconds until trying again makes sense (the answer's `Retry-After`), or null. */
    this.retryAfter = retryAfter;
  }
}

/**
 * Calls the API; resolves with the JSON body (or null), rejects with an `ApiError`.
 * `body` is sent as JSON, or as it is when it is a `Blob` (a picture upload).
 */
export async function api(method, path, body) {
  const init = { method, credentials: 'same-origin', headers: { Accept: 'application/json' } };
  if (body !== undefined) {
    if (body instanceof Blob) {
      init.headers['Content-Type'] = body.type || 'application/octet-stream';
      init.body = body;
    } else {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch (e) {
    throw new ApiError(0, 'network', String((e && e.message) || e));
  }
  let data = null;
  if ((res.headers.get('Content-Type') || '').includes('application/json')) {
    try {
      data = await res.json();
    } catch {
      data = null;
    }
  }
  if (!res.ok) {
    const err = (data && data.error) || {};
    const wait = Number.parseInt(res.headers.get('Retry-After') || '', 10);
    throw new ApiError(res.status, err.code || `http_${res.status}`, err.message || res.statusText, Number.isFinite(wait) ? wait : null);
  }
  return data;
}

/**
 * `api` for pages that only make sense signed in (the admin pages): a 401 (never signed in, or
 * the sign-in expired) also sends the page to the sign-in page, coming back here afterwards.
 */
export async function apiSignedIn(method, path, body) {
  try {
    return await api(method, path, body);
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) location.assign(signInUrl());
    throw e;
  }
}

/** The page's path and query, for coming back after signing in. */
export function here() {
  return location.pathname + location.search;
}

/** The sign-in page, coming back to `next` (default: this page). */
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
