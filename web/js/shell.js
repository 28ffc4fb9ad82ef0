// shell: the frame both sites share (the citizen portal and the caseworker
// pages): hash routes to views, page titles (never personal data), the
// header's language switch and log-out button, the one-off flash message
// and the skip link. Each site gives its routes and how its session ends.

import { h, fill } from './dom.js';
import * as drafts from './drafts.js';
import { t, setLang, lang } from './i18n/index.js';
import { takeFlash } from './state.js';
import { alert, announce, clearReturnRoute, goLogout } from './ui.js';

const viewEl = document.getElementById('view');
const flashEl = document.getElementById('flash');
const logoutBtn = document.getElementById('logout');
const langBtn = document.getElementById('lang-switch');

export function currentHash() {
  return location.hash && location.hash !== '#' ? location.hash : '#/';
}

/**
 * Makes the site's shell. opts:
 *   pick(hash)      the route for a hash: { title (text key), load (resolves
 *                   to a view module with render(view, ctx)), params }
 *   loggedIn()      true while the site holds a session (shows "Log af")
 *   endSession()    async: forgets this tab's state of the session; the
 *                   shell then leaves for site.logoutUrl, which ends it
 *   frame()         optional: fills the site's own parts of the header
 * Returns { render, start, viewEl }: render({ focus }) draws the page of the
 * current hash; start() wires the header, the skip link and hashchange.
 */
export function createShell({ pick, loggedIn, endSession, frame }) {
  let renderSeq = 0;
  let firstRender = true;

  /** Texts that live in index.html (header, footer), by data-i18n key;
   * the menu link of the current page (data-nav: the hash prefix it
   * stands for). */
  function applyStaticTexts() {
    for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
    langBtn.lang = t('switchLanguageLang');
    langBtn.setAttribute('aria-label', t('switchLanguageLabel'));
    const sw = langBtn.querySelector('.lang-text');
    if (sw) sw.textContent = t('switchLanguage');
    logoutBtn.hidden = !loggedIn();
    for (const a of document.querySelectorAll('a[data-nav]')) {
      if (currentHash().startsWith(a.dataset.nav)) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    }
    if (frame) frame();
  }

  function showFlash() {
    const f = takeFlash();
    flashEl.replaceChildren();
    if (f) {
      flashEl.append(alert(f.variant, f.text, { role: 'none' }));
      announce(f.text);
    }
  }

  // A page whose module could not be fetched (offline): it is drawn again
  // when the connection returns, or on the next tap of its link.
  let failed = false;

  /** Says that the page could not come: offline, or another failure. */
  function showUnreachable(retry) {
    const offline = navigator.onLine === false;
    fill(
      viewEl,
      h('h1', { class: 'page-heading', tabindex: '-1' }, t(offline ? 'offline.heading' : 'offline.failedHeading')),
      alert(offline ? 'warning' : 'error', t(offline ? 'offline.text' : 'offline.failed'), {
        actions: [h('button', { type: 'button', class: 'button button-secondary', onclick: retry }, t('common.tryAgain'))],
      }),
    );
    announce(t(offline ? 'offline.text' : 'offline.failed'));
  }

  async function render({ focus = true } = {}) {
    const hash = currentHash();
    if (!hash.startsWith('#/')) return; // an in-page link, like the skip link
    const seq = ++renderSeq;
    const r = pick(hash);
    let mod;
    try {
      mod = await r.load();
    } catch {
      if (seq !== renderSeq) return;
      failed = true;
      document.title = `${t(r.title)} – ${t('appName')}`;
      applyStaticTexts();
      showUnreachable(() => render());
      return;
    }
    failed = false;
    if (seq !== renderSeq) return;
    document.title = `${t(r.title)} – ${t('appName')}`;
    applyStaticTexts();
    showFlash();
    const ctx = { render, params: r.params || {}, isCurrent: () => seq === renderSeq };
    await mod.render(viewEl, ctx);
    if (seq !== renderSeq) return;
    if (focus && !firstRender) {
      const heading = viewEl.querySelector('h1');
      if (heading) heading.focus({ preventScroll: false });
      window.scrollTo(0, 0);
    }
    firstRender = false;
  }

  async function logout() {
    const waiting = drafts.pending();
    if (waiting.length && !document.getElementById('logout-confirm')) {
      const yes = h('button', { type: 'button', class: 'button button-primary', onclick: () => reallyLogout() }, t('logoutConfirm.yes'));
      const no = h(
        'button',
        {
          type: 'button',
          class: 'button button-secondary',
          onclick: () => {
            box.remove();
            logoutBtn.focus();
          },
        },
        t('logoutConfirm.no'),
      );
      const box = alert('warning', t('logoutConfirm.text'), { actions: [yes, no] });
      box.id = 'logout-confirm';
      flashEl.replaceChildren(box);
      yes.focus();
      return;
    }
    await reallyLogout();
  }

  async function reallyLogout() {
    await endSession();
    drafts.clear();
    clearReturnRoute();
    goLogout();
  }

  async function switchLanguage() {
    await setLang(lang() === 'da' ? 'en' : 'da');
    await render({ focus: false });
    langBtn.focus();
  }

  function start() {
    applyStaticTexts();
    logoutBtn.addEventListener('click', logout);
    // The skip link moves focus to the content without touching the hash,
    // which belongs to the router.
    const skip = document.querySelector('.skipnav');
    skip.addEventListener('click', (ev) => {
      ev.preventDefault();
      const main = document.getElementById('main-content');
      main.focus();
      main.scrollIntoView();
    });
    if (!currentHash().startsWith('#/')) history.replaceState(null, '', '#/');
    langBtn.addEventListener('click', switchLanguage);
    window.addEventListener('hashchange', () => render());
    // Back online: a page that could not come is drawn now.
    window.addEventListener('online', () => {
      if (failed) render({ focus: false });
    });
    // A tap on the link of the page that could not come tries again (the
    // hash is the same, so no hashchange).
    document.addEventListener('click', (ev) => {
      const a = ev.target instanceof Element ? ev.target.closest('a[href^="#/"]') : null;
      if (failed && a && a.getAttribute('href') === currentHash()) {
        ev.preventDefault();
        render();
      }
    });
  }

  return { render, start, viewEl };
}
