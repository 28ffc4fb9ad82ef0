// Borgere: the caseload (GET /citizens), compact enough for sixty cases on
// a phone, filtered by name as the caseworker types (in the page: the
// filter text never leaves it). Each row says what waits: pending
// proposals, a plan the citizen has not said yes to, no contact person.

import * as api from '/js/api.js';
import { h, fill, icon, newId } from '/js/dom.js';
import { t } from '/js/i18n/index.js';
import { pageHeading, skeleton, badge } from '/js/ui.js';
import { API, loadFailed, mayDecide, me } from '../common.js';

let filterText = ''; // kept while the tab lives, so "back" finds the same list

export async function render(view, ctx) {
  fill(
    view,
    pageHeading(t('caseload.heading')),
    h('p', null, t('caseload.intro')),
    h('div', { class: 'caseload-filter', 'aria-hidden': 'true' }, skeleton(1), skeleton(1, 'skeleton-input')),
    h('div', { 'aria-busy': 'true' }, h('p', { class: 'sr-only', role: 'status' }, t('loading')), [1, 2, 3, 4].map(() => skeleton(2, 'skeleton-row'))),
  );
  let citizens;
  try {
    // Every page: the filter works on the whole caseload.
    citizens = await api.getAll(`${API}/citizens`, 'citizens');
  } catch (err) {
    loadFailed(view, ctx, err, t('caseload.heading'), () => render(view, ctx));
    return;
  }
  if (!ctx.isCurrent()) return;
  draw(view, citizens);
}

function row(c, mine) {
  const notes = [];
  if (c.pending_proposals > 0) notes.push(badge(t('caseload.pending', { n: c.pending_proposals }), 'warning'));
  if (c.logged_in === false && !c.course_outcome) notes.push(badge(t('caseload.neverLoggedIn'), 'info'));
  if (c.course_outcome) notes.push(badge(t('caseload.ended')));
  else if (c.accepted_version !== c.plan_version) notes.push(badge(t('caseload.notAccepted'), 'info'));
  const people = [];
  people.push(c.contact ? t('caseload.contact', { name: c.contact.name }) : t('caseload.noContact'));
  // A contact person's list says who the caseworker is; a caseworker's
  // own list need not repeat her name.
  if (c.caseworker && (!mine || c.caseworker.id !== mine.id)) people.push(t('caseload.caseworker', { name: c.caseworker.name }));
  return h(
    'li',
    { class: 'caseload-row', dataset: { name: c.name.toLocaleLowerCase() } },
    h('a', { class: 'caseload-name', href: `#/borger/${c.id}` }, c.name, icon('arrow-forward', 'caseload-arrow')),
    notes.length ? h('p', { class: 'caseload-notes' }, notes) : null,
    h('p', { class: 'caseload-people' }, people.join(' · ')),
  );
}

function draw(view, citizens) {
  const mine = me();
  const sorted = [...citizens].sort((a, b) => a.name.localeCompare(b.name, 'da'));
  const rows = sorted.map((c) => row(c, mine));
  const id = newId('filter');
  const input = h('input', {
    type: 'search',
    class: 'form-input',
    id,
    name: 'filter',
    autocomplete: 'off',
    spellcheck: 'false',
    'aria-describedby': `${id}-hint ${id}-count`,
  });
  input.value = filterText;
  const count = h('p', { class: 'caseload-count', id: `${id}-count`, role: 'status' });
  const none = h('p', { class: 'empty', hidden: true }, t('caseload.noMatch'));
  const list = h('ul', { class: 'caseload-list' }, rows);

  let timer = 0;
  function apply() {
    filterText = input.value;
    const words = filterText.toLocaleLowerCase().split(/\s+/).filter(Boolean);
    let shown = 0;
    for (const r of rows) {
      const hit = words.every((w) => r.dataset.name.includes(w));
      r.hidden = !hit;
      if (hit) shown += 1;
    }
    none.hidden = shown > 0 || rows.length === 0;
    // The live count is said once the typing pauses, not on every key.
    clearTimeout(timer);
    timer = setTimeout(() => {
      count.textContent = t('caseload.count', { shown, total: rows.length });
    }, 300);
  }
  input.addEventListener('input', apply);

  fill(
    view,
    pageHeading(t('caseload.heading')),
    h('p', null, t('caseload.intro')),
    mayDecide() ? h('p', null, h('a', { class: 'button button-secondary', href: '#/indskriv' }, t('caseload.enrol'))) : null,
    citizens.length
      ? [
          h(
            'div',
            { class: 'form-group caseload-filter' },
            h('label', { class: 'form-label', for: id }, t('caseload.filterLabel')),
            h('span', { class: 'form-hint', id: `${id}-hint` }, t('caseload.filterHint')),
            input,
          ),
          count,
          none,
          list,
        ]
      : h('p', { class: 'empty' }, t('caseload.empty')),
  );
  apply();
  count.textContent = t('caseload.count', { shown: rows.filter((r) => !r.hidden).length, total: rows.length });
}
