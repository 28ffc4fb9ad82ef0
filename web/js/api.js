// api: the JSON API over fetch, for both sites (the citizen API and the
// admin API). Every unsafe call carries the CSRF token that the login left
// in sessionStorage (under this site's key); every failure becomes an
// ApiError whose kind says what the person should be told.

import { site, storageKey } from './site.js';

const TIMEOUT_MS = 20000;

/**
 * kind:
 *   'auth'     401, or 403 for a missing/invalid CSRF token: log in again
 *   'stale'    412: the plan changed (If-Match)
 *   'conflict' 409: the change no longer fits the plan
 *   'gone'     404
 *   'invalid'  400, 413, 415: the input was refused
 *   'busy'     429, 503
 *   'server'   any other 5xx or an unreadable answer
 *   'network'  no answer at all (offline, dropped, timed out)
 */
export class ApiError extends Error {
  constructor(kind, status, code, message) {
    super(message || kind);
    this.kind = kind;
    this.status = status;
    this.code = code || '';
  }
}

export function csrfToken() {
  try {
    return sessionStorage.getItem(storageKey('csrf')) || '';
  } catch {
    return '';
  }
}

/**
 * Moves the CSRF token that the login's callback page left in a
 * short-lived cookie (site.csrfCookies) into this tab's sessionStorage,
 * and deletes the cookie, so that it lives on in this tab only. Called once
 * at start-up, before the first API call. True when a token was taken.
 */
export function takeCsrfHandoff() {
  let token = '';
  for (const pair of document.cookie ? document.cookie.split('; ') : []) {
    const eq = pair.indexOf('=');
    const name = pair.slice(0, eq);
    if (eq < 1 || !site.csrfCookies.includes(name)) continue;
    if (!token) token = pair.slice(eq + 1);
    // Secure as the cookie was set: a page cannot otherwise touch it.
    document.cookie = `${name}=; Max-Age=0; Path=${site.cookiePath}; SameSite=Strict; Secure`;
  }
  if (!token) return false;
  try {
    sessionStorage.setItem(storageKey('csrf'), token);
  } catch {
    return false;
  }
  return true;
}

export function forgetSession() {
  try {
    sessionStorage.removeItem(storageKey('csrf'));
  } catch {
    /* nothing kept */
  }
}

function kindOf(status, code) {
  if (status === 401) return 'auth';
  if (status === 403 && /^csrf/.test(code)) return 'auth';
  if (status === 403 && code === 'consent_required') return 'consent';
  if (status === 409 && code === 'plan_frozen') return 'frozen';
  if (status === 409 && code === 'course_ended') return 'ended';
  if (status === 412) return 'stale';
  if (status === 409) return 'conflict';
  if (status === 404) return 'gone';
  if (status === 400 || status === 413 || status === 415 || status === 422) return 'invalid';
  if (status === 429 || status === 503) return 'busy';
  return 'server';
}

/**
 * One call. opts.json: a body to send; opts.ifMatch: the plan's ETag.
 * Resolves to { status, etag, data } for 2xx; rejects with an ApiError.
 */
export async function call(method, path, opts = {}) {
  const headers = { Accept: 'application/json' };
  const init = { method, headers, credentials: 'same-origin', cache: 'no-store', redirect: 'error' };
  if (opts.json !== undefined) {
    headers['Content-Type'] = 'application/json; charset=utf-8';
    init.body = JSON.stringify(opts.json);
  }
  if (method !== 'GET' && method !== 'HEAD') {
    const token = csrfToken();
    if (token) headers['X-CSRF-Token'] = token;
  }
  if (opts.ifMatch) headers['If-Match'] = opts.ifMatch;

  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), TIMEOUT_MS);
  init.signal = ctrl.signal;
  let res;
  try {
    res = await fetch(path, init);
  } catch (err) {
    throw new ApiError('network', 0, '', err && err.message);
  } finally {
    clearTimeout(timer);
  }

  let data = null;
  let text = '';
  try {
    text = await res.text();
  } catch (err) {
    throw new ApiError('network', res.status, '', err && err.message);
  }
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (res.ok) {
    if (text && data === null) throw new ApiError('server', res.status, 'bad_json', 'unreadable answer');
    return { status: res.status, etag: res.headers.get('ETag') || '', data };
  }
  const err = (data && data.error) || {};
  throw new ApiError(kindOf(res.status, err.code || ''), res.status, err.code, err.message);
}

export const get = (path) => call('GET', path);
export const post = (path, json, opts = {}) => call('POST', path, { ...opts, json });
export const put = (path, json, opts = {}) => call('PUT', path, { ...opts, json });
export const patch = (path, json, opts = {}) => call('PATCH', path, { ...opts, json });
export const del = (path, opts = {}) => call('DELETE', path, opts);

/**
 * A paged list's path with ?limit= and ?before= (the "next" cursor of the
 * page before); either may be left out.
 */
export function pagePath(path, { limit, before } = {}) {
  const q = [];
  if (limit != null) q.push(`limit=${encodeURIComponent(limit)}`);
  if (before != null) q.push(`before=${encodeURIComponent(before)}`);
  if (!q.length) return path;
  return `${path}${path.includes('?') ? '&' : '?'}${q.join('&')}`;
}

/**
 * Every row of a paged list, for lists a page works on as a whole (the
 * caseload, the approval queue): GET path page by page, 500 rows at a
 * time, collecting data[key] until "next" is null.
 */
export async function getAll(path, key) {
  const rows = [];
  let before = null;
  do {
    const { data } = await get(pagePath(path, { limit: 500, before }));
    rows.push(...((data && data[key]) || []));
    before = data && data.next;
  } while (before != null);
  return rows;
}
