// Ending a citizen's course with its outcome (POST /citizens/{id}/course-end)
// or reopening it within the configured period (…/course-reopen), by the
// coordinating caseworker. The plan read says which applies (plan.course).

import * as api from '/js/api.js';
import { h, fill } from '/js/dom.js';
import { t, dateTime } from '/js/i18n/index.js';
import { setFlash } from '/js/state.js';
import { alert, onSubmit, pageHeading, skeleton } from '/js/ui.js';
import { backToPlan, citizenPath, citizenPlan, loadFailed, mayDecide, showError } from '../common.js';
import { checker, radios } from '../forms.js';

export const OUTCOMES = ['job', 'education', 'early_pension', 'other', 'moved_away', 'consent_withdrawn'];

export async function render(view, ctx) {
  const id = ctx.params.citizen;
  const heading = t('titles.course');
  fill(view, backToPlan(id), pageHeading(heading), skeleton(2), skeleton(6, 'skeleton-card'));
  if (!mayDecide()) {
    fill(view, backToPlan(id), pageHeading(heading), alert('info', t('errors.forbidden')));
    return;
  }
  let plan;
  try {
    ({ plan } = await citizenPlan(id));
  } catch (err) {
    loadFailed(view, ctx, err, heading, () => render(view, ctx));
    return;
  }
  if (!ctx.isCurrent()) return;
  const course = plan.course || { outcome: null };
  const ending = !course.outcome;
  const msg = h('div', { class: 'editor-message' });
  const summary = h('div', { class: 'form-summary', tabindex: '-1' });
  const text = ending ? t('course.confirmEnd') : t('course.confirmReopen');
  const submit = h('button', { type: 'submit', class: 'button button-primary' }, text);
  const choice = ending
    ? radios({ legend: t('course.legend'), name: 'outcome', value: '', choices: OUTCOMES.map((o) => [o, t(`course.outcomes.${o}`), '']) })
    : null;
  const form = h(
    'form',
    { class: 'admin-form', novalidate: true },
    summary,
    choice ? choice.group : null,
    msg,
    h('div', { class: 'button-row' }, submit, h('a', { class: 'button button-secondary', href: `#/borger/${id}` }, t('common.cancel'))),
  );
  onSubmit(form, submit, {
    idleText: text,
    busyText: t('common.saving'),
    validate: () => {
      msg.replaceChildren();
      if (!choice) return true;
      const c = checker();
      c.check(choice, !choice.value(), t('course.need'), choice.inputs[0]);
      return c.report(summary);
    },
    send: async () => {
      try {
        if (ending) await api.post(citizenPath(id, 'course-end'), { outcome: choice.value() });
        else await api.post(citizenPath(id, 'course-reopen'));
        setFlash('success', t(ending ? 'course.ended' : 'course.reopened'));
        location.hash = `#/borger/${id}`;
      } catch (err) {
        if (err.code === 'reopen_period_over') msg.replaceChildren(alert('error', t('course.tooLate')));
        else if (err.code === 'not_ended' || err.code === 'already_ended') msg.replaceChildren(alert('error', t(err.code === 'not_ended' ? 'course.notEnded' : 'course.ended')));
        else showError(msg, err, form);
      }
    },
  });
  const closed = !ending && !course.reopenable;
  fill(
    view,
    backToPlan(id),
    pageHeading(ending ? t('course.endHeading') : t('course.reopenHeading')),
    h('p', { class: 'font-lead' }, plan.citizen.name),
    ending ? h('p', null, t('course.endIntro')) : h('p', null, t('citizen.courseEnded', { at: dateTime(course.ended_at), outcome: t(`course.outcomes.${course.outcome}`) })),
    closed ? alert('info', t('citizen.courseClosedForGood')) : [ending ? null : h('p', null, t('course.reopenIntro')), form],
  );
}
