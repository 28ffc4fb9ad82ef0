// The accessibility statement (tilgængelighedserklæring), linked from the
// footer of every page and readable without logging in.

import { h, fill } from '../dom.js';
import { t } from '../i18n/index.js';
import { state } from '../state.js';
import { pageHeading, backLink } from '../ui.js';

export async function render(view) {
  const list = (key) => h('ul', null, t(key).map((line) => h('li', null, line)));
  fill(
    view,
    state.session === 'in' ? backLink() : null,
    pageHeading(t('a11y.heading')),
    h('p', { class: 'font-lead' }, t('a11y.intro')),
    h('h2', null, t('a11y.statusHeading')),
    h('p', null, t('a11y.status')),
    h('h2', null, t('a11y.doneHeading')),
    list('a11y.done'),
    h('h2', null, t('a11y.knownHeading')),
    list('a11y.known'),
    h('h2', null, t('a11y.contactHeading')),
    h('p', null, t('a11y.contact')),
    h('h2', null, t('a11y.complainHeading')),
    h('p', null, t('a11y.complain')),
    h('p', { class: 'form-hint' }, t('a11y.updated')),
  );
}
