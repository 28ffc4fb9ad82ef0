// Mine forslag: each proposal with its status and, once decided, the
// caseworker's answer and reason, newest first, a page at a time. A
// pending one can be withdrawn.

import * as api from '../api.js';
import { h, fill, icon } from '../dom.js';
import { t, dateTime, has } from '../i18n/index.js';
import { state, loadPlan, lostSession, allGoals } from '../state.js';
import { announce, errorAlert, pageHeading, backLink, skeleton, badge, moreButton } from '../ui.js';

const PATH = '/api/v1/proposals';

const STATUS_BADGE = { pending: 'info', approved: 'success', rejected: 'error', withdrawn: null, superseded: null };

export async function render(view, ctx) {
  fill(view, backLink(), pageHeading(t('proposals.heading')), h('p', null, t('proposals.intro')), skeleton(4, 'skeleton-card'), skeleton(4, 'skeleton-card'));
  let list;
  let next;
  try {
    const [res] = await Promise.all([api.get(PATH), state.plan ? null : loadPlan().catch(() => null)]);
    list = (res.data && res.data.proposals) || [];
    next = res.data && res.data.next;
  } catch (err) {
    if (!ctx.isCurrent()) return;
    if (err.kind === 'auth') {
      lostSession();
      return ctx.render({ focus: false });
    }
    fill(view, backLink(), pageHeading(t('proposals.heading')), errorAlert(err, { page: true, retry: () => render(view, ctx) }));
    return;
  }
  if (!ctx.isCurrent()) return;
  draw(view, ctx, list, next);
}

function goalTitle(p) {
  if (p.goal && p.goal.title) return p.goal.title;
  const id = p.goal_id != null ? p.goal_id : p.goal && p.goal.id;
  if (id == null) return '';
  const hit = allGoals(state.plan).find(({ goal }) => String(goal.id) === String(id));
  return hit ? hit.goal.title : '';
}

function card(p, view, ctx) {
  const status = has(`proposals.status.${p.status}`) ? t(`proposals.status.${p.status}`) : p.status;
  const kind = has(`proposals.kind.${p.kind}`) ? t(`proposals.kind.${p.kind}`) : p.kind;
  const target = p.kind === 'add_goal' ? p.title : goalTitle(p);
  const heading = target ? `${kind}: ${target}` : kind;
  const d = p.decision;
  const facts = [];
  if (p.kind === 'change_goal' && p.title) facts.push(h('p', null, h('span', { class: 'weight-semibold' }, `${t('propose.titleChange')} `), p.title));
  if (p.description) facts.push(h('p', { class: 'proposal-description' }, p.description));
  return h(
    'li',
    { class: 'proposal-card' },
    h('h2', { class: 'proposal-title h3' }, heading),
    h('p', { class: 'proposal-meta' }, badge(status, STATUS_BADGE[p.status]), p.created_at ? h('span', { class: 'proposal-date' }, t('proposals.sentAt', { at: dateTime(p.created_at) })) : null),
    facts,
    h('p', { class: 'proposal-label' }, t('proposals.yourReason')),
    h('blockquote', { class: 'proposal-reason' }, p.reason),
    d
      ? h(
          'div',
          { class: `proposal-answer proposal-answer-${p.status}` },
          h('p', { class: 'proposal-label' }, t('proposals.answer')),
          h('p', { class: 'proposal-answer-by' }, t('proposals.answerBy', { by: d.by || '', at: d.at ? dateTime(d.at) : '' })),
          h('p', null, d.reason ? d.reason : t('proposals.noReason')),
        )
      : null,
    p.status === 'pending'
      ? h(
          'p',
          null,
          h(
            'button',
            { type: 'button', class: 'function-link', onclick: () => withdraw(p.id, view, ctx) },
            icon('close'),
            t('proposals.withdraw'),
          ),
        )
      : null,
  );
}

function draw(view, ctx, list, next, message) {
  const ul = h('ul', { class: 'proposal-list' }, list.map((p) => card(p, view, ctx)));
  fill(
    view,
    backLink(),
    pageHeading(t('proposals.heading')),
    h('p', null, t('proposals.intro')),
    message || null,
    list.length
      ? [
          ul,
          moreButton(PATH, 'proposals', next, (more) => {
            const cards = more.map((p) => card(p, view, ctx));
            ul.append(...cards);
            return cards[0] && cards[0].querySelector('h2');
          }),
        ]
      : h('p', { class: 'empty' }, t('proposals.empty')),
    h('p', null, h('a', { class: 'button button-secondary', href: '#/forslag/ny' }, icon('plus'), t('proposals.new'))),
  );
}

async function withdraw(id, view, ctx) {
  let message = null;
  try {
    await api.post(`/api/v1/proposals/${encodeURIComponent(id)}/withdrawal`);
    announce(t('proposals.withdrawn'));
  } catch (err) {
    if (err.kind === 'auth') {
      lostSession();
      return ctx.render({ focus: false });
    }
    message = errorAlert(err, { retry: () => withdraw(id, view, ctx) });
  }
  try {
    const res = await api.get(PATH);
    draw(view, ctx, res.data.proposals || [], res.data.next, message);
  } catch (err) {
    fill(view, backLink(), pageHeading(t('proposals.heading')), errorAlert(err, { page: true, retry: () => render(view, ctx) }));
  }
  const heading = view.querySelector('h1');
  if (heading) heading.focus();
}
