// The login page: "Log ind med MitID". The login goes through the server
// to the login broker (the dev IdP in development) and comes back here.

import { h, fill, icon } from '../dom.js';
import * as drafts from '../drafts.js';
import { t } from '../i18n/index.js';
import { state } from '../state.js';
import { alert, goLogin, pageHeading } from '../ui.js';

export async function render(view) {
  const notices = [];
  if (drafts.pending().length) notices.push(alert('info', t('login.draftsWaiting')));
  else if (state.loginNotice === 'expired') notices.push(alert('info', t('login.expired')));
  else if (state.loginNotice === 'loggedOut') notices.push(alert('success', t('login.loggedOut'), { role: 'status' }));

  fill(
    view,
    pageHeading(t('login.heading')),
    h('p', { class: 'font-lead' }, t('login.intro')),
    notices,
    h(
      'p',
      null,
      h(
        'button',
        { type: 'button', class: 'button button-primary login-button', onclick: goLogin },
        icon('lock'),
        t('login.button'),
      ),
    ),
    h('p', { class: 'form-hint' }, t('login.help')),
  );
}
