// A route that does not exist (both sites).

import { h, fill } from '../dom.js';
import { t } from '../i18n/index.js';
import { site } from '../site.js';
import { state } from '../state.js';
import { pageHeading } from '../ui.js';

export async function render(view) {
  fill(
    view,
    pageHeading(t('notFound.heading')),
    h('p', null, t('notFound.text')),
    h('p', null, h('a', { href: state.session === 'in' ? site.home : '#/' }, t(state.session === 'in' ? 'common.back' : 'titles.login'))),
  );
}
