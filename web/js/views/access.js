// Hvem har set mine data: which staff read or changed the citizen's data,
// newest first (GET /api/v1/access-log), a page at a time.

import * as api from '../api.js';
import { h, fill } from '../dom.js';
import { t, dateTime, has } from '../i18n/index.js';
import { lostSession } from '../state.js';
import { errorAlert, pageHeading, backLink, skeleton, moreButton } from '../ui.js';

const PATH = '/api/v1/access-log';

// Each entry in plain words: what was done to what, how many times, and
// why where a reason was given. Actions and objects the portal does not
// know yet still read as a sentence.
function objectWords(object) {
  return object && has(`access.objects.${object}`) ? t(`access.objects.${object}`) : '';
}

function what(e) {
  const obj = objectWords(e.object);
  if (e.action === 'read') return t('access.readObject', { object: obj || t('access.yourData') });
  if (has(`access.actions.${e.action}`)) return t(`access.actions.${e.action}`);
  return obj ? t('access.other', { object: obj }) : t('access.otherUnknown');
}

function who(actor) {
  if (!actor) return '';
  const role = actor.role && has(`roles.${actor.role}`) ? t(`roles.${actor.role}`) : actor.role;
  return role ? `${actor.name} (${role})` : actor.name || '';
}

export async function render(view, ctx) {
  fill(view, backLink(), pageHeading(t('access.heading')), h('p', null, t('access.intro')), skeleton(3, 'skeleton-card'), skeleton(3, 'skeleton-card'));
  let entries;
  let next;
  try {
    const res = await api.get(PATH);
    entries = (res.data && res.data.entries) || [];
    next = res.data && res.data.next;
  } catch (err) {
    if (!ctx.isCurrent()) return;
    if (err.kind === 'auth') {
      lostSession();
      return ctx.render({ focus: false });
    }
    fill(view, backLink(), pageHeading(t('access.heading')), errorAlert(err, { page: true, retry: () => render(view, ctx) }));
    return;
  }
  if (!ctx.isCurrent()) return;
  const list = h('ol', { class: 'access-list' }, entries.map(item));
  fill(
    view,
    backLink(),
    pageHeading(t('access.heading')),
    h('p', null, t('access.intro')),
    entries.length
      ? [
          list,
          moreButton(PATH, 'entries', next, (more) => {
            const items = more.map(item);
            list.append(...items);
            return items[0];
          }),
        ]
      : h('p', { class: 'empty' }, t('access.empty')),
  );
}

function item(e) {
  const count = Number(e.count) || 1;
  return h(
    'li',
    { class: 'access-item' },
    h('p', { class: 'access-what' }, h('span', { class: 'weight-semibold' }, who(e.actor)), ' – ', what(e)),
    e.reason ? h('p', { class: 'access-reason' }, t('access.reason', { reason: e.reason })) : null,
    h(
      'p',
      { class: 'history-meta' },
      count > 1 && e.first_at
        ? t('access.times', { count, first: dateTime(e.first_at), last: dateTime(e.at) })
        : h('time', { datetime: e.at }, dateTime(e.at)),
    ),
  );
}
