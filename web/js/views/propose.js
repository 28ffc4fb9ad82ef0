// Foreslå en ændring: a short form for a new goal, a change to a goal or
// stopping one, always with the citizen's reason. Every field is kept in
// the drafts store as it is typed, so nothing is lost to a logout, a
// conflict or a dropped connection.

import * as api from '../api.js';
import { h, fill, newId } from '../dom.js';
import * as drafts from '../drafts.js';
import { t } from '../i18n/index.js';
import { state, loadPlan, lostSession, allGoals, setFlash } from '../state.js';
import { alert, charCounter, errorAlert, errorSummary, onSubmit, pageHeading, backLink, skeleton, TEXT_MAX, TITLE_MAX, DESCRIPTION_MAX } from '../ui.js';

const KEY = 'proposal';
const KINDS = [
  ['add_goal', 'propose.kindAdd'],
  ['change_goal', 'propose.kindChange'],
  ['retire_goal', 'propose.kindRetire'],
];

export async function render(view, ctx) {
  fill(view, backLink(), pageHeading(t('propose.heading')), skeleton(6, 'skeleton-card'));
  if (!state.plan) {
    try {
      await loadPlan();
    } catch (err) {
      if (!ctx.isCurrent()) return;
      if (err.kind === 'auth') {
        lostSession();
        return ctx.render({ focus: false });
      }
      fill(view, backLink(), pageHeading(t('propose.heading')), errorAlert(err, { page: true, retry: () => render(view, ctx) }));
      return;
    }
  }
  if (!ctx.isCurrent()) return;
  draw(view);
}

function draw(view) {
  const d = drafts.get(KEY) || {};
  const ids = { kind: newId('kind'), goal: newId('goal'), title: newId('title'), desc: newId('desc'), reason: newId('reason') };
  const errors = {};

  // The kind.
  const radios = KINDS.map(([value, key], i) => {
    const id = `${ids.kind}-${i}`;
    const input = h('input', { type: 'radio', class: 'form-radio', name: 'kind', id, value, checked: d.kind === value });
    return { input, el: h('div', { class: 'form-group-radio' }, input, h('label', { class: 'form-label', for: id }, t(key))) };
  });
  const kindError = h('span', { class: 'form-error-message', id: `${ids.kind}-error`, hidden: true });
  const kindGroup = h(
    'fieldset',
    { class: 'form-group' },
    h('legend', { class: 'form-label' }, t('propose.kindLegend')),
    kindError,
    radios.map((r) => r.el),
  );

  // The goal (for a change or a stop).
  const select = h(
    'select',
    { class: 'form-select', id: ids.goal, name: 'goal_id' },
    h('option', { value: '' }, t('propose.goalChoose')),
    allGoals(state.plan).map(({ goal, depth }) =>
      h('option', { value: String(goal.id), selected: String(goal.id) === String(d.goal_id || '') }, `${depth ? '– '.repeat(depth) : ''}${goal.title}`),
    ),
  );
  const goalError = h('span', { class: 'form-error-message', id: `${ids.goal}-error`, hidden: true });
  const goalGroup = h('div', { class: 'form-group' }, h('label', { class: 'form-label', for: ids.goal }, t('propose.goalLabel')), goalError, select);

  // Title and description (for a new goal or a change).
  const title = h('input', { type: 'text', class: 'form-input', id: ids.title, name: 'title', autocomplete: 'off', 'aria-describedby': `${ids.title}-hint` });
  title.value = d.title || '';
  const titleLabel = h('label', { class: 'form-label', for: ids.title });
  const titleError = h('span', { class: 'form-error-message', id: `${ids.title}-error`, hidden: true });
  const titleGroup = h(
    'div',
    { class: 'form-group' },
    titleLabel,
    h('span', { class: 'form-hint', id: `${ids.title}-hint` }, t('propose.titleHint')),
    titleError,
    title,
    charCounter(title, TITLE_MAX),
  );
  const desc = h('textarea', { class: 'form-input', id: ids.desc, name: 'description', rows: 3 });
  desc.value = d.description || '';
  const descGroup = h(
    'div',
    { class: 'form-group' },
    h('label', { class: 'form-label', for: ids.desc }, t('propose.descriptionLabel'), h('span', { class: 'weight-normal' }, ` ${t('common.optional')}`)),
    desc,
    charCounter(desc, DESCRIPTION_MAX),
  );

  // The reason, always.
  const reason = h('textarea', { class: 'form-input', id: ids.reason, name: 'reason', rows: 4, required: true, 'aria-describedby': `${ids.reason}-hint` });
  reason.value = d.reason || '';
  const reasonError = h('span', { class: 'form-error-message', id: `${ids.reason}-error`, hidden: true });
  const reasonGroup = h(
    'div',
    { class: 'form-group' },
    h('label', { class: 'form-label', for: ids.reason }, t('propose.reasonLabel')),
    h('span', { class: 'form-hint', id: `${ids.reason}-hint` }, t('propose.reasonHint')),
    reasonError,
    reason,
    charCounter(reason, TEXT_MAX),
  );

  const summary = h('div', { class: 'form-summary', tabindex: '-1' });
  const msg = h('div', { class: 'editor-message' });
  const submit = h('button', { type: 'submit', class: 'button button-primary' }, t('propose.submit'));
  const form = h(
    'form',
    { class: 'propose-form', novalidate: true },
    summary,
    kindGroup,
    goalGroup,
    titleGroup,
    descGroup,
    reasonGroup,
    msg,
    h('div', { class: 'button-row' }, submit, h('a', { class: 'button button-secondary', href: '#/plan', onclick: () => drafts.remove(KEY) }, t('common.cancel'))),
  );

  const kind = () => (radios.find((r) => r.input.checked) || {}).input?.value || '';
  function shape() {
    const k = kind();
    goalGroup.hidden = !(k === 'change_goal' || k === 'retire_goal');
    titleGroup.hidden = !(k === 'add_goal' || k === 'change_goal');
    descGroup.hidden = titleGroup.hidden;
    titleLabel.replaceChildren(t(k === 'change_goal' ? 'propose.titleChange' : 'propose.titleAdd'));
    if (k === 'change_goal') titleLabel.append(h('span', { class: 'weight-normal' }, ` ${t('common.optional')}`));
  }
  shape();

  function keep() {
    drafts.set(KEY, { kind: kind(), goal_id: select.value, title: title.value, description: desc.value, reason: reason.value });
  }
  form.addEventListener('input', keep);
  form.addEventListener('change', () => {
    keep();
    shape();
  });

  function setError(group, el, input, text) {
    group.classList.toggle('form-error', Boolean(text));
    el.hidden = !text;
    el.replaceChildren(text ? h('span', { class: 'sr-only' }, `${t('common.error')}: `) : '', text || '');
    const targets = input ? (Array.isArray(input) ? input : [input]) : [];
    for (const i of targets) {
      if (text) {
        i.setAttribute('aria-invalid', 'true');
        i.setAttribute('aria-describedby', `${el.id} ${i.dataset.hint || ''}`.trim());
      } else {
        i.removeAttribute('aria-invalid');
        if (i.dataset.hint) i.setAttribute('aria-describedby', i.dataset.hint);
        else i.removeAttribute('aria-describedby');
      }
    }
    if (text) errors[el.id] = { text, target: targets[0] };
    else delete errors[el.id];
  }
  title.dataset.hint = `${ids.title}-hint`;
  reason.dataset.hint = `${ids.reason}-hint`;

  function validate() {
    const k = kind();
    setError(kindGroup, kindError, radios.map((r) => r.input), k ? '' : t('propose.needKind'));
    const needGoal = (k === 'change_goal' || k === 'retire_goal') && !select.value;
    setError(goalGroup, goalError, select, needGoal ? t('propose.needGoal') : '');
    let titleMsg = '';
    if (k === 'add_goal' && !title.value.trim()) titleMsg = t('propose.needTitle');
    if (k === 'change_goal' && !title.value.trim() && !desc.value.trim()) titleMsg = t('propose.needChange');
    if ([...title.value].length > TITLE_MAX) titleMsg = t('errors.tooLong');
    setError(titleGroup, titleError, title, titleMsg);
    let reasonMsg = reason.value.trim() ? '' : t('propose.needReason');
    if ([...reason.value].length > TEXT_MAX) reasonMsg = t('errors.tooLong');
    setError(reasonGroup, reasonError, reason, reasonMsg);
    return errorSummary(summary, Object.values(errors), t('propose.errorSummary'));
  }

  onSubmit(form, submit, {
    idleText: t('propose.submit'),
    busyText: t('propose.sending'),
    validate: () => {
      keep();
      msg.replaceChildren();
      return validate();
    },
    send: async () => {
      const k = kind();
      const body = { kind: k, reason: reason.value };
      if (k !== 'add_goal') body.goal_id = Number(select.value);
      if (k !== 'retire_goal') {
        if (title.value.trim()) body.title = title.value.trim();
        if (desc.value.trim()) body.description = desc.value;
      }
      try {
        await api.post('/api/v1/proposals', body);
        drafts.remove(KEY);
        setFlash('success', t('propose.sent'));
        location.hash = '#/forslag';
      } catch (err) {
        msg.replaceChildren(errorAlert(err, { kept: true, retry: () => form.requestSubmit() }));
      }
    },
  });

  const restored = drafts.pending().includes(KEY);
  fill(
    view,
    backLink(),
    pageHeading(t('propose.heading')),
    h('p', null, t('propose.intro')),
    restored ? alert('info', t('propose.draftRestored'), { role: 'none' }) : null,
    form,
  );
}
