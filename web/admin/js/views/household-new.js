// Forming a household (POST /households) from a citizen's page: the
// citizen and the other adults the caseworker coordinates who are in no
// household yet, with a name. Their plans become one shared plan, which is
// said before anything is sent and confirmed with a checkbox.

import * as api from '/js/api.js';
import { h, fill } from '/js/dom.js';
import { t } from '/js/i18n/index.js';
import { setFlash } from '/js/state.js';
import { alert, onSubmit, pageHeading, skeleton } from '/js/ui.js';
import { API, backToPlan, citizenPlan, loadFailed, mayDecide, me, showError } from '../common.js';
import { checkbox, checker, field } from '../forms.js';

export async function render(view, ctx) {
  const id = Number(ctx.params.citizen);
  const heading = t('householdNew.heading');
  fill(view, backToPlan(id), pageHeading(heading), skeleton(2), skeleton(4, 'skeleton-card'));
  if (!mayDecide()) {
    fill(view, backToPlan(id), pageHeading(heading), alert('info', t('errors.forbidden')));
    return;
  }
  let plan;
  let citizens;
  try {
    [{ plan }, citizens] = await Promise.all([citizenPlan(id), api.getAll(`${API}/citizens`, 'citizens')]);
  } catch (err) {
    loadFailed(view, ctx, err, heading, () => render(view, ctx));
    return;
  }
  if (!ctx.isCurrent()) return;
  if (plan.household_id) {
    fill(view, backToPlan(id), pageHeading(heading), alert('info', t('householdNew.already')));
    return;
  }
  // The others this caseworker coordinates, in no household, course running.
  const mine = me();
  const others = citizens.filter((c) => c.id !== id && !c.household_id && !c.course_outcome && c.caseworker && mine && c.caseworker.id === mine.id);
  const name = field({ label: t('householdNew.name'), hint: t('householdNew.nameHint'), max: 200 });
  const boxes = others.map((c) => ({ c, box: checkbox({ label: c.name, name: `member-${c.id}` }) }));
  const sure = checkbox({ label: t('householdNew.sure'), name: 'sure' });
  const summary = h('div', { class: 'form-summary', tabindex: '-1' });
  const msg = h('div', { class: 'editor-message' });
  const submit = h('button', { type: 'submit', class: 'button button-primary' }, t('householdNew.form'));
  const form = h(
    'form',
    { class: 'admin-form', novalidate: true },
    summary,
    name.group,
    h('fieldset', null, h('legend', { class: 'form-label' }, t('householdNew.members', { name: plan.citizen.name })), boxes.map((b) => b.box.group)),
    alert('warning', t('householdNew.merge'), { role: 'none' }),
    sure.group,
    msg,
    h('div', { class: 'button-row' }, submit, h('a', { class: 'button button-secondary', href: `#/borger/${id}` }, t('common.cancel'))),
  );
  onSubmit(form, submit, {
    idleText: t('householdNew.form'),
    busyText: t('common.saving'),
    validate: () => {
      msg.replaceChildren();
      const c = checker();
      c.check(name, !name.input.value.trim(), t('householdNew.nameNeed'));
      c.check(sure, !sure.input.checked, t('householdNew.sureNeed'), sure.input);
      return c.report(summary);
    },
    send: async () => {
      const members = [id, ...boxes.filter((b) => b.box.input.checked).map((b) => b.c.id)];
      try {
        await api.post(`${API}/households`, { name: name.input.value.trim(), members });
        setFlash('success', t('householdNew.formed', { name: name.input.value.trim() }));
        location.hash = `#/borger/${id}`;
      } catch (err) {
        if (err.code === 'already_in_household') msg.replaceChildren(alert('error', t('householdNew.taken')));
        else showError(msg, err, form);
      }
    },
  });
  fill(
    view,
    backToPlan(id),
    pageHeading(heading),
    h('p', { class: 'font-lead' }, plan.citizen.name),
    h('p', null, t('householdNew.intro')),
    others.length ? null : h('p', { class: 'empty' }, t('householdNew.alone')),
    form,
  );
}
