// app: the citizen portal's entry. Hash routes (no personal data in them),
// the header (language, log out), and the page titles. Each page is a
// module in views/; the plan page comes with the first load, the others
// when first opened.

import * as api from './api.js';
import { h, fill } from './dom.js';
import * as drafts from './drafts.js';
import { t, setLang, savedLang, lang } from './i18n/index.js';
import { state, loadPlan, takeFlash, setFlash } from './state.js';
import { alert, announce, takeReturnRoute, clearReturnRoute } from './ui.js';
import * as planView from './views/plan.js';
import * as loginView from './views/login.js';

const ROUTES = {
  '#/plan': { auth: true, title: 'titles.plan', load: async () => planView },
  '#/forslag': { auth: true, title: 'titles.proposals', load: () => import('./views/proposals.js') },
  '#/forslag/ny': { auth: true, title: 'titles.propose', load: () => import('./views/propose.js') },
  '#/ja': { auth: true, title: 'titles.accept', load: () => import('./views/accept.js') },
  '#/historik': { auth: true, title: 'titles.history', load: () => import('./views/history.js') },
  '#/indsigt': { auth: true, title: 'titles.access', load: () => import('./views/access.js') },
  '#/tilgaengelighed': { auth: false, title: 'titles.accessibility', load: () => import('./views/accessibility.js') },
};
const LOGIN = { auth: false, title: 'titles.login', load: async () => loginView };
const NOT_FOUND = { auth: false, title: 'titles.notFound', load: () => import('./views/notfound.js') };

const viewEl = document.getElementById('view');
const flashEl = document.getElementById('flash');
const logoutBtn = document.getElementById('logout');
const langBtn = document.getElementById('lang-switch');

let renderSeq = 0;
let firstRender = true;

function currentHash() {
  return location.hash && location.hash !== '#' ? location.hash : '#/';
}

function pick(hash) {
  if (hash === '#/') return state.session === 'in' ? ROUTES['#/plan'] : LOGIN;
  const r = ROUTES[hash];
  if (!r) return NOT_FOUND;
  if (r.auth && state.session === 'out') return LOGIN;
  return r;
}

/** Texts that live in index.html (header, footer), by data-i18n key. */
function applyStaticTexts() {
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  langBtn.lang = t('switchLanguageLang');
  langBtn.setAttribute('aria-label', t('switchLanguageLabel'));
  const sw = langBtn.querySelector('.lang-text');
  if (sw) sw.textContent = t('switchLanguage');
  logoutBtn.hidden = state.session !== 'in';
}

function showFlash() {
  const f = takeFlash();
  flashEl.replaceChildren();
  if (f) {
    flashEl.append(alert(f.variant, f.text, { role: 'none' }));
    announce(f.text);
  }
}

/** Renders the page for the current hash. */
export async function render({ focus = true } = {}) {
  const hash = currentHash();
  if (!hash.startsWith('#/')) return; // an in-page link, like the skip link
  const seq = ++renderSeq;
  const r = pick(hash);
  const mod = await r.load();
  if (seq !== renderSeq) return;
  document.title = `${t(r.title)} – ${t('appName')}`;
  applyStaticTexts();
  showFlash();
  const ctx = { render, isCurrent: () => seq === renderSeq };
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
  try {
    await api.del('/api/v1/session');
  } catch (err) {
    // Already gone (401) is as good as logged out; anything else: the
    // session dies at its timeout, and this tab forgets it now.
  }
  api.forgetSession();
  drafts.clear();
  clearReturnRoute();
  state.session = 'out';
  state.plan = null;
  state.etag = '';
  state.loginNotice = 'loggedOut';
  if (currentHash() !== '#/') history.replaceState(null, '', '#/');
  await render({ focus: false });
  const heading = viewEl.querySelector('h1');
  if (heading) heading.focus();
}

async function switchLanguage() {
  await setLang(lang() === 'da' ? 'en' : 'da');
  await render({ focus: false });
  langBtn.focus();
}

async function boot() {
  await setLang(savedLang());
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

  // The plan page can draw its skeleton while we ask who is logged in.
  if (currentHash() === '#/plan' || currentHash() === '#/') planView.renderSkeleton(viewEl);
  try {
    await loadPlan();
  } catch (err) {
    if (err.kind !== 'auth') {
      // Not a login question (offline, server trouble): say so, offer a retry.
      state.session = 'unknown';
      const r = ROUTES[currentHash()];
      if (r && !r.auth) {
        await render({ focus: false });
        return;
      }
      document.title = `${t('titles.plan')} – ${t('appName')}`;
      fill(
        viewEl,
        h('h1', { class: 'page-heading', tabindex: '-1' }, t('plan.heading')),
        alert('error', `${t('errors.loadPlan')} ${t(`errors.${err.kind}`)}`, {
          actions: [h('button', { type: 'button', class: 'button button-secondary', onclick: () => location.reload() }, t('common.tryAgain'))],
        }),
      );
      return;
    }
    state.session = 'out';
    state.loginNotice = drafts.pending().length ? 'expired' : '';
  }
  if (state.session === 'in') {
    const back = takeReturnRoute();
    if (back && back !== currentHash()) history.replaceState(null, '', back);
    else if (currentHash() === '#/') history.replaceState(null, '', '#/plan');
    // The proposal form says so itself; elsewhere it is a dream's text.
    if (drafts.pending().some((k) => k.startsWith('dream:')) && currentHash() !== '#/forslag/ny') {
      setFlash('info', t('plan.draftRestored'));
    }
  }
  await render({ focus: false });
}

boot();
