// app: the citizen portal's entry. Hash routes (no personal data in them),
// the header (language, log out), and the page titles. Each page is a
// module in views/; the plan page comes with the first load, the others
// when first opened.

import * as api from './api.js';
import { h, fill } from './dom.js';
import * as drafts from './drafts.js';
import da from './i18n/da.js';
import { t, setLang, savedLang, useTexts } from './i18n/index.js';
import { createShell, currentHash } from './shell.js';
import { state, loadPlan, setFlash } from './state.js';
import { alert, takeLoggedOut, takeReturnRoute } from './ui.js';
import * as planView from './views/plan.js';
import * as loginView from './views/login.js';

useTexts(da, async () => (await import('./i18n/en.js')).default);

const ROUTES = {
  '#/plan': { auth: true, title: 'titles.plan', load: async () => planView },
  '#/forslag': { auth: true, title: 'titles.proposals', load: () => import('./views/proposals.js') },
  '#/forslag/ny': { auth: true, title: 'titles.propose', load: () => import('./views/propose.js') },
  '#/beskeder': { auth: true, title: 'titles.messages', load: () => import('./views/messages.js') },
  '#/ja': { auth: true, title: 'titles.accept', load: () => import('./views/accept.js') },
  '#/moeder': { auth: true, title: 'titles.meetings', load: () => import('./views/meetings.js') },
  '#/historik': { auth: true, title: 'titles.history', load: () => import('./views/history.js') },
  '#/indsigt': { auth: true, title: 'titles.access', load: () => import('./views/access.js') },
  '#/samtykke': { auth: true, title: 'titles.consent', load: () => import('./views/consent.js') },
  '#/besked-til-dig': { auth: true, title: 'titles.notify', load: () => import('./views/notify.js') },
  '#/privatliv': { auth: false, title: 'titles.privacy', load: () => import('./views/privacy.js') },
  '#/tilgaengelighed': { auth: false, title: 'titles.accessibility', load: () => import('./views/accessibility.js') },
};
const LOGIN = { auth: false, title: 'titles.login', load: async () => loginView };
const NOT_FOUND = { auth: false, title: 'titles.notFound', load: () => import('./views/notfound.js') };

function pick(hash) {
  if (hash === '#/') return state.session === 'in' ? ROUTES['#/plan'] : LOGIN;
  const r = ROUTES[hash];
  if (!r) return NOT_FOUND;
  if (r.auth && state.session === 'out') return LOGIN;
  // Consent first: until it is given, only the consent page, the access
  // log and the pages for everyone.
  if (r.auth && state.needsConsent && hash !== '#/indsigt') return ROUTES['#/samtykke'];
  return r;
}

/** This tab forgets the session; the shell then leaves for the logout,
 * which ends it on the server and at the login broker. */
async function endSession() {
  api.forgetSession();
  state.session = 'out';
  state.plan = null;
  state.etag = '';
  state.needsConsent = false;
}

const { render, start, viewEl } = createShell({ pick, loggedIn: () => state.session === 'in', endSession });

async function boot() {
  // A login that just came back left the CSRF token in a cookie.
  api.takeCsrfHandoff();
  const loggedOut = takeLoggedOut();
  await setLang(savedLang());
  start();

  // The plan page can draw its skeleton while we ask who is logged in.
  if (currentHash() === '#/plan' || currentHash() === '#/') planView.renderSkeleton(viewEl);
  try {
    await loadPlan();
  } catch (err) {
    if (err.kind === 'consent') {
      // Logged in: the consent page comes first.
      state.session = 'in';
      state.needsConsent = true;
      if (currentHash() !== '#/indsigt' && currentHash() !== '#/privatliv') history.replaceState(null, '', '#/samtykke');
      await render({ focus: false });
      return;
    }
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
    state.loginNotice = drafts.pending().length ? 'expired' : loggedOut ? 'loggedOut' : '';
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
