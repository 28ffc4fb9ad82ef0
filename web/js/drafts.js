// drafts: what the citizen (or caseworker) is writing and has not sent yet.
// Kept in memory and mirrored to sessionStorage on every keystroke, so it
// survives an expired session, a conflict, a dropped connection and the
// round trip to the login page – but never the tab: no localStorage, never
// in a URL. A draft is removed only once the server has taken it.

import { storageKey } from './site.js';

const TEXT_FIELDS = ['text', 'title', 'description', 'reason', 'place', 'agenda'];
let cache = null;

// Read on first use, so that the site has said which key is its own.
function mem() {
  if (!cache) cache = load();
  return cache;
}

function load() {
  try {
    const v = JSON.parse(sessionStorage.getItem(storageKey('drafts')) || '{}');
    return v && typeof v === 'object' ? v : {};
  } catch {
    return {};
  }
}

function persist() {
  try {
    if (Object.keys(mem()).length) sessionStorage.setItem(storageKey('drafts'), JSON.stringify(mem()));
    else sessionStorage.removeItem(storageKey('drafts'));
  } catch {
    /* storage full or off: the memory copy still holds it */
  }
}

/** The draft under key ("dream:new", "dream:7", "proposal", "reject:12"), or undefined. */
export function get(key) {
  return mem()[key];
}

export function has(key) {
  return Object.prototype.hasOwnProperty.call(mem(), key);
}

export function set(key, value) {
  mem()[key] = value;
  persist();
}

/** Merges fields into the draft under key. */
export function update(key, fields) {
  mem()[key] = { ...(mem()[key] || {}), ...fields };
  persist();
}

export function remove(key) {
  if (!has(key)) return;
  delete mem()[key];
  persist();
}

/** The keys of all drafts that hold text the citizen wrote (a draft with
 * a base, the text it started from, counts once it differs from it). */
export function pending() {
  return Object.keys(mem()).filter((k) => {
    const v = mem()[k];
    if (!v || (typeof v.base === 'string' && v.text === v.base)) return false; // opened, not changed
    return TEXT_FIELDS.some((f) => typeof v[f] === 'string' && v[f].trim() !== '');
  });
}

/** A new key for a draft that is sent (32 hex digits): kept with the
 * draft, so that sending it again after a lost answer names the same
 * thing and the server stores it once. */
export function newKey() {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

/** Forgets every draft (on an explicit log-out). */
export function clear() {
  cache = {};
  persist();
}
