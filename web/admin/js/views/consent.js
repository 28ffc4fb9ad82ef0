// A citizen's consent to the joint plan (LAB § 30 b) as staff see it (GET
// /citizens/{id}/consent, an audited read): the state, and every fact
// newest first – given or withdrawn, when, on paper or online, recorded by
// whom, to which text. The coordinating caseworker records a consent the
// citizen signed on paper, or a withdrawal the citizen stated (POST, each
// after a confirmation); a contact person reads only.

import * as api from '/js/api.js';
import { h, fill } from '/js/dom.js';
import { t, dateTime } from '/js/i18n/index.js';
import { setFlash } from '/js/state.js';
import { alert, moreButton, onSubmit, pageHeading, skeleton } from '/js/ui.js';
import { backToPlan, citizenPath, consentLine, loadFailed, mayDecide, showError } from '../common.js';
import { checkbox, checker } from '../forms.js';

function item(f) {
  return h(
    'li',
    { class: 'audit-item' },
    h('p', { class: 'audit-what' }, consentLine(f)),
    h('p', { class: 'history-meta' }, h('time', { datetime: f.at }, dateTime(f.at)), f.text_version ? ` · ${t('consent.textVersion', { v: f.text_version })}` : ''),
  );
}

/**
 * A form that records action ('given' on paper, or 'withdrawn') after a
 * confirmation: paper (a checkbox that must be ticked) for a consent
 * given. On success a flash and back to the plan.
 */
function recordForm(id, action) {
  const given = action === 'given';
  const key = given ? 'paper' : 'withdraw';
  const signed = given ? checkbox({ label: t('consent.paperCheck'), name: 'paper' }) : null;
  const summary = h('div', { class: 'form-summary', tabindex: '-1' });
  const msg = h('div', { class: 'editor-message' });
  const confirmBox = h('div', { class: 'consent-confirm' });
  const idle = t(`consent.${key}Send`);
  const submit = h('button', { type: 'submit', class: 'button button-primary' }, idle);
  const form = h(
    'form',
    { class: 'admin-form', novalidate: true, 'aria-labelledby': `consent-${key}-heading` },
    summary,
    signed ? signed.group : null,
    msg,
    confirmBox,
    h('div', { class: 'button-row' }, submit),
  );
  // The confirmation stands for what the form said when it was asked for.
  function unconfirm() {
    confirmBox.replaceChildren();
    submit.hidden = false;
  }
  if (signed) signed.input.addEventListener('change', unconfirm);
  async function record(yes) {
    yes.disabled = true;
    try {
      const res = await api.post(citizenPath(id, 'consent'), given ? { action, paper: true } : { action });
      setFlash(res.status === 201 ? 'success' : 'info', t(res.status === 201 ? `consent.${key}Done` : 'consent.already'));
      location.hash = `#/borger/${id}`;
    } catch (err) {
      unconfirm();
      if (err.code === 'paper_required') {
        const box = alert('error', t('consent.paperRequired'));
        box.setAttribute('tabindex', '-1');
        msg.replaceChildren(box);
        box.focus();
      } else {
        showError(msg, err, form);
      }
    } finally {
      yes.disabled = false;
    }
  }
  onSubmit(form, submit, {
    idleText: idle,
    busyText: idle,
    validate: () => {
      msg.replaceChildren();
      unconfirm();
      if (!signed) return true;
      const c = checker();
      c.check(signed, !signed.input.checked, t('consent.paperNeed'));
      return c.report(summary);
    },
    // Nothing is sent before the confirmation.
    send: async () => {
      const yes = h('button', { type: 'button', class: 'button button-primary' }, t(`consent.${key}Yes`));
      const no = h('button', { type: 'button', class: 'button button-secondary' }, t('common.cancel'));
      yes.addEventListener('click', () => record(yes));
      no.addEventListener('click', () => {
        unconfirm();
        submit.focus();
      });
      confirmBox.replaceChildren(alert('warning', t(`consent.${key}Confirm`), { actions: [yes, no], role: 'none' }));
      submit.hidden = true;
      yes.focus();
    },
  });
  return h(
    'section',
    { class: 'plan-section', 'aria-labelledby': `consent-${key}-heading` },
    h('h2', { id: `consent-${key}-heading` }, t(`consent.${key}Heading`)),
    h('p', null, t(`consent.${key}Intro`)),
    form,
  );
}

export async function render(view, ctx) {
  const id = ctx.params.citizen;
  const heading = t('consent.heading');
  fill(view, backToPlan(id), pageHeading(heading), skeleton(2), [1, 2, 3].map(() => skeleton(2, 'skeleton-row')));
  let data;
  try {
    ({ data } = await api.get(citizenPath(id, 'consent')));
  } catch (err) {
    loadFailed(view, ctx, err, heading, () => render(view, ctx));
    return;
  }
  if (!ctx.isCurrent()) return;
  const history = data.history || [];
  const list = h('ol', { class: 'audit-list consent-history' }, history.map(item));
  const newest = history[0] && history[0].at === data.at ? history[0] : null;
  const decide = mayDecide();
  fill(
    view,
    backToPlan(id),
    pageHeading(heading),
    h('p', { class: 'consent-state font-lead' }, consentLine({ status: data.status, at: data.at, fact: newest })),
    data.plan_frozen ? alert('warning', t('consent.frozen'), { role: 'none' }) : null,
    decide ? recordForm(id, data.status === 'given' ? 'withdrawn' : 'given') : null,
    h(
      'section',
      { class: 'plan-section', 'aria-labelledby': 'consent-history-heading' },
      h('h2', { id: 'consent-history-heading' }, t('consent.historyHeading')),
      history.length
        ? [
            list,
            // Older facts a page at a time (GET .../consent?before=next).
            moreButton(citizenPath(id, 'consent'), 'history', data.next, (more) => {
              const items = more.map(item);
              list.append(...items);
              return items[0] || null;
            }),
          ]
        : h('p', { class: 'empty' }, t('consent.historyEmpty')),
    ),
  );
}
