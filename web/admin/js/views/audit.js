// Who has seen the citizen's data (GET /citizens/{id}/audit, itself an
// audited read): every staff read and change, newest first, as the
// citizen can see it too. Long logs show the newest 100 first, and older
// ones a page at a time.

import * as api from '/js/api.js';
import { h, fill } from '/js/dom.js';
import { t, dateTime, has } from '/js/i18n/index.js';
import { moreButton, skeleton } from '/js/ui.js';
import { citizenPath, citizenPlan, citizenTop, loadFailed, named, staffLabel } from '../common.js';

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

export async function render(view, ctx) {
  const id = ctx.params.citizen;
  fill(view, skeleton(1, 'skeleton-heading'), skeleton(1, 'skeleton-tabs'), skeleton(2), [1, 2, 3, 4, 5].map(() => skeleton(2, 'skeleton-row')));
  let plan;
  let entries;
  let next;
  try {
    // The plan first: its read belongs in the log this page shows.
    ({ plan } = await citizenPlan(id));
    const { data } = await api.get(citizenPath(id, 'audit'));
    entries = data.entries || [];
    next = data.next;
  } catch (err) {
    loadFailed(view, ctx, err, t('audit.heading'), () => render(view, ctx));
    return;
  }
  if (!ctx.isCurrent()) return;

  const list = h('ol', { class: 'audit-list' });
  const changesOnly = h('input', { type: 'checkbox', class: 'form-checkbox', id: 'audit-changes', name: 'changes' });
  const count = h('p', { class: 'queue-count', role: 'status' });
  // Reads (of the CPR number too) are most of a log; the changes can be had
  // on their own.
  const shows = (e) => !changesOnly.checked || (e.action !== 'read' && e.action !== 'read_cpr');
  function counted() {
    const n = entries.filter(shows).length;
    count.textContent = next == null ? t('audit.count', { n }) : t('audit.countSoFar', { n });
  }
  /** Appends the entries that the filter lets through; the first, or null. */
  function show(more) {
    const items = more.filter(shows).map(item);
    list.append(...items);
    return items[0] || null;
  }
  changesOnly.addEventListener('change', () => {
    list.replaceChildren();
    show(entries);
    counted();
  });
  show(entries);
  counted();
  fill(
    view,
    citizenTop(id, plan.citizen.name, 'audit'),
    h('h2', null, t('audit.heading')),
    h('p', null, t('audit.intro')),
    entries.length
      ? [
          h('div', { class: 'form-group-checkbox audit-filter' }, changesOnly, h('label', { class: 'form-label', for: 'audit-changes' }, t('audit.changesOnly'))),
          count,
          list,
          // Older entries a page at a time (GET .../audit?before=next).
          moreButton(citizenPath(id, 'audit'), 'entries', next, (more) => {
            entries = entries.concat(more);
            return show(more);
          }, (n) => {
            next = n;
            counted();
          }),
        ]
      : h('p', { class: 'empty' }, t('audit.empty')),
  );
}

function item(e) {
  return h(
    'li',
    { class: 'audit-item' },
    h('p', { class: 'audit-what' }, h('span', { class: 'weight-semibold' }, staffLabel(e.actor)), ' – ', what(e)),
    h('p', { class: 'history-meta' }, h('time', { datetime: e.at }, dateTime(e.at))),
  );
}
