// Indskriv borger: a caseworker enrols a citizen (POST /citizens) with the
// CPR number, the name and, if known already, the contact person (from GET
// /staff?role=contact). The CPR number is checked as it is typed – its
// shape and that its first six digits are a date, the century from the
// seventh digit; never the check digit – and it goes in the POST body only:
// never in the address, never in the drafts store. On success the page of
// the new citizen follows.

import * as api from '/js/api.js';
import { h, fill } from '/js/dom.js';
import { t } from '/js/i18n/index.js';
import { setFlash } from '/js/state.js';
import { alert, backLink, onSubmit, pageHeading, skeleton, TITLE_MAX } from '/js/ui.js';
import { API, contacts, loadFailed, mayDecide, showError } from '../common.js';
import { checker, field } from '../forms.js';

const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The full year of ten CPR digits, by the seventh digit (core/cpr.c). */
function cprYear(d) {
  const yy = Number(d.slice(4, 6));
  const c7 = Number(d[6]);
  if (c7 <= 3) return 1900 + yy;
  if (c7 === 4 || c7 === 9) return yy <= 36 ? 2000 + yy : 1900 + yy;
  return yy <= 57 ? 2000 + yy : 1800 + yy;
}

const leap = (y) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/**
 * What is wrong with a CPR number as typed so far: '' (nothing yet),
 * 'shape' (a character that cannot be there), 'date' (the first six
 * digits are no date), 'short' (fine so far, not whole). Whole and right:
 * null. 29 February waits for the seventh digit, which gives the century.
 */
export function cprProblem(text) {
  const s = String(text);
  if (s === '') return '';
  if (!/^\d{0,10}$/.test(s) && !/^\d{6}-\d{0,4}$/.test(s)) return 'shape';
  const d = s.replace('-', '');
  const day = Number(d.slice(0, 2));
  const month = Number(d.slice(2, 4));
  if (d.length >= 2 && (day < 1 || day > 31)) return 'date';
  if (d.length === 3 && Number(d[2]) > 1) return 'date';
  if (d.length >= 4 && (month < 1 || month > 12 || day > DAYS[month - 1])) return 'date';
  if (d.length >= 7 && month === 2 && day === 29 && !leap(cprYear(d))) return 'date';
  return d.length === 10 ? null : 'short';
}

export async function render(view, ctx) {
  const heading = t('enrol.heading');
  fill(view, backLink(), pageHeading(heading), skeleton(2), skeleton(6, 'skeleton-card'));
  if (!mayDecide()) {
    fill(view, backLink(), pageHeading(heading), alert('info', t('errors.forbidden')));
    return;
  }
  let list;
  try {
    list = await contacts();
  } catch (err) {
    loadFailed(view, ctx, err, heading, () => render(view, ctx));
    return;
  }
  if (!ctx.isCurrent()) return;

  const cpr = field({
    label: t('enrol.cpr'),
    hint: t('enrol.cprHint'),
    attrs: { name: 'cpr', inputmode: 'numeric', autocomplete: 'off', spellcheck: 'false', maxlength: '11' },
  });
  const name = field({ label: t('enrol.name'), max: TITLE_MAX, attrs: { name: 'name', autocomplete: 'off', spellcheck: 'false' } });
  const contact = field({
    kind: 'select',
    label: t('enrol.contact'),
    optional: true,
    attrs: { name: 'contact_staff_id' },
    options: [['', t('enrol.noContact')], ...list.map((s) => [s.id, `${s.name} – ${s.title}`])],
  });

  // As it is typed: a wrong character or an impossible date at once; a
  // number not yet whole only when the field is left.
  const cprText = (p) => (p === 'shape' ? t('enrol.cprShape') : p === 'date' ? t('enrol.cprDate') : p === 'short' ? t('enrol.cprShort') : '');
  cpr.input.addEventListener('input', () => {
    const p = cprProblem(cpr.input.value);
    cpr.setError(p === 'shape' || p === 'date' ? cprText(p) : '');
  });
  cpr.input.addEventListener('blur', () => {
    const p = cprProblem(cpr.input.value);
    if (p) cpr.setError(cprText(p));
  });

  const summary = h('div', { class: 'form-summary', tabindex: '-1' });
  const msg = h('div', { class: 'editor-message' });
  const submit = h('button', { type: 'submit', class: 'button button-primary' }, t('enrol.submit'));
  // POST, never GET: without the script nothing is sent at all, and the
  // number never lands in an address.
  const form = h(
    'form',
    { class: 'admin-form', novalidate: true, method: 'post', action: '#/indskriv' },
    summary,
    cpr.group,
    name.group,
    contact.group,
    msg,
    h('div', { class: 'button-row' }, submit, h('a', { class: 'button button-secondary', href: '#/borgere' }, t('common.cancel'))),
  );
  onSubmit(form, submit, {
    idleText: t('enrol.submit'),
    busyText: t('common.sending'),
    validate: () => {
      msg.replaceChildren();
      const c = checker();
      const p = cprProblem(cpr.input.value.trim());
      c.check(cpr, p !== null, p === '' ? t('enrol.cprNeed') : cprText(p));
      const n = name.input.value.trim();
      c.check(name, !n || [...n].length > TITLE_MAX, n ? t('enrol.nameLong') : t('enrol.nameNeed'));
      return c.report(summary);
    },
    send: async () => {
      const body = { cpr: cpr.input.value.trim(), name: name.input.value.trim() };
      if (contact.input.value) body.contact_staff_id = Number(contact.input.value);
      try {
        const res = await api.post(`${API}/citizens`, body);
        cpr.input.value = '';
        setFlash('success', t('enrol.done', { name: res.data.name }));
        location.hash = `#/borger/${res.data.id}`;
      } catch (err) {
        const c = checker();
        if (err.code === 'invalid_cpr') c.check(cpr, true, t('enrol.cprRefused'));
        else if (err.code === 'not_a_contact') c.check(contact, true, t('enrol.contactRefused'));
        else if (err.code === 'invalid_field' && /^name/.test(err.message)) c.check(name, true, t('enrol.nameRefused'));
        else if (err.code === 'already_enrolled') {
          const box = alert('error', t('enrol.already'), { heading: t('enrol.alreadyHeading') });
          box.setAttribute('tabindex', '-1');
          msg.replaceChildren(box);
          box.focus();
          return;
        } else {
          showError(msg, err, form);
          return;
        }
        c.report(summary);
      }
    },
  });

  fill(view, backLink(), pageHeading(heading), h('p', null, t('enrol.intro')), form);
}
