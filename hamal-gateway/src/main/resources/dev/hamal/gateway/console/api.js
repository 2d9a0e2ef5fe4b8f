// The gateway's API as the console uses it: the key kept in sessionStorage (gone when the tab
// closes), sent as a bearer token with every call; a 401 sends the user back to sign-in.

const STORAGE = 'hamal.console.key';

/** The key's shape: hamal_<16 hex digits>_<secret>. */
export const KEY_PATTERN = /^hamal_[0-9a-f]{16}_\S+$/;

/** A refusal or failure of a call: the HTTP status (0: no answer) and the problem's detail. */
export class ApiError extends Error {
  constructor(status, message, problem) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem || null;
  }
}

let unauthorized = () => {};

/** What to do when the stored key stops being accepted (called with the gateway's detail). */
export function onUnauthorized(handler) {
  unauthorized = handler;
}

export const session = {
  key() {
    try {
      return sessionStorage.getItem(STORAGE);
    } catch (e) {
      return null;
    }
  },
  keep(key) {
    sessionStorage.setItem(STORAGE, key);
  },
  forget() {
    try {
      sessionStorage.removeItem(STORAGE);
    } catch (e) {
      // storage disabled: nothing was kept
    }
  },
};

/** Query parameters from an object; arrays repeat the parameter, empty values are left out. */
export function query(params) {
  const q = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    for (const v of Array.isArray(value) ? value : [value]) {
      if (v !== undefined && v !== null && String(v) !== '') q.append(name, String(v));
    }
  }
  const text = q.toString();
  return text ? `?${text}` : '';
}

async function problemOf(response) {
  try {
    const body = await response.json();
    return body && typeof body === 'object' ? body : {};
  } catch (e) {
    return {};
  }
}

/** Turns an answer that is not 2xx into an ApiError (and a 401 into a trip to sign-in). */
export async function refusal(response, signIn) {
  const problem = await problemOf(response);
  const detail = problem.detail || `${response.status} ${response.statusText}`.trim();
  if (response.status === 401 && !signIn) unauthorized(detail);
  return new ApiError(response.status, detail, problem);
}

/** Headers of a call with the session's key (or a key being tried). */
export function authorization(key) {
  return {Authorization: `Bearer ${key || session.key() || ''}`};
}

/**
 * Calls the API: api('/v1/orders' + query({...}), {method, body, signal, key}). Answers the parsed
 * JSON body (null for 204); throws ApiError for refusals and failures, AbortError when aborted.
 * With `key` (signing in) a 401 is only thrown, not treated as the session ending.
 */
export async function api(path, options = {}) {
  const headers = {Accept: 'application/json', ...authorization(options.key)};
  const init = {method: options.method || 'GET', headers, signal: options.signal, cache: 'no-store', credentials: 'omit'};
  if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(options.body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, 'the gateway cannot be reached; check the network and retry');
  }
  if (!response.ok) throw await refusal(response, Boolean(options.key));
  if (response.status === 204) return null;
  try {
    return await response.json();
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(response.status, 'the gateway answered something that is not JSON');
  }
}
