// Møder: the citizen's meetings made together. Upcoming ones with the
// agenda (its lines kept), the points added to it and by whom, a form to
// add one's own point, the answer "I'm coming" / "I can't come" with a
// comment, and the meeting as a calendar file; past ones (held or begun)
// with their minutes. Texts typed here are kept in the drafts store.

import * as api from '../api.js';
import { h, fill, icon, newId } from '../dom.js';
import * as drafts from '../drafts.js';
import { t, dateTimeLong, has } from '../i18n/index.js';
import { lostSession } from '../state.js';
import { alert, announce, errorAlert, onSubmit, pageHeading, skeleton } from '../ui.js';

const POINT_MAX = 1000;
const COMMENT_MAX = 1000;
let liveMessage = null; // { id, variant, text }: shown once in a meeting's card

export async function render(view, ctx) {
  fill(view, pageHeading(t('meetings.heading')), skeleton(3, 'skeleton-card'), skeleton(3, 'skeleton-card'));
  let data;
  try {
    ({ data } = await api.get('/api/v1/meetings'));
  } catch (err) {
    if (!ctx.isCurrent()) return;
    if (err.kind === 'auth') {
      lostSession();
      return ctx.render({ focus: false });
    }
    fill(view, pageHeading(t('meetings.heading')), errorAlert(err, { retry: () => render(view, ctx) }));
    return;
  }
  if (!ctx.isCurrent()) return;
  draw(view, ctx, data);
}

function kindName(kind) {
  return kind && has(`meetings.kinds.${kind}`) ? t(`meetings.kinds.${kind}`) : t('meetings.meeting');
}

function participantText(p) {
  if (!p || !p.name) return '';
  return p.role ? `${p.name} (${p.role})` : p.name;
}

function pointsList(points) {
  if (!points || !points.length) return null;
  return h(
    'ul',
    { class: 'point-list' },
    points.map((p) =>
      h(
        'li',
        { class: 'point' },
        h('p', { class: 'pre-line point-text' }, p.text),
        h('p', { class: 'point-by' }, p.by && p.by.role === 'citizen' ? t('meetings.byYou') : p.by ? p.by.name : '', ' · ', h('time', { datetime: p.at }, dateTimeLong(p.at))),
      ),
    ),
  );
}

function facts(m) {
  const parts = (m.participants || []).map(participantText).filter(Boolean);
  const rows = [[t('meetings.place'), m.place]];
  if (m.agenda) rows.push([t('meetings.agenda'), h('span', { class: 'pre-line' }, m.agenda)]);
  if (parts.length) rows.push([t('meetings.participants'), parts.join(', ')]);
  return h('dl', { class: 'meeting-facts' }, rows.map(([k, v]) => h('div', null, h('dt', null, k), h('dd', null, v))));
}

function head(m) {
  return [
    h('h3', { class: 'meeting-title', id: `meeting-${m.id}`, tabindex: '-1' }, kindName(m.kind)),
    h('p', { class: 'meeting-time' }, icon('calendar-month'), h('time', { datetime: m.starts_at }, dateTimeLong(m.starts_at))),
  ];
}

function draw(view, ctx, data) {
  const upcoming = data.meetings || [];
  const past = data.past || [];
  fill(
    view,
    h(
      'div',
      { class: 'meetings-page' },
      pageHeading(t('meetings.heading')),
      h('p', null, t('meetings.intro')),
      h(
        'section',
        { class: 'plan-section', 'aria-labelledby': 'upcoming-heading' },
        h('h2', { id: 'upcoming-heading' }, t('meetings.upcomingHeading')),
        upcoming.length ? h('ul', { class: 'meeting-list' }, upcoming.map((m) => upcomingCard(m, view, ctx))) : h('p', { class: 'empty' }, t('meetings.upcomingEmpty')),
      ),
      h(
        'section',
        { class: 'plan-section', 'aria-labelledby': 'past-heading' },
        h('h2', { id: 'past-heading' }, t('meetings.pastHeading')),
        past.length ? h('ul', { class: 'meeting-list' }, past.map(pastCard)) : h('p', { class: 'empty' }, t('meetings.pastEmpty')),
      ),
    ),
  );
}

function pastCard(m) {
  return h(
    'li',
    { class: 'meeting-card' },
    ...head(m),
    facts(m),
    h('h4', { class: 'meeting-subheading' }, t('meetings.pointsHeading')),
    pointsList(m.points) || h('p', { class: 'empty' }, t('meetings.noPoints')),
    h('h4', { class: 'meeting-subheading' }, t('meetings.minutesHeading')),
    m.minutes
      ? h('div', { class: 'minutes' }, h('p', { class: 'pre-line' }, m.minutes.text), h('p', { class: 'point-by' }, m.minutes.by || '', ' · ', h('time', { datetime: m.minutes.at }, dateTimeLong(m.minutes.at))))
      : h('p', { class: 'empty' }, t('meetings.noMinutes')),
  );
}

/** After a change: the page drawn anew, the message in the meeting's card. */
async function reload(view, ctx, id, variant, text) {
  liveMessage = { id, variant, text };
  announce(text);
  await render(view, ctx);
  const el = view.querySelector(`#meeting-${id}`);
  if (el) el.focus();
}

/** POSTs body to the meeting's what (agenda, response); on success the
 * draft under key goes and the page is drawn anew with done; on failure
 * the text stays and msg says why. */
async function sendThenReload({ m, what, body, key, msg, done, view, ctx }) {
  try {
    await api.post(`/api/v1/meetings/${encodeURIComponent(m.id)}/${what}`, body);
  } catch (err) {
    if (err.kind === 'auth') {
      lostSession();
      ctx.render({ focus: false });
      return;
    }
    fill(msg, alert('error', err.kind === 'conflict' ? t('meetings.tooLate') : t(`errors.${err.kind}`)));
    return;
  }
  drafts.remove(key);
  await reload(view, ctx, m.id, 'success', done);
}

function upcomingCard(m, view, ctx) {
  const live = h('div', { class: 'dreams-live' });
  if (liveMessage && liveMessage.id === m.id) {
    live.append(alert(liveMessage.variant, liveMessage.text, { role: 'none' }));
    liveMessage = null;
  }
  const r = m.response;
  return h(
    'li',
    { class: 'meeting-card' },
    ...head(m),
    live,
    facts(m),
    h('h4', { class: 'meeting-subheading' }, t('meetings.pointsHeading')),
    pointsList(m.points) || h('p', { class: 'empty' }, t('meetings.noPoints')),
    pointForm(m, view, ctx),
    h('h4', { class: 'meeting-subheading' }, t('meetings.answerHeading')),
    r ? h('p', { class: 'meeting-answer' }, icon(r.answer === 'coming' ? 'check' : 'info'), t(`meetings.answered.${r.answer}`), r.comment ? h('span', { class: 'pre-line answer-comment' }, r.comment) : null) : null,
    answerForm(m, view, ctx),
    h('p', null, h('a', { href: `/api/v1/meetings/${encodeURIComponent(m.id)}/calendar`, download: `moede-${m.id}.ics`, class: 'button button-secondary' }, icon('calendar-month'), t('meetings.calendar'))),
  );
}

function textArea(key, label, max, optional) {
  const id = newId('mt');
  const input = h('textarea', { id, class: 'form-input', rows: 3, maxlength: String(max * 2), 'data-draft-key': key });
  input.value = (drafts.get(key) || {}).text || '';
  input.addEventListener('input', () => (input.value ? drafts.set(key, { text: input.value }) : drafts.remove(key)));
  const group = h('div', { class: 'form-group' }, h('label', { class: 'form-label', for: id }, label, optional ? ` ${t('meetings.optional')}` : ''), input);
  return { input, group };
}

function pointForm(m, view, ctx) {
  const key = `meeting-point:${m.id}`;
  const { input, group } = textArea(key, t('meetings.pointLabel'), POINT_MAX, false);
  const msg = h('div', { class: 'editor-message' });
  const submit = h('button', { type: 'submit', class: 'button button-primary' }, t('meetings.pointAdd'));
  const form = h('form', { class: 'meeting-form', novalidate: true }, group, msg, submit);
  onSubmit(form, submit, {
    idleText: t('meetings.pointAdd'),
    busyText: t('meetings.sending'),
    validate: () => {
      const v = input.value;
      const bad = !v.trim() ? t('meetings.pointNeeded') : [...v].length > POINT_MAX ? t('errors.tooLong') : '';
      fill(msg, bad ? alert('error', bad) : null);
      if (bad) input.focus();
      return !bad;
    },
    send: () => sendThenReload({ m, what: 'agenda', body: { text: input.value }, key, msg, done: t('meetings.pointAdded'), view, ctx }),
  });
  return form;
}

function answerForm(m, view, ctx) {
  const key = `meeting-answer:${m.id}`;
  const name = newId('ans');
  const current = m.response ? m.response.answer : '';
  const radio = (value) => {
    const id = newId('ar');
    const input = h('input', { type: 'radio', class: 'form-radio', name, id, value, checked: current === value });
    return { input, el: h('div', { class: 'form-group-radio' }, input, h('label', { class: 'form-label', for: id }, t(`meetings.answers.${value}`))) };
  };
  const yes = radio('coming');
  const no = radio('cannot_come');
  const legendId = newId('lg');
  const { input: comment, group } = textArea(key, t('meetings.commentLabel'), COMMENT_MAX, true);
  const msg = h('div', { class: 'editor-message' });
  const submit = h('button', { type: 'submit', class: 'button button-primary' }, t('meetings.answerSend'));
  const form = h(
    'form',
    { class: 'meeting-form', novalidate: true },
    h('fieldset', { class: 'form-group', 'aria-labelledby': legendId }, h('legend', { class: 'form-label', id: legendId }, t('meetings.answerLegend')), yes.el, no.el),
    group,
    msg,
    submit,
  );
  onSubmit(form, submit, {
    idleText: t('meetings.answerSend'),
    busyText: t('meetings.sending'),
    validate: () => {
      const bad = !yes.input.checked && !no.input.checked ? t('meetings.answerNeeded') : [...comment.value].length > COMMENT_MAX ? t('errors.tooLong') : '';
      fill(msg, bad ? alert('error', bad) : null);
      if (bad) (yes.input.checked || no.input.checked ? comment : yes.input).focus();
      return !bad;
    },
    send: () => {
      const body = { answer: yes.input.checked ? 'coming' : 'cannot_come' };
      if (comment.value.trim()) body.comment = comment.value;
      return sendThenReload({ m, what: 'response', body, key, msg, done: t('meetings.answerSaved'), view, ctx });
    },
  });
  return form;
}
