// The citizen's messages on the staff's citizen page: how many of the
// citizen's messages nobody has read (from the plan read), the thread
// itself only when opened (reading it is an audited read of its own, and
// marks the citizen's messages read for their caseworker and contact
// person), and a form to write in it. The text is a draft (drafts.js)
// with a key of its own, so a send that may have been lost is stored once.

import * as api from '/js/api.js';
import * as drafts from '/js/drafts.js';
import { h } from '/js/dom.js';
import { t, dateTime } from '/js/i18n/index.js';
import { alert, announce, badge, moreButton } from '/js/ui.js';
import { citizenPath, roleName, showError } from '../common.js';
import { field } from '../forms.js';

const MAX = 4000;

function item(m) {
  const who = m.mine ? t('messages.you') : `${m.from.name} (${m.from.role === 'citizen' ? t('messages.citizen') : roleName(m.from.role)})`;
  return h(
    'li',
    { class: `message${m.from.role === 'citizen' ? '' : ' message-mine'}` },
    h('p', { class: 'message-meta' }, h('span', { class: 'weight-semibold' }, who), ' · ', h('time', { datetime: m.at }, dateTime(m.at))),
    h('p', { class: 'message-text' }, m.text),
    h('p', { class: 'message-receipt' }, m.read_at ? t('messages.read', { time: dateTime(m.read_at) }) : t('messages.notRead')),
  );
}

/** The section for citizen id whose staff plan read is plan. */
export function messagesSection(id, plan) {
  const path = citizenPath(id, 'messages');
  const key = `message:${id}`;
  const unread = plan.unread_messages || 0;
  const ul = h('ul', { class: 'message-list' });
  const status = h('div', { class: 'thread-status' });
  const thread = h('details', { class: 'message-thread' }, h('summary', null, t('messages.show')), status, ul);
  let loaded = false;
  thread.addEventListener('toggle', async () => {
    if (!thread.open || loaded) return;
    loaded = true;
    status.replaceChildren(h('p', { role: 'status' }, t('loading')));
    try {
      const { data } = await api.get(path);
      status.replaceChildren(data.messages.length ? '' : h('p', { class: 'empty' }, t('messages.empty')));
      ul.replaceChildren(...data.messages.map(item));
      thread.append(moreButton(path, 'messages', data.next, (rows) => {
        const els = rows.map(item);
        ul.append(...els);
        return els[0];
      }));
      if (count) count.remove();
    } catch (err) {
      loaded = false;
      status.replaceChildren(alert('error', t(`errors.${err.kind || 'server'}`)));
    }
  });

  const d = drafts.get(key) || {};
  const text = field({ kind: 'textarea', label: t('messages.label'), value: d.text || '', max: MAX, attrs: { rows: 4, name: 'text' } });
  text.input.addEventListener('input', () => drafts.update(key, { text: text.input.value }));
  const msg = h('div', { class: 'form-message' });
  const send = h('button', { type: 'submit', class: 'button button-primary' }, t('messages.send'));
  const form = h('form', { class: 'message-form', novalidate: true }, text.group, msg, h('div', { class: 'button-row' }, send));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (send.disabled) return;
    const value = text.input.value;
    msg.replaceChildren();
    if (value.trim() === '' || [...value].length > MAX) {
      text.setError(t(value.trim() === '' ? 'messages.emptyText' : 'messages.tooLong'));
      text.input.focus();
      return;
    }
    text.setError('');
    const k = (drafts.get(key) || {}).key || drafts.newKey();
    drafts.update(key, { text: value, key: k });
    send.disabled = true;
    send.textContent = t('common.sending');
    try {
      const { data } = await api.post(path, { text: value, key: k });
      text.input.value = '';
      text.input.dispatchEvent(new Event('input'));
      drafts.remove(key);
      if (loaded) ul.prepend(item(data));
      announce(t('messages.sent'));
      msg.replaceChildren(alert('success', t('messages.sent'), { role: 'none' }));
    } catch (err) {
      showError(msg, err, form);
    } finally {
      send.disabled = false;
      send.textContent = t('messages.send');
    }
  });

  const count = unread > 0 ? badge(t('messages.unread', { n: unread }), 'warning') : null;
  return h(
    'section',
    { class: 'plan-section', 'aria-labelledby': 'messages-heading' },
    h('h2', { id: 'messages-heading' }, t('messages.heading'), ' ', count),
    h('p', null, t('messages.intro')),
    form,
    thread,
  );
}
