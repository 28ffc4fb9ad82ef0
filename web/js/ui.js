// ui: pieces shared by the views of both sites – alerts that say plainly
// what went wrong, the text editor that never drops what was written, the
// flash message, and the way back to the login.

import { get, pagePath } from './api.js';
import { h, icon, newId } from './dom.js';
import * as drafts from './drafts.js';
import { t } from './i18n/index.js';
import { site, storageKey } from './site.js';

export const TEXT_MAX = 2000; // dreams and reasons (the API's limit)
export const TITLE_MAX = 200;
export const DESCRIPTION_MAX = 4000;

/** Leaves for the login (site.loginUrl); the route (never any data:
 * routes hold at most opaque numeric ids) comes back, as return_to and
 * in this tab's sessionStorage. */
export function goLogin() {
  const route = /^#\/[a-z0-9/-]*$/.test(location.hash) ? location.hash : site.home;
  try {
    sessionStorage.setItem(storageKey('return'), route);
  } catch {
    /* return_to still brings it back */
  }
  location.assign(`${site.loginUrl}?return_to=${encodeURIComponent(site.page + route)}`);
}

/** Leaves for the logout (site.logoutUrl), which ends the session and
 * goes on to the login broker's own logout; the page it comes back to
 * says "logged out" once. */
export function goLogout() {
  try {
    sessionStorage.setItem(storageKey('loggedOut'), '1');
  } catch {
    /* then it comes back without saying so */
  }
  location.assign(site.logoutUrl);
}

/** True once after goLogout(). */
export function takeLoggedOut() {
  try {
    const v = sessionStorage.getItem(storageKey('loggedOut'));
    sessionStorage.removeItem(storageKey('loggedOut'));
    return v === '1';
  } catch {
    return false;
  }
}

/** The route to go back to after a login, once. */
export function takeReturnRoute() {
  try {
    const r = sessionStorage.getItem(storageKey('return'));
    sessionStorage.removeItem(storageKey('return'));
    return r && /^#\/[a-z0-9/-]*$/.test(r) ? r : '';
  } catch {
    return '';
  }
}

export function clearReturnRoute() {
  try {
    sessionStorage.removeItem(storageKey('return'));
  } catch {
    /* nothing kept */
  }
}

/** Says text to screen readers through the page's one polite live
 * region (#announce in index.html), which is always there. */
export function announce(text) {
  const el = document.getElementById('announce');
  if (!el) return;
  el.textContent = '';
  setTimeout(() => {
    el.textContent = text;
  }, 50);
}

const ALERT_ICONS = { info: 'info', success: 'success', warning: 'warning', error: 'error' };

/** A Det Fælles Designsystem alert. body: text or nodes. */
export function alert(variant, body, { heading, actions, role } = {}) {
  const el = h(
    'div',
    { class: `alert alert-${variant}`, role: role === 'none' ? null : role || (variant === 'error' || variant === 'warning' ? 'alert' : null) },
    icon(ALERT_ICONS[variant], 'alert-icon'),
    h(
      'div',
      { class: 'alert-body' },
      heading ? h('p', { class: 'alert-heading' }, heading) : null,
      h('p', { class: 'alert-text' }, body),
      actions && actions.length ? h('div', { class: 'alert-actions' }, actions) : null,
    ),
  );
  return el;
}

/**
 * An alert for an ApiError (or any error): what happened, whether the
 * citizen's text is still there (kept), and what to do: log in again, or
 * try again (retry, a function). page: retry draws a page whose data did
 * not come, which happens by itself when an offline browser is back online.
 */
export function errorAlert(err, { kept = false, retry, page = false } = {}) {
  const kind = (err && err.kind) || 'server';
  const lines = [t(`errors.${kind === 'invalid' && err.code === 'payload_too_large' ? 'tooLong' : kind}`)];
  if (kind === 'stale') lines.push(t('errors.staleAction'));
  if (kind === 'auth') lines.push(t('errors.authAction'));
  if (kept) lines.push(t('errors.kept'));
  const actions = [];
  if (kind === 'auth') {
    actions.push(h('button', { type: 'button', class: 'button button-primary', onclick: goLogin }, t('common.loginAgain')));
  } else if (retry && (kind === 'network' || kind === 'busy' || kind === 'server')) {
    actions.push(h('button', { type: 'button', class: 'button button-secondary', onclick: retry }, t('common.tryAgain')));
  }
  // A page whose data could not come (page: retry draws it again) while
  // offline says so plainly, and comes by itself when the connection
  // returns, if this message is still there by then. A change is never
  // sent again by itself: that waits for a tap.
  if (page && kind === 'network' && navigator.onLine === false) lines.splice(0, 1, t('offline.text'));
  const box = alert(kind === 'stale' || kind === 'conflict' ? 'warning' : 'error', lines.join(' '), { actions });
  if (page && kind === 'network' && retry) {
    window.addEventListener('online', () => {
      if (box.isConnected) retry();
    }, { once: true });
  }
  return box;
}

// Messages tied to a draft, kept across a re-render of its view (memory
// only): key -> { err } or { info }.
export const notices = new Map();

/**
 * A textarea that keeps every keystroke in the drafts store under
 * draftKey, counts characters against max, and shows the notice for its
 * key. onSave(text) returns a promise; it rejects with an ApiError to
 * keep the editor open (the text is untouched either way).
 */
export function textEditor({ draftKey, label, initial = '', max = TEXT_MAX, onSave, onCancel, saveLabel, extraActions = [] }) {
  const id = newId('txt');
  const d = drafts.get(draftKey);
  const value = d && typeof d.text === 'string' ? d.text : initial;
  if (!d) drafts.set(draftKey, { text: value });

  const counter = h('span', { class: 'form-hint character-limit', id: `${id}-count`, 'aria-hidden': 'true' });
  const counterSr = h('span', { class: 'sr-only', 'aria-live': 'polite' });
  const limitHint = h('span', { class: 'sr-only', id: `${id}-limit` }, t('common.charsLimit', { n: max }));
  const area = h('textarea', {
    class: 'form-input',
    id,
    name: 'text',
    rows: 4,
    required: true,
    'aria-describedby': `${id}-limit ${id}-count`,
    dataset: { draftKey },
  });
  area.value = value;
  const msg = h('div', { class: 'editor-message' });
  const save = h('button', { type: 'submit', class: 'button button-primary' }, saveLabel || t('common.save'));
  const cancel = h('button', { type: 'button', class: 'button button-secondary' }, t('common.cancel'));
  const group = h('div', { class: 'form-group' }, h('label', { class: 'form-label', for: id }, label), limitHint, area, counter, counterSr);
  const form = h('form', { class: 'editor', novalidate: true }, group, msg, h('div', { class: 'button-row' }, save, cancel, extraActions));

  let srTimer = 0;
  function count() {
    const n = [...area.value].length;
    const over = n > max;
    counter.textContent = over ? t('common.charsOver', { n: n - max }) : t('common.charsLeft', { n: max - n });
    group.classList.toggle('form-error', over);
    if (over) area.setAttribute('aria-invalid', 'true');
    else area.removeAttribute('aria-invalid');
    clearTimeout(srTimer);
    srTimer = setTimeout(() => {
      counterSr.textContent = counter.textContent;
    }, 1000);
  }
  count();

  function showNotice() {
    const n = notices.get(draftKey);
    msg.replaceChildren();
    if (!n) return;
    if (n.err) msg.append(errorAlert(n.err, { kept: true, retry: () => form.requestSubmit() }));
    else if (n.info) msg.append(alert('info', n.info));
  }
  showNotice();

  area.addEventListener('input', () => {
    drafts.update(draftKey, { text: area.value });
    count();
  });

  let busy = false;
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (busy) return;
    const text = area.value;
    if (text.trim() === '' || [...text].length > max) {
      notices.delete(draftKey);
      msg.replaceChildren(alert('error', t(text.trim() === '' ? 'errors.empty' : 'errors.tooLong')));
      area.focus();
      return;
    }
    busy = true;
    save.disabled = true;
    save.textContent = t('common.saving');
    form.setAttribute('aria-busy', 'true');
    try {
      await onSave(text);
      notices.delete(draftKey);
    } catch (err) {
      notices.set(draftKey, { err });
      if (form.isConnected) showNotice();
    } finally {
      busy = false;
      save.disabled = false;
      save.textContent = saveLabel || t('common.save');
      form.removeAttribute('aria-busy');
    }
  });

  cancel.addEventListener('click', () => {
    drafts.remove(draftKey);
    notices.delete(draftKey);
    onCancel();
  });

  return { form, area };
}

/** The link back (to the site's home page unless href is given), at the
 * top of every other page. */
export function backLink(href = site.home, text = t('common.back')) {
  return h('div', null, h('a', { class: 'back-link', href }, icon('chevron-left'), text));
}

/** A grey placeholder block for content on its way (no layout jump). */
export function skeleton(lines = 1, cls = '') {
  const box = h('div', { class: `skeleton ${cls}`.trim(), 'aria-hidden': 'true' });
  for (let i = 0; i < lines; i++) box.append(h('span', { class: 'skeleton-line' }));
  return box;
}

/** A page heading that the router focuses after a navigation. */
export function pageHeading(text) {
  return h('h1', { tabindex: '-1', class: 'page-heading' }, text);
}

/** A live "characters left" count under a field with a limit of max
 * code points (hidden from screen readers, which hear the limit once). */
export function charCounter(input, max) {
  const el = h('span', { class: 'form-hint character-limit', 'aria-hidden': 'true' });
  const update = () => {
    const n = [...input.value].length;
    el.textContent = n > max ? t('common.charsOver', { n: n - max }) : t('common.charsLeft', { n: max - n });
  };
  input.addEventListener('input', update);
  update();
  return el;
}

/** Fills box with the error summary of a form – heading, then each error
 * ({ text, target }) as a link that moves focus to its field – and
 * focuses it; or empties it. Returns true when there were no errors. */
export function errorSummary(box, errors, heading) {
  box.replaceChildren();
  if (!errors.length) return true;
  const links = errors.map((e) =>
    h(
      'li',
      null,
      h(
        'a',
        {
          href: '#',
          onclick: (ev) => {
            ev.preventDefault();
            if (e.target) e.target.focus();
          },
        },
        e.text,
      ),
    ),
  );
  box.append(
    h(
      'div',
      { class: 'alert alert-error', role: 'alert' },
      icon('error', 'alert-icon'),
      h('div', { class: 'alert-body' }, h('p', { class: 'alert-heading' }, heading), h('ul', { class: 'alert-text nobullet-list' }, links)),
    ),
  );
  box.focus();
  return false;
}

/**
 * Sends a form once at a time: on submit, validate() (false stops), then
 * the button says busyText and the form is aria-busy while send() runs
 * (send handles its own errors); then both are as before.
 */
export function onSubmit(form, button, { idleText, busyText, validate = () => true, send }) {
  let sending = false;
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (sending || !validate()) return;
    sending = true;
    button.disabled = true;
    button.textContent = busyText;
    form.setAttribute('aria-busy', 'true');
    try {
      await send();
    } finally {
      sending = false;
      button.disabled = false;
      button.textContent = idleText;
      form.removeAttribute('aria-busy');
    }
  });
}

/** A status badge (Det Fælles Designsystem's badge). */
export function badge(text, variant) {
  return h('span', { class: `badge${variant ? ` badge-${variant}` : ''}` }, text);
}

/**
 * "Vis flere" under a paged list whose first page is shown: a click reads
 * the page after cursor next (GET path?before=next) and gives its rows
 * (data[key]) to add, which appends them and returns the first new item
 * (it gets the focus); onNext, if given, hears the new cursor. The button
 * goes once the last page is read; a failed read says so and keeps the
 * button.
 */
export function moreButton(path, key, next, add, onNext) {
  const msg = h('div', { class: 'more-message' });
  const button = h('button', { type: 'button', class: 'button button-secondary' }, t('common.more'));
  const box = h('div', { class: 'more-pages', hidden: next == null }, msg, button);
  let cursor = next;
  button.addEventListener('click', async () => {
    button.disabled = true;
    msg.replaceChildren();
    try {
      const { data } = await get(pagePath(path, { before: cursor }));
      const first = add((data && data[key]) || []);
      cursor = data && data.next;
      box.hidden = cursor == null;
      if (onNext) onNext(cursor);
      if (first) {
        first.setAttribute('tabindex', '-1');
        first.focus();
      }
    } catch (err) {
      msg.append(errorAlert(err, { retry: () => button.click() }));
    } finally {
      button.disabled = false;
    }
  });
  return box;
}
