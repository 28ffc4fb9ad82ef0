// Sig ja til planen: what changed since the citizen's last yes, field by
// field with before and after (GET /api/v1/plan/changes), and two answers:
// yes (answered with a receipt of what was agreed, shown again later) or
// "not yet, I want to talk first" with a comment for the contact person.
// The citizen's own edits of their own dreams keep a yes standing (the
// server's rule, "state"): they are shown, but ask for no new yes. If the
// plan moved meanwhile (409), the new changes are shown and the citizen
// can answer again.

import * as api from '../api.js';
import { h, fill, icon, newId } from '../dom.js';
import { t, dateTime, has, number } from '../i18n/index.js';
import { loadPlan, lostSession } from '../state.js';
import { alert, announce, charCounter, errorAlert, pageHeading, backLink, skeleton } from '../ui.js';

const COMMENT_MAX = 2000;

export async function render(view, ctx, message) {
  if (!message) fill(view, backLink(), pageHeading(t('accept.heading')), h('p', null, t('accept.intro')), skeleton(3, 'skeleton-card'), skeleton(1, 'skeleton-button'));
  let changes;
  let answer;
  try {
    const [, c, a] = await Promise.all([loadPlan(), api.get('/api/v1/plan/changes'), api.get('/api/v1/plan/acceptance')]);
    changes = c.data;
    answer = a.data;
  } catch (err) {
    if (!ctx.isCurrent()) return;
    if (err.kind === 'auth') {
      lostSession();
      return ctx.render({ focus: false });
    }
    fill(view, backLink(), pageHeading(t('accept.heading')), errorAlert(err, { page: true, retry: () => render(view, ctx) }));
    return;
  }
  if (!ctx.isCurrent()) return;
  draw(view, ctx, changes, answer, message);
}

// A value as the citizen reads it: a goal's area and status in words.
function shown(c, v) {
  if (c.field === 'area' && has(`areas.${v}`)) return t(`areas.${v}`);
  if (c.field === 'status' && has(`goalStatus.${v}`)) return t(`goalStatus.${v}`);
  if (c.field === 'hours_per_week' && !Number.isNaN(Number(v))) return number(Number(v));
  return v;
}

// Before -> after: the old text struck through, and said in words for a
// screen reader ("Før, fjernet:"), the new one marked as new.
function beforeAfter(c) {
  if (c.before == null && c.after == null) return null;
  const parts = [];
  if (c.before != null) {
    parts.push(h('p', { class: 'change-before' }, h('span', { class: 'change-label' }, t('accept.before')), ' ', h('del', null, h('span', { class: 'sr-only' }, `${t('accept.removedSr')} `), shown(c, c.before))));
  }
  if (c.before != null && c.after != null) parts.push(h('p', { class: 'change-arrow', 'aria-hidden': 'true' }, '↓'));
  if (c.after != null) {
    parts.push(h('p', { class: 'change-after' }, h('span', { class: 'change-label' }, t('accept.after')), ' ', h('ins', null, h('span', { class: 'sr-only' }, `${t('accept.addedSr')} `), shown(c, c.after))));
  }
  return h('div', { class: 'change-values' }, parts);
}

function byLine(c) {
  const who = c.by.you ? t('accept.byYou') : c.by.role ? `${c.by.name}, ${c.by.role}` : c.by.name;
  return `${t('common.version', { n: c.version })} · ${dateTime(c.at)} · ${t('history.by', { by: who })}`;
}

// One item per version: its summary, who and when, then each field it
// changed, before and after (a version that names no field: its summary).
function changeList(changes) {
  const versions = [];
  for (const c of changes) {
    const last = versions[versions.length - 1];
    if (last && last[0].version === c.version) last.push(c);
    else versions.push([c]);
  }
  return h(
    'ol',
    { class: 'history-list change-list' },
    versions.map((fields) => {
      const first = fields[0];
      const named = fields.filter((c) => c.subject != null);
      return h(
        'li',
        { class: 'history-item' },
        h('p', { class: 'history-summary' }, first.summary),
        h('p', { class: 'history-meta' }, byLine(first)),
        first.own ? h('p', { class: 'change-own' }, icon('check'), t('accept.ownChange')) : null,
        named.length
          ? h('ul', { class: 'change-fields' }, named.map((c) => h('li', null, h('p', { class: 'change-what' }, c.what), beforeAfter(c))))
          : null,
      );
    }),
  );
}

// What was agreed, as the server kept it with the yes.
function receiptCard(r) {
  const goals = Array.isArray(r.goals) ? r.goals : null;
  return h(
    'section',
    { class: 'receipt', 'aria-labelledby': 'receipt-heading' },
    h('h2', { id: 'receipt-heading' }, t('accept.receiptHeading')),
    h('p', null, t('accept.receiptText', { version: t('common.version', { n: r.version }), at: dateTime(r.accepted_at) })),
    goals
      ? [
          h('h3', null, t('accept.receiptGoals')),
          goals.length
            ? h('ul', { class: 'receipt-goals' }, goals.map((g) => h('li', null, g.title, ` (${has(`goalStatus.${g.status}`) ? t(`goalStatus.${g.status}`) : g.status})`, g.subgoals.length ? h('ul', null, g.subgoals.map((s) => h('li', null, s.title))) : null)))
            : h('p', null, t('plan.goalsEmpty')),
          h('h3', null, t('accept.receiptDreams')),
          r.dreams.length ? h('ul', { class: 'receipt-dreams' }, r.dreams.map((d) => h('li', null, d))) : h('p', null, t('plan.dreamsEmpty')),
        ]
      : null,
  );
}

function answerForms(view, ctx, version) {
  const current = t('common.version', { n: version });
  const yesMsg = h('div', { class: 'editor-message' });
  const yesButton = h('button', { type: 'submit', class: 'button button-primary' }, icon('check'), t('accept.button', { version: current }));
  const yesForm = h('form', { class: 'accept-form' }, yesMsg, h('p', { class: 'form-hint' }, t('accept.law')), yesButton);

  const id = newId('not-yet');
  const comment = h('textarea', { class: 'form-input', id, name: 'comment', rows: 4, maxlength: COMMENT_MAX, 'aria-describedby': `${id}-hint` });
  const noMsg = h('div', { class: 'editor-message' });
  const noButton = h('button', { type: 'submit', class: 'button button-secondary' }, t('accept.notYetButton'));
  const noForm = h(
    'form',
    { class: 'not-yet-form' },
    h('h2', null, t('accept.notYetHeading')),
    h(
      'div',
      { class: 'form-group' },
      h('label', { class: 'form-label', for: id }, t('accept.commentLabel'), h('span', { class: 'weight-normal' }, ` ${t('common.optional')}`)),
      h('span', { class: 'form-hint', id: `${id}-hint` }, t('accept.commentHint')),
      comment,
      charCounter(comment, COMMENT_MAX),
    ),
    noMsg,
    noButton,
  );

  async function send(body, button, msg, done) {
    button.disabled = true;
    msg.replaceChildren();
    try {
      const { data } = await api.post('/api/v1/plan/acceptance', body);
      announce(done);
      await render(view, ctx, alert('success', done, { role: 'none' }));
      focusHeading(view);
      return data;
    } catch (err) {
      if (err.kind === 'conflict' || err.kind === 'stale') {
        await render(view, ctx, alert('warning', t('accept.conflict')));
        focusHeading(view);
        return null;
      }
      button.disabled = false;
      msg.append(errorAlert(err));
      return null;
    }
  }
  yesForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    send({ version, answer: 'yes' }, yesButton, yesMsg, t('accept.done'));
  });
  noForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const text = comment.value.trim();
    send({ version, answer: 'not_yet', ...(text ? { comment: text } : {}) }, noButton, noMsg, t('accept.notYetDone'));
  });
  return [yesForm, noForm];
}

function draw(view, ctx, changes, answer, message) {
  const version = answer.version;
  const accepted = answer.accepted_version;
  const stands = answer.state === 'current' || answer.state === 'own_dreams_edited';
  const body = [];
  if (answer.not_yet) {
    const said = answer.not_yet.comment ? [t('accept.notYetOpenComment'), ' ', h('q', { class: 'keep-lines' }, answer.not_yet.comment)] : t('accept.notYetOpen');
    body.push(alert('info', said, { heading: t('accept.notYetOpenHeading'), role: 'none' }));
  }
  if (stands) {
    const n = t('common.version', { n: accepted });
    if (answer.state === 'own_dreams_edited') {
      body.push(alert('success', t('accept.upToDateOwn', { version: n }), { role: 'none' }));
      body.push(changeList(changes.changes));
    } else {
      body.push(alert('success', t('accept.upToDate', { version: n }), { role: 'none' }));
    }
  } else {
    body.push(h('h2', null, accepted ? t('accept.changed', { version: t('common.version', { n: accepted }) }) : t('accept.never')));
    body.push(changes.changes.length ? changeList(changes.changes) : h('p', null, t('history.empty')));
    body.push(h('p', null, h('a', { href: '#/plan' }, t('accept.readPlan'))));
    body.push(...answerForms(view, ctx, version));
  }
  if (answer.receipt) body.push(receiptCard(answer.receipt));
  fill(view, backLink(), pageHeading(t('accept.heading')), message || null, h('p', null, t('accept.intro')), body);
}

function focusHeading(view) {
  const heading = view.querySelector('h1');
  if (heading) heading.focus();
}
