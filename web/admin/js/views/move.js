// Moving a citizen to another coordinating caseworker (POST
// /citizens/{id}/caseworker), for the citizen's caseworker and team
// leaders, from the active caseworkers and leaders of GET /staff. The old
// caseworker no longer sees the citizen afterwards.

import * as api from '/js/api.js';
import { h, fill } from '/js/dom.js';
import { t } from '/js/i18n/index.js';
import { setFlash } from '/js/state.js';
import { alert, onSubmit, pageHeading, skeleton } from '/js/ui.js';
import { API, backToPlan, citizenPath, citizenPlan, loadFailed, mayDecide, me, roleName, showError } from '../common.js';
import { checker, pickForm, radios } from '../forms.js';

export async function render(view, ctx) {
  const id = ctx.params.citizen;
  const heading = t('move.heading');
  fill(view, backToPlan(id), pageHeading(heading), skeleton(2), skeleton(6, 'skeleton-card'));
  if (!mayDecide()) {
    fill(view, backToPlan(id), pageHeading(heading), alert('info', t('errors.forbidden')));
    return;
  }
  let plan;
  let staff;
  try {
    [{ plan }, staff] = await Promise.all([citizenPlan(id), api.get(`${API}/staff`).then((r) => r.data.staff || [])]);
  } catch (err) {
    loadFailed(view, ctx, err, heading, () => render(view, ctx));
    return;
  }
  if (!ctx.isCurrent()) return;

  const list = staff.filter((s) => s.active && (s.role === 'caseworker' || s.role === 'leader'));
  const m = me();
  const choice = radios({
    legend: t('move.legend'),
    name: 'staff_id',
    value: '',
    choices: list.map((s) => [s.id, s.name, `– ${s.title || roleName(s.role)}${m && s.id === m.id ? ` ${t('move.current')}` : ''}`]),
  });
  const { form, summary, msg, submit } = pickForm(choice, t('move.save'), `#/borger/${id}`);
  onSubmit(form, submit, {
    idleText: t('move.save'),
    busyText: t('common.saving'),
    validate: () => {
      msg.replaceChildren();
      const c = checker();
      c.check(choice, !choice.value(), t('move.need'), choice.inputs[0]);
      return c.report(summary);
    },
    send: async () => {
      try {
        const res = await api.post(citizenPath(id, 'caseworker'), { staff_id: Number(choice.value()) });
        const name = res.data.caseworker.name;
        setFlash(res.data.changed ? 'success' : 'info', t(res.data.changed ? 'move.saved' : 'move.same', { name }));
        // A caseworker who moved the citizen away no longer sees it.
        const leader = m && m.role === 'leader';
        location.hash = leader || res.data.caseworker.id === (m && m.id) ? `#/borger/${id}` : '#/borgere';
      } catch (err) {
        showError(msg, err, form);
      }
    },
  });

  fill(
    view,
    backToPlan(id),
    pageHeading(heading),
    h('p', { class: 'font-lead' }, plan.citizen.name),
    h('p', null, t('move.intro')),
    list.length ? form : h('p', { class: 'empty' }, t('move.none')),
  );
}
