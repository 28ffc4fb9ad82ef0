// Assigning the citizen's one contact person (PUT /citizens/{id}/contact)
// from the contact persons of GET /staff?role=contact. The change carries
// the plan's ETag; the citizen sees the new contact at once.

import * as api from '/js/api.js';
import { h, fill } from '/js/dom.js';
import { t } from '/js/i18n/index.js';
import { setFlash } from '/js/state.js';
import { alert, onSubmit, pageHeading, skeleton } from '/js/ui.js';
import { backToPlan, citizenPath, citizenPlan, contacts, freshEtag, loadFailed, mayDecide, showError } from '../common.js';
import { checker, pickForm, radios } from '../forms.js';

export async function render(view, ctx) {
  const id = ctx.params.citizen;
  const heading = t('contact.heading');
  fill(view, backToPlan(id), pageHeading(heading), skeleton(2), skeleton(6, 'skeleton-card'));
  if (!mayDecide()) {
    fill(view, backToPlan(id), pageHeading(heading), alert('info', t('errors.forbidden')));
    return;
  }
  let plan;
  let etag;
  let list;
  try {
    [{ plan, etag }, list] = await Promise.all([citizenPlan(id), contacts()]);
  } catch (err) {
    loadFailed(view, ctx, err, heading, () => render(view, ctx));
    return;
  }
  if (!ctx.isCurrent()) return;

  // The plan names the contact, not its id: the one of the same name and title.
  const c = plan.contact;
  const current = c && list.find((s) => s.name === c.name && s.title === c.role);
  const choice = radios({
    legend: t('contact.legend'),
    name: 'staff_id',
    value: current ? current.id : '',
    choices: list.map((s) => [s.id, s.name, `– ${s.title}${current && s.id === current.id ? ` ${t('contact.current')}` : ''}`]),
  });
  const { form, summary, msg, submit } = pickForm(choice, t('contact.save'), `#/borger/${id}`);
  onSubmit(form, submit, {
    idleText: t('contact.save'),
    busyText: t('common.saving'),
    validate: () => {
      msg.replaceChildren();
      const c = checker();
      c.check(choice, !choice.value(), t('contact.need'), choice.inputs[0]);
      return c.report(summary);
    },
    send: async () => {
      try {
        const res = await api.put(citizenPath(id, 'contact'), { staff_id: Number(choice.value()) }, { ifMatch: etag });
        setFlash('success', t('contact.saved', { name: res.data.contact.name }));
        location.hash = `#/borger/${id}`;
      } catch (err) {
        let shown = err;
        if (err.kind === 'stale') {
          // Take the plan's new version; if that read fails, say so
          // instead of that the new version was fetched.
          try {
            etag = await freshEtag(id);
          } catch (again) {
            shown = again;
          }
        }
        showError(msg, shown, form);
      }
    },
  });

  fill(
    view,
    backToPlan(id),
    pageHeading(heading),
    h('p', { class: 'font-lead' }, plan.citizen.name),
    h('p', null, t('contact.intro')),
    list.length ? form : h('p', { class: 'empty' }, t('contact.none')),
  );
}
