// forms: the fields of the caseworker pages' forms, on Det Fælles
// Designsystem's form classes: a label, an optional hint, an error message
// that is tied to the field (aria-describedby, aria-invalid) and a
// character count where there is a limit; the errors of a form for its
// summary (ui.js's errorSummary); a checkbox; the pickers of area and
// legal basis.

import { h, newId } from '/js/dom.js';
import { t } from '/js/i18n/index.js';
import { charCounter, errorSummary } from '/js/ui.js';

/**
 * A field. kind: 'input' | 'textarea' | 'select'. attrs go on the control
 * (name, type, rows, inputmode...); options (select): [[value, text]] or
 * { group: label, options: [[value, text]] }. Returns { group, input,
 * setError(text) }; setError('') clears it.
 */
export function field({ kind = 'input', label, hint, value = '', max, optional = false, attrs = {}, options = [] }) {
  const id = newId('f');
  const hintId = hint ? `${id}-hint` : null;
  const errId = `${id}-error`;
  let input;
  if (kind === 'select') {
    const opt = ([v, text]) => h('option', { value: v, selected: String(v) === String(value) }, text);
    input = h(
      'select',
      { class: 'form-select', id, ...attrs },
      options.map((o) => (Array.isArray(o) ? opt(o) : h('optgroup', { label: o.group }, o.options.map(opt)))),
    );
  } else {
    input = h(kind, { class: 'form-input', id, ...(kind === 'input' ? { type: 'text' } : {}), ...attrs });
    input.value = value;
  }
  if (hintId) input.setAttribute('aria-describedby', hintId);
  const error = h('span', { class: 'form-error-message', id: errId, hidden: true });
  const group = h(
    'div',
    { class: 'form-group' },
    h('label', { class: 'form-label', for: id }, label, optional ? h('span', { class: 'weight-normal' }, ` ${t('common.optional')}`) : null),
    hint ? h('span', { class: 'form-hint', id: hintId }, hint) : null,
    error,
    input,
    max ? charCounter(input, max) : null,
  );
  return { group, input, setError: (text) => markError({ group, error, input, errId, hintId }, text) };
}

/** Shows text as a field's error (its group marked, the message tied to
 * the control with aria-describedby beside any hint), or clears it ('').
 */
function markError({ group, error, input, errId, hintId }, text) {
  group.classList.toggle('form-error', Boolean(text));
  error.hidden = !text;
  error.replaceChildren(text ? h('span', { class: 'sr-only' }, `${t('common.error')}: `) : '', text || '');
  if (text) {
    input.setAttribute('aria-invalid', 'true');
    input.setAttribute('aria-describedby', [errId, hintId].filter(Boolean).join(' '));
  } else {
    input.removeAttribute('aria-invalid');
    if (hintId) input.setAttribute('aria-describedby', hintId);
    else input.removeAttribute('aria-describedby');
  }
}

/** Radio buttons in a fieldset: choices [[value, label, extra?]]. Returns
 * { group, inputs, value(), setError(text) }. */
export function radios({ legend, name, choices, value }) {
  const id = newId('r');
  const errId = `${id}-error`;
  const error = h('span', { class: 'form-error-message', id: errId, hidden: true });
  const inputs = [];
  const group = h(
    'fieldset',
    { class: 'form-group' },
    h('legend', { class: 'form-label' }, legend),
    error,
    choices.map(([v, label, extra], i) => {
      const input = h('input', { type: 'radio', class: 'form-radio', name, id: `${id}-${i}`, value: String(v), checked: String(v) === String(value) });
      inputs.push(input);
      return h('div', { class: 'form-group-radio' }, input, h('label', { class: 'form-label', for: `${id}-${i}` }, label, extra ? h('span', { class: 'radio-extra' }, ` ${extra}`) : null));
    }),
  );
  function setError(text) {
    group.classList.toggle('form-error', Boolean(text));
    error.hidden = !text;
    error.textContent = text || '';
    for (const i of inputs) {
      if (text) i.setAttribute('aria-describedby', errId);
      else i.removeAttribute('aria-describedby');
    }
  }
  const current = () => (inputs.find((i) => i.checked) || { value: '' }).value;
  return { group, inputs, value: current, setError };
}

/**
 * Collects a form's errors: check(field, bad, text[, target]) marks the
 * field (or clears it) and notes the error; report(box) shows the summary
 * (see errorSummary) and is true when there were none.
 */
export function checker() {
  const errors = [];
  return {
    check(f, bad, text, target) {
      if (!f) return;
      f.setError(bad ? text : '');
      if (bad) errors.push({ text, target: target || f.input });
    },
    note(text, target) {
      errors.push({ text, target });
    },
    report(box) {
      return errorSummary(box, errors, t('common.errorSummary'));
    },
  };
}

/**
 * A form to pick one person (radios, see radios()) and save: the summary,
 * the message box under it, the save button and a cancel link to
 * cancelHref. Returns { form, summary, msg, submit }.
 */
export function pickForm(choice, saveText, cancelHref) {
  const summary = h('div', { class: 'form-summary', tabindex: '-1' });
  const msg = h('div', { class: 'editor-message' });
  const submit = h('button', { type: 'submit', class: 'button button-primary' }, saveText);
  const form = h(
    'form',
    { class: 'admin-form', novalidate: true },
    summary,
    choice.group,
    msg,
    h('div', { class: 'button-row' }, submit, h('a', { class: 'button button-secondary', href: cancelHref }, t('common.cancel'))),
  );
  return { form, summary, msg, submit };
}

/** Hours per week as the person typed them ("1,5", "2"): a number 0..80
 * with at most one decimal, null for an empty field, NaN when unreadable. */
export function parseHours(text) {
  const s = String(text || '').trim().replace(',', '.');
  if (s === '') return null;
  if (!/^\d{1,2}(\.\d)?$/.test(s)) return NaN;
  const n = Number(s);
  return n >= 0 && n <= 80 ? n : NaN;
}

/** Options for the legal-basis picker: grouped by law, "code – title". */
export function legalOptions(bases, chooseText) {
  const byLaw = new Map();
  for (const b of bases) {
    if (!byLaw.has(b.law)) byLaw.set(b.law, []);
    byLaw.get(b.law).push([b.code, `${b.code} – ${b.title}`]);
  }
  return [['', chooseText], ...[...byLaw].map(([law, options]) => ({ group: law, options }))];
}

const AREAS = ['job', 'education', 'health', 'social', 'family', 'housing', 'economy'];

/** Options for the area picker. */
export function areaOptions() {
  return [['', t('goal.areaChoose')], ...AREAS.map((a) => [a, t(`areas.${a}`)])];
}

/** One checkbox with its label and an error message tied to it. Returns
 * { group, input, setError(text) }. */
export function checkbox({ label, name }) {
  const id = newId('c');
  const errId = `${id}-error`;
  const input = h('input', { type: 'checkbox', class: 'form-checkbox', id, name });
  const error = h('span', { class: 'form-error-message', id: errId, hidden: true });
  const group = h('div', { class: 'form-group' }, error, h('div', { class: 'form-group-checkbox' }, input, h('label', { class: 'form-label', for: id }, label)));
  return { group, input, setError: (text) => markError({ group, error, input, errId }, text) };
}
