// i18n: t(key, values) looks a text up in the current language. Each site
// keeps its texts in one place per language (the citizen portal in this
// folder, the caseworker pages in admin/js/i18n/) and hands them over with
// useTexts(): Danish is loaded with the page, English only when chosen. The
// choice is kept in sessionStorage (it ends with the tab), never in the URL,
// and holds for both sites.

import terms from './terms.js';

const LANG_KEY = 'kaptajn.lang';
let da = {};
let loaders = { da: async () => da };
let dict = da;

/** The site's texts: danish (the dictionary itself) and loadEnglish (a
 * function resolving to the English one), each over the shared terms.
 * Called once, before boot. */
export function useTexts(danish, loadEnglish) {
  da = { ...terms.da, ...danish };
  dict = da;
  loaders = { da: async () => da, en: async () => ({ ...terms.en, ...(await loadEnglish()) }) };
}

function lookup(d, key) {
  let v = d;
  for (const part of key.split('.')) {
    if (v == null || typeof v !== 'object') return undefined;
    v = v[part];
  }
  return v;
}

/** The text for key ("plan.heading"), its {placeholders} filled from
 * values; a function entry is called with values. Falls back to Danish,
 * then to the key itself (so a missing text shows, rather than breaks). */
export function t(key, values = {}) {
  let v = lookup(dict, key);
  if (v === undefined && dict !== da) v = lookup(da, key);
  if (v === undefined) return key;
  if (typeof v === 'function') return v(values);
  if (typeof v !== 'string') return v;
  return v.replace(/\{(\w+)\}/g, (m, name) => (name in values ? String(values[name]) : m));
}

/** True when key names a text in the current language (or Danish). */
export function has(key) {
  return lookup(dict, key) !== undefined || lookup(da, key) !== undefined;
}

export function lang() {
  return dict.lang;
}

export function locale() {
  return dict.locale;
}

/** The language chosen in this tab, or Danish. */
export function savedLang() {
  try {
    const v = sessionStorage.getItem(LANG_KEY);
    return v in loaders ? v : 'da';
  } catch {
    return 'da';
  }
}

/** Switches to code ('da' or 'en'); resolves when its texts are loaded. */
export async function setLang(code) {
  if (!(code in loaders)) code = 'da';
  dict = await loaders[code]();
  document.documentElement.lang = dict.lang;
  setTimeout(warmFormatters, 0);
  try {
    if (code === 'da') sessionStorage.removeItem(LANG_KEY);
    else sessionStorage.setItem(LANG_KEY, code);
  } catch {
    /* storage off: the choice lasts until reload */
  }
}

// Intl formatters, made once per language and options: making one costs
// far more than using it, and the first one of a page costs most (the
// browser loads its locale data: some 25 ms, about 100 ms on a slow
// phone). setLang() makes them in a task of their own while the page waits
// for its data, so that drawing the data is not one long task that keeps
// the page from answering a tap.
const formatters = new Map();
const DATE = { day: 'numeric', month: 'short', year: 'numeric' };
const DATE_UTC = { ...DATE, timeZone: 'UTC' };
const DATE_LONG = { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' };
const TIME = { hour: '2-digit', minute: '2-digit' };
const NUMBER = { maximumFractionDigits: 1 };

function formatter(kind, options) {
  const key = `${kind} ${dict.locale} ${JSON.stringify(options)}`;
  let f = formatters.get(key);
  if (f === undefined) {
    f = new Intl[kind](dict.locale, options);
    formatters.set(key, f);
  }
  return f;
}

function warmFormatters() {
  for (const o of [DATE, DATE_LONG, TIME]) formatter('DateTimeFormat', o);
  formatter('NumberFormat', NUMBER);
}

/** "23. nov. 2026 kl. 10.32" / "23 Nov 2026 at 10:32" from an ISO time. */
export function dateTime(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso || '');
  const date = formatter('DateTimeFormat', DATE).format(d);
  const time = formatter('DateTimeFormat', TIME).format(d);
  return t('common.dateTime', { date, time });
}

/** "mandag den 30. november 2026 kl. 09.30" from an ISO time. */
export function dateTimeLong(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso || '');
  const date = formatter('DateTimeFormat', DATE_LONG).format(d);
  const time = formatter('DateTimeFormat', TIME).format(d);
  return t('common.dateTime', { date, time });
}

/** "7. mar. 1992" / "7 Mar 1992" from a calendar date "YYYY-MM-DD" (a
 * birth date: the same day wherever the browser is). */
export function date(ymd) {
  const d = new Date(`${ymd}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(String(ymd)) || Number.isNaN(d.getTime())) return String(ymd || '');
  return formatter('DateTimeFormat', DATE_UTC).format(d);
}

/** A number as people write it here: "1,5" in Danish, "1.5" in English. */
export function number(n) {
  return formatter('NumberFormat', NUMBER).format(n);
}
