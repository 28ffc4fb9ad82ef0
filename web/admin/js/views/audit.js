// Who has seen the citizen's data (GET /citizens/{id}/audit, itself an
// audited read): every staff read and change, newest first, as the
// citizen can see it too. Long logs show the newest 100 first.

import * as api from '/js/api.js';
import { h, fill } from '/js/dom.js';
import { t, dateTime, has } from '/js/i18n/index.js';
import { skeleton } from '/js/ui.js';
import { citizenPath, citizenPlan, citizenTop, loadFailed, named, roleName } from '../common.js';

const PAGE = 100;

/** "Læste planen", "Ændrede mål nr. 12". */
function what(e) {
  const action = named('audit.actions', e.action);
  const m = /^(goal|meeting|proposal|staff) (\d+)$/.exec(e.object || '');
  let obj = '';
  if (m) obj = t(`audit.numbered.${m[1]}`, { id: m[2] });
  else if (e.object && has(`audit.objects.${e.object}`)) obj = t(`audit.objects.${e.object}`);
  else obj = e.object || '';
  return obj ? `${action} ${obj}` : action;
}

function who(actor) {
  if (!actor) return '';
  const role = roleName(actor.role);
  return role ? `${actor.name} (${role})` : actor.name;
}

export async function render(view, ctx) {
  const id = ctx.params.citizen;
  fill(view, skeleton(1, 'skeleton-heading'), skeleton(1, 'skeleton-tabs'), skeleton(2), [1, 2, 3, 4, 5].map(() => skeleton(2, 'skeleton-row')));
  let plan;
  let entries;
  try {
    // The plan first: its read belongs in the log this page shows.
    ({ plan } = await citizenPlan(id));
    entries = (await api.get(citizenPath(id, 'audit'))).data.entries || [];
  } catch (err) {
    loadFailed(view, ctx, err, t('audit.heading'), () => render(view, ctx));
    return;
  }
  if (!ctx.isCurrent()) return;

  const list = h('ol', { class: 'audit-list' });
  const more = h('button', { type: 'button', class: 'button button-secondary' });
  const changesOnly = h('input', { type: 'checkbox', class: 'form-checkbox', id: 'audit-changes', name: 'changes' });
  let shownList = entries;
  let shown = 0;
  function showMore() {
    const next = shownList.slice(shown, shown + PAGE);
    for (const e of next) {
      list.append(
        h(
          'li',
          { class: 'audit-item' },
          h('p', { class: 'audit-what' }, h('span', { class: 'weight-semibold' }, who(e.actor)), ' – ', what(e)),
          h('p', { class: 'history-meta' }, h('time', { datetime: e.at }, dateTime(e.at))),
        ),
      );
    }
    const first = list.children[shown];
    shown += next.length;
    more.hidden = shown >= shownList.length;
    more.textContent = t('audit.more', { n: Math.min(PAGE, shownList.length - shown) });
    return first;
  }
  more.addEventListener('click', () => {
    const first = showMore();
    if (first) {
      first.setAttribute('tabindex', '-1');
      first.focus();
    }
  });
  // Reads (of the CPR number too) are most of a log; the changes can be had
  // on their own.
  changesOnly.addEventListener('change', () => {
    shownList = changesOnly.checked ? entries.filter((e) => e.action !== 'read' && e.action !== 'read_cpr') : entries;
    shown = 0;
    list.replaceChildren();
    showMore();
    count.textContent = t('audit.count', { n: shownList.length });
  });
  const count = h('p', { class: 'queue-count', role: 'status' }, t('audit.count', { n: entries.length }));
  showMore();
  fill(
    view,
    citizenTop(id, plan.citizen.name, 'audit'),
    h('h2', null, t('audit.heading')),
    h('p', null, t('audit.intro')),
    entries.length
      ? [h('div', { class: 'form-group-checkbox audit-filter' }, changesOnly, h('label', { class: 'form-label', for: 'audit-changes' }, t('audit.changesOnly'))), count, list, more]
      : h('p', { class: 'empty' }, t('audit.empty')),
  );
}
