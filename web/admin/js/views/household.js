// A citizen's household (GET /households/{id}): the adults on the shared
// plan and the children (who do not log in) with their birth dates; the
// coordinating caseworker adds a child (POST …/children) and moves an
// adult out to a plan of their own (POST …/members/{id}/move-out), which
// asks to be confirmed first.

import * as api from '/js/api.js';
import { h, fill } from '/js/dom.js';
import { t } from '/js/i18n/index.js';
import { setFlash } from '/js/state.js';
import { alert, onSubmit, pageHeading, skeleton } from '/js/ui.js';
import { API, backToPlan, citizenPlan, loadFailed, mayDecide, showError } from '../common.js';
import { checker, field, radios } from '../forms.js';

/** "2015-05-04" as the page shows a date: 4. maj 2015 (da) / 4 May 2015. */
function birthDate(iso) {
  const [y, m, d] = iso.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d)).toLocaleDateString(document.documentElement.lang || 'da', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
}

/** Whether YYYY-MM-DD is a child's birth date today (UTC): a real day, not
 * to come, under 18 years ago; the API checks the same (400 otherwise). */
function childBorn(text) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return false;
  const [y, mo, d] = m.slice(1).map(Number);
  const day = new Date(Date.UTC(y, mo - 1, d));
  if (day.getUTCFullYear() !== y || day.getUTCMonth() !== mo - 1 || day.getUTCDate() !== d) return false;
  const today = new Date().toISOString().slice(0, 10);
  const eighteen = `${String(y + 18).padStart(4, '0')}${text.slice(4)}`;
  return text <= today && eighteen > today;
}

/** The household's members: adults, then children with birth dates. */
export function members(hh) {
  return [
    h('h3', { class: 'h4' }, t('household.adults')),
    h('ul', { class: 'household-list' }, hh.adults.map((p) => h('li', null, p.name))),
    h('h3', { class: 'h4' }, t('household.children')),
    hh.children.length
      ? h('ul', { class: 'household-list' }, hh.children.map((k) => h('li', null, k.name, ' – ', t('household.born', { date: birthDate(k.birth_date) }))))
      : h('p', { class: 'empty' }, t('household.noChildren')),
  ];
}

function childForm(hid, id) {
  const name = field({ label: t('household.childName'), max: 200, attrs: { name: 'name', autocomplete: 'off' } });
  const born = field({ label: t('household.childBorn'), hint: t('household.childBornHint'), attrs: { name: 'birth_date', inputmode: 'numeric', autocomplete: 'off' } });
  const summary = h('div', { class: 'form-summary', tabindex: '-1' });
  const msg = h('div', { class: 'editor-message' });
  const submit = h('button', { type: 'submit', class: 'button button-primary' }, t('household.childAdd'));
  const form = h('form', { class: 'admin-form', novalidate: true }, summary, name.group, born.group, msg, h('div', { class: 'button-row' }, submit));
  onSubmit(form, submit, {
    idleText: t('household.childAdd'),
    busyText: t('common.saving'),
    validate: () => {
      msg.replaceChildren();
      const c = checker();
      c.check(name, !name.input.value.trim(), t('household.childNameNeed'));
      const date = born.input.value.trim();
      c.check(born, !childBorn(date), /^\d{4}-\d{2}-\d{2}$/.test(date) ? t('household.childBornBad') : t('household.childBornNeed'));
      return c.report(summary);
    },
    send: async () => {
      try {
        await api.post(`${API}/households/${hid}/children`, { name: name.input.value.trim(), birth_date: born.input.value.trim() });
        setFlash('success', t('household.childAdded', { name: name.input.value.trim() }));
        location.hash = `#/borger/${id}`;
      } catch (err) {
        if (err.code === 'invalid_birth_date') born.setError(t('household.childBornBad'));
        else showError(msg, err, form);
      }
    },
  });
  return form;
}

function moveOutForm(hh, id) {
  const choice = radios({ legend: t('household.moveWho'), name: 'member', value: '', choices: hh.adults.map((p) => [p.id, p.name, '']) });
  const sure = h('input', { type: 'checkbox', class: 'form-checkbox', id: 'move-out-sure', name: 'sure' });
  const sureError = h('span', { class: 'form-error-message', id: 'move-out-sure-error', hidden: true });
  const sureGroup = h('div', { class: 'form-group' }, sureError, h('div', { class: 'form-group-checkbox' }, sure, h('label', { class: 'form-label', for: 'move-out-sure' }, t('household.moveSure'))));
  const sureField = {
    input: sure,
    setError(text) {
      sureGroup.classList.toggle('form-error', Boolean(text));
      sureError.hidden = !text;
      sureError.textContent = text || '';
      if (text) sure.setAttribute('aria-describedby', sureError.id);
      else sure.removeAttribute('aria-describedby');
    },
  };
  const summary = h('div', { class: 'form-summary', tabindex: '-1' });
  const msg = h('div', { class: 'editor-message' });
  const submit = h('button', { type: 'submit', class: 'button button-secondary' }, t('household.moveOut'));
  const form = h('form', { class: 'admin-form', novalidate: true }, summary, h('p', null, t('household.moveIntro')), choice.group, sureGroup, msg, h('div', { class: 'button-row' }, submit));
  onSubmit(form, submit, {
    idleText: t('household.moveOut'),
    busyText: t('common.saving'),
    validate: () => {
      msg.replaceChildren();
      const c = checker();
      c.check(choice, !choice.value(), t('household.moveNeed'), choice.inputs[0]);
      c.check(sureField, !sure.checked, t('household.moveSureNeed'));
      return c.report(summary);
    },
    send: async () => {
      try {
        const who = Number(choice.value());
        await api.post(`${API}/households/${hh.id}/members/${who}/move-out`);
        setFlash('success', t('household.moved', { name: hh.adults.find((p) => p.id === who).name }));
        location.hash = `#/borger/${id}`;
      } catch (err) {
        const known = { last_adult: 'household.lastAdult', pending_proposals: 'household.pending' };
        if (known[err.code]) msg.replaceChildren(alert('error', t(known[err.code])));
        else showError(msg, err, form);
      }
    },
  });
  return form;
}

export async function render(view, ctx) {
  const id = ctx.params.citizen;
  const heading = t('titles.household');
  fill(view, backToPlan(id), pageHeading(heading), skeleton(2), skeleton(4, 'skeleton-card'));
  let plan;
  let hh;
  try {
    ({ plan } = await citizenPlan(id));
    if (plan.household_id) hh = (await api.get(`${API}/households/${plan.household_id}`)).data;
  } catch (err) {
    loadFailed(view, ctx, err, heading, () => render(view, ctx));
    return;
  }
  if (!ctx.isCurrent()) return;
  if (!hh) {
    fill(view, backToPlan(id), pageHeading(heading), alert('info', t('household.none')));
    return;
  }
  const decide = mayDecide();
  fill(
    view,
    backToPlan(id),
    pageHeading(`${heading}: ${hh.name}`),
    h('section', { class: 'plan-section', 'aria-labelledby': 'hh-members' }, h('h2', { id: 'hh-members' }, t('household.members')), members(hh)),
    decide ? h('section', { class: 'plan-section', 'aria-labelledby': 'hh-child' }, h('h2', { id: 'hh-child' }, t('household.childHeading')), childForm(hh.id, id)) : null,
    decide && hh.adults.length > 1 ? h('section', { class: 'plan-section', 'aria-labelledby': 'hh-move' }, h('h2', { id: 'hh-move' }, t('household.moveHeading')), moveOutForm(hh, id)) : null,
  );
}
