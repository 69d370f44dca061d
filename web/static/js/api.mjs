// The JSON API from page scripts: same-origin `fetch` with the sign-in cookie (the server checks
// that changes come from this site). Errors come back as `ApiError` with the server's code.

export class ApiError extends Error {
  constructor(status, code, message, retryAfter = null) {
    super(message);
    this.status = status;
    this.code = code;
    /** Seconds until trying again makes sense (the answer's `Retry-After`), or null. */
    this.retryAfter = retryAfter;
  }
}

/** Calls the API; resolves with the JSON body (or null), rejects with an `ApiError`. */
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
    if (res.status === 401) {
      location.assign(`/signin?next=${encodeURIComponent(location.pathname + location.search)}`);
    }
    const err = (data && data.error) || {};
    const wait = Number.parseInt(res.headers.get('Retry-After') || '', 10);
    throw new ApiError(res.status, err.code || `http_${res.status}`, err.message || res.statusText, Number.isFinite(wait) ? wait : null);
  }
  return data;
}
