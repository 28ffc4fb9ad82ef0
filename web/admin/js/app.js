// app: the caseworker pages' entry. Hash routes with at most opaque
// numeric ids in them (never a name or CPR number), page titles without
// personal data, and the header. The shell, the API client, drafts and
// the login, not-found and accessibility pages are the citizen portal's
// own modules (/js/), here with this site's texts and sessionStorage keys.

import * as api from '/js/api.js';
import * as drafts from '/js/drafts.js';
import { t, setLang, savedLang, useTexts } from '/js/i18n/index.js';
import { createShell, currentHash } from '/js/shell.js';
import { setSite, storageKey } from '/js/site.js';
import { state, setFlash } from '/js/state.js';
import { takeLoggedOut, takeReturnRoute } from '/js/ui.js';
import da from './i18n/da.js';
import { API, me } from './common.js';
import * as caseloadView from './views/caseload.js';
import * as loginView from '/js/views/login.js';

setSite({
  prefix: 'kaptajn.admin',
  home: '#/borgere',
  page: '/admin/',
  loginUrl: `${API}/login`,
  logoutUrl: `${API}/logout`,
  csrfCookies: ['__Secure-kaptajn_staff_csrf', 'kaptajn_staff_csrf'],
  cookiePath: '/admin/',
});
useTexts(da, async () => (await import('./i18n/en.js')).default);

const view = (name) => () => import(`./views/${name}.js`);
const ROUTES = [
  [/^#\/borgere$/, 'titles.caseload', async () => caseloadView],
  [/^#\/indskriv$/, 'titles.enrol', view('enrol')],
  [/^#\/borger\/(\d+)$/, 'titles.citizen', view('citizen')],
  [/^#\/borger\/(\d+)\/nyt-maal$/, 'titles.goalNew', view('goal')],
  [/^#\/borger\/(\d+)\/nyt-maal\/(\d+)$/, 'titles.goalNew', view('goal')],
  [/^#\/borger\/(\d+)\/maal\/(\d+)$/, 'titles.goalEdit', view('goal')],
  [/^#\/borger\/(\d+)\/kontaktperson$/, 'titles.contact', view('contact')],
  [/^#\/borger\/(\d+)\/forloeb$/, 'titles.course', view('course')],
  [/^#\/borger\/(\d+)\/samtykke$/, 'titles.consent', view('consent')],
  [/^#\/borger\/(\d+)\/moeder$/, 'titles.meetings', view('meetings')],
  [/^#\/borger\/(\d+)\/log$/, 'titles.audit', view('audit')],
  [/^#\/forslag$/, 'titles.queue', view('queue')],
  [/^#\/rapport$/, 'titles.report', view('report')],
  [/^#\/borger\/(\d+)\/flyt$/, 'titles.move', view('move')],
  [/^#\/borger\/(\d+)\/husstand$/, 'titles.household', view('household')],
  [/^#\/borger\/(\d+)\/ny-husstand$/, 'titles.householdNew', view('household-new')],
  [/^#\/personale$/, 'titles.staff', view('staff')],
  [/^#\/personale\/(\d+)$/, 'titles.staffEdit', view('staff')],
];
const PUBLIC = {
  '#/tilgaengelighed': { title: 'titles.accessibility', load: () => import('/js/views/accessibility.js') },
};
const LOGIN = { title: 'titles.login', load: async () => loginView };
const NOT_FOUND = { title: 'titles.notFound', load: () => import('/js/views/notfound.js') };

function pick(hash) {
  if (PUBLIC[hash]) return PUBLIC[hash];
  if (hash === '#/') return state.session === 'in' ? pick('#/borgere') : LOGIN;
  for (const [re, title, load] of ROUTES) {
    const m = re.exec(hash);
    if (!m) continue;
    if (state.session !== 'in') return LOGIN;
    // The route's numbers: the citizen, then a goal (edit) or a parent
    // goal (a new sub-goal).
    // A member of the staff directory has the first number instead.
    if (hash.startsWith('#/personale')) return { title, load, params: { member: m[1] } };
    const params = { citizen: m[1], goal: hash.includes('/maal/') ? m[2] : undefined, parent: hash.includes('/nyt-maal/') ? m[2] : undefined };
    return { title, load, params };
  }
  return NOT_FOUND;
}

/** This tab forgets the session; the shell then leaves for the logout,
 * which ends it on the server and at the login provider. */
async function endSession() {
  api.forgetSession();
  try {
    sessionStorage.removeItem(storageKey('staff'));
  } catch {
    /* nothing kept */
  }
  state.session = 'out';
}

/** The header's own parts: who is logged in, the menu (hidden, not
 * removed, while logged out: nothing below it moves). */
function frame() {
  const m = me();
  const inNow = state.session === 'in';
  document.getElementById('me').textContent = m && inNow ? t('me.who', { name: m.name }) : '';
  const nav = document.getElementById('admin-nav');
  nav.setAttribute('aria-label', t('navLabel'));
  nav.classList.toggle('admin-nav-off', !inNow);
  nav.toggleAttribute('aria-hidden', !inNow);
  // The staff directory is the team leaders' (the API refuses others).
  document.getElementById('nav-staff').hidden = !(m && inNow && m.role === 'leader');
}

const { render, start } = createShell({ pick, loggedIn: () => state.session === 'in', endSession, frame });

/** Who is logged in, asked once per tab: the login hands the page only
 * its CSRF token. A lost session is found by the first call after. */
async function learnWho() {
  try {
    const { data } = await api.get(`${API}/session`);
    sessionStorage.setItem(storageKey('staff'), JSON.stringify(data.staff));
  } catch {
    /* the login page comes back on the next call */
  }
}

async function boot() {
  // Where the tab was when it opened: a route picked while the start-up
  // below waits (a click, a link) is kept, not replaced.
  const opened = currentHash();
  // A login that just came back left the CSRF token in a cookie.
  // A new login may be someone else's: who it is is asked again.
  if (api.takeCsrfHandoff()) sessionStorage.removeItem(storageKey('staff'));
  const loggedOut = takeLoggedOut();
  await setLang(savedLang());
  // Logged in as far as this tab knows: the login left a CSRF token. The
  // first API call says whether the session still lives (a 401 brings the
  // login page back, with any text kept).
  state.session = api.csrfToken() ? 'in' : 'out';
  if (state.session === 'out') state.loginNotice = drafts.pending().length ? 'expired' : loggedOut ? 'loggedOut' : '';
  if (state.session === 'in' && !me()) await learnWho();
  start();
  if (state.session === 'in') {
    const back = takeReturnRoute();
    if (currentHash() === opened) {
      if (back && back !== opened) history.replaceState(null, '', back);
      else if (opened === '#/') history.replaceState(null, '', '#/borgere');
    }
    if (drafts.pending().length) setFlash('info', t('draftRestored'));
  }
  await render({ focus: false });
}

boot();
