// Beskeder: the citizen's thread with their contact person (the
// caseworker reads and answers in it too), newest first, a page at a time,
// with read receipts on the citizen's own messages. The form keeps its
// text as a draft (drafts.js) with a key of its own: a send that may have
// been lost is sent again under the same key, and stored once.

import * as api from '../api.js';
import * as drafts from '../drafts.js';
import { h, fill } from '../dom.js';
import { t, dateTime } from '../i18n/index.js';
import { state, loadPlan, lostSession } from '../state.js';
import { announce, errorAlert, pageHeading, backLink, skeleton, textEditor, moreButton } from '../ui.js';

const PATH = '/api/v1/messages';
const DRAFT = 'message';
const MAX = 4000;

export async function render(view, ctx) {
  fill(view, backLink(), pageHeading(t('messages.heading')), skeleton(3, 'skeleton-card'));
  let res;
  try {
    [res] = await Promise.all([api.get(PATH), state.plan ? null : loadPlan().catch(() => null)]);
  } catch (err) {
    if (!ctx.isCurrent()) return;
    if (err.kind === 'auth') {
      lostSession();
      return ctx.render({ focus: false });
    }
    // The draft is kept; the form comes back with the thread.
    fill(view, backLink(), pageHeading(t('messages.heading')), errorAlert(err, { kept: drafts.has(DRAFT), retry: () => render(view, ctx) }));
    return;
  }
  if (!ctx.isCurrent()) return;
  draw(view, ctx, (res.data && res.data.messages) || [], res.data && res.data.next);
}

function item(m) {
  const who = m.mine ? t('messages.you') : m.from.title ? `${m.from.name}, ${m.from.title}` : m.from.name;
  return h(
    'li',
    { class: `message${m.mine ? ' message-mine' : ''}` },
    h('p', { class: 'message-meta' }, h('span', { class: 'weight-semibold' }, who), ' · ', h('time', { datetime: m.at }, dateTime(m.at))),
    h('p', { class: 'message-text' }, m.text),
    m.mine ? h('p', { class: 'message-receipt' }, m.read_at ? t('messages.read', { time: dateTime(m.read_at) }) : t('messages.notRead')) : null,
  );
}

function draw(view, ctx, list, next) {
  const c = state.plan && state.plan.contact;
  const intro = [h('p', null, c && c.name ? t('messages.intro', { name: c.name }) : t('messages.introNone'))];
  if (c && c.hours) intro.push(h('p', { class: 'message-hours' }, t('messages.hours', { name: c.name, hours: c.hours })));

  const ul = h('ul', { class: 'message-list' }, list.map(item));
  const empty = h('p', { class: 'empty', hidden: list.length > 0 }, t('messages.empty'));
  const more = moreButton(PATH, 'messages', next, (rows) => {
    const els = rows.map(item);
    ul.append(...els);
    return els[0];
  });

  const { form } = textEditor({
    draftKey: DRAFT,
    label: t('messages.label'),
    max: MAX,
    saveLabel: t('messages.send'),
    onCancel: () => render(view, ctx),
    onSave: async (text) => {
      // The key is made once per draft and kept with it, so that a retry
      // of a send whose answer was lost stores the message once.
      let key = (drafts.get(DRAFT) || {}).key;
      if (!key) {
        key = drafts.newKey();
        drafts.update(DRAFT, { key });
      }
      try {
        const res = await api.post(PATH, { text, key });
        empty.hidden = true;
        ul.prepend(item(res.data));
        const area = form.querySelector('textarea');
        area.value = '';
        area.dispatchEvent(new Event('input'));
        drafts.remove(DRAFT);
        announce(t('messages.sent'));
      } catch (err) {
        if (err.kind === 'auth') lostSession();
        throw err;
      }
    },
  });
  form.classList.add('message-form');

  fill(
    view,
    backLink(),
    pageHeading(t('messages.heading')),
    intro,
    form,
    h('section', { 'aria-labelledby': 'thread-heading' }, h('h2', { id: 'thread-heading' }, t('messages.listHeading')), empty, ul, more),
  );
}
