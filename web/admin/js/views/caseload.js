// Borgere: the caseload (GET /citizens), compact enough for sixty cases on
// a phone, filtered by name as the caseworker types and by what needs
// action (in the page: the filter never leaves it), sorted by name or with
// the citizens needing action first. Each row says who (name and birth
// date, to tell namesakes apart), the next meeting and what waits. The
// page reads every page of the list (api.getAll), so the filters and the
// sort work on the whole caseload, not on the rows read so far.

import * as api from '/js/api.js';
import { h, fill, icon, newId } from '/js/dom.js';
import { t, date, dateTime } from '/js/i18n/index.js';
import { pageHeading, skeleton, badge } from '/js/ui.js';
import { API, loadFailed, mayDecide, me } from '../common.js';

// The server's needs_action codes, as the filters list them.
const NEEDS = ['not_yet', 'unread_messages', 'cannot_come', 'pending_proposals', 'follow_up_due', 'consent_missing', 'plan_not_accepted', 'meeting_this_week'];
// The codes that come before the others when sorting by action.
const URGENT = ['not_yet', 'unread_messages', 'cannot_come', 'pending_proposals', 'follow_up_due'];

// Kept while the tab lives, so "back" finds the same list.
let filterText = '';
const filterNeeds = new Set();
let sortBy = 'name';

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

function needsBadge(c, code) {
  if (code === 'not_yet') return badge(t('caseload.needs.not_yet'), 'warning');
  if (code === 'unread_messages') return badge(t('caseload.unread', { n: c.unread_messages }), 'warning');
  if (code === 'cannot_come') return badge(t('caseload.needs.cannot_come'), 'warning');
  if (code === 'pending_proposals') return badge(t('caseload.pending', { n: c.pending_proposals }), 'warning');
  if (code === 'follow_up_due') return badge(t('caseload.needs.follow_up_due'), 'warning');
  if (code === 'consent_missing') return badge(c.consent === 'withdrawn' ? t('caseload.consentWithdrawn') : t('caseload.needs.consent_missing'), 'info');
  if (code === 'plan_not_accepted') return badge(t('caseload.notAccepted'), 'info');
  if (code === 'meeting_this_week') return badge(t('caseload.needs.meeting_this_week'), 'info');
  return null;
}

function row(c, mine) {
  const notes = (c.needs_action || []).map((code) => needsBadge(c, code)).filter(Boolean);
  if (c.logged_in === false && !c.course_outcome) notes.push(badge(t('caseload.neverLoggedIn'), 'info'));
  if (c.course_outcome) notes.push(badge(t('caseload.ended')));
  const about = [];
  if (c.birth_date) about.push(t('caseload.born', { date: date(c.birth_date) }));
  if (c.next_meeting_at) about.push(t('caseload.nextMeeting', { when: dateTime(c.next_meeting_at) }));
  // The citizen's own "not yet", in their words (line breaks kept).
  const notYet = c.not_yet && c.not_yet.comment ? h('p', { class: 'caseload-about keep-lines' }, t('caseload.notYetSaid'), ' ', h('q', null, c.not_yet.comment)) : null;
  const people = [];
  people.push(c.contact ? t('caseload.contact', { name: c.contact.name }) : t('caseload.noContact'));
  // A contact person's list says who the caseworker is; a caseworker's
  // own list need not repeat her name.
  if (c.caseworker && (!mine || c.caseworker.id !== mine.id)) people.push(t('caseload.caseworker', { name: c.caseworker.name }));
  return h(
    'li',
    { class: 'caseload-row', dataset: { name: c.name.toLocaleLowerCase(), needs: (c.needs_action || []).join(' ') } },
    h('a', { class: 'caseload-name', href: `#/borger/${c.id}` }, c.name, icon('arrow-forward', 'caseload-arrow')),
    about.length ? h('p', { class: 'caseload-about' }, about.join(' · ')) : null,
    notYet,
    notes.length ? h('p', { class: 'caseload-notes' }, notes) : null,
    h('p', { class: 'caseload-people' }, people.join(' · ')),
  );
}

const byName = (a, b) => a.c.name.localeCompare(b.c.name, 'da') || a.c.id - b.c.id;

/** Citizens needing action first: those with an urgent code (pending
 * proposals, a follow-up overdue), then by how many codes, then by name. */
function byAction(a, b) {
  const urgent = (x) => URGENT.filter((code) => x.needs.includes(code)).length;
  return urgent(b) - urgent(a) || b.needs.length - a.needs.length || byName(a, b);
}

function draw(view, citizens) {
  const mine = me();
  const items = citizens.map((c) => ({ c, needs: c.needs_action || [], el: row(c, mine) }));
  const rows = items.map((i) => i.el);
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
  const list = h('ul', { class: 'caseload-list' });

  const boxes = NEEDS.map((code) => {
    const box = h('input', { type: 'checkbox', class: 'form-checkbox', id: `${id}-${code}`, name: 'needs', value: code, checked: filterNeeds.has(code) });
    const n = items.filter((i) => i.needs.includes(code)).length;
    return {
      box,
      el: h('div', { class: 'form-group-checkbox caseload-need' }, box, h('label', { class: 'form-label', for: `${id}-${code}` }, t('caseload.needsCount', { label: t(`caseload.needs.${code}`), n }))),
    };
  });
  const needsBox = h(
    'fieldset',
    { class: 'form-group caseload-needs', 'aria-describedby': `${id}-needs-hint` },
    h('legend', { class: 'form-label' }, t('caseload.needsLegend')),
    h('span', { class: 'form-hint', id: `${id}-needs-hint` }, t('caseload.needsHint')),
    h('div', { class: 'caseload-need-list' }, boxes.map((b) => b.el)),
  );
  const sortId = newId('sort');
  const sort = h(
    'select',
    { class: 'form-select', id: sortId, name: 'sort' },
    h('option', { value: 'name', selected: sortBy === 'name' }, t('caseload.sortName')),
    h('option', { value: 'action', selected: sortBy === 'action' }, t('caseload.sortAction')),
  );
  const sortBox = h('div', { class: 'form-group caseload-sort' }, h('label', { class: 'form-label', for: sortId }, t('caseload.sortLabel')), sort);

  function order() {
    sortBy = sort.value === 'action' ? 'action' : 'name';
    list.replaceChildren(...[...items].sort(sortBy === 'action' ? byAction : byName).map((i) => i.el));
  }

  let timer = 0;
  function apply({ now = false } = {}) {
    filterText = input.value;
    filterNeeds.clear();
    for (const b of boxes) if (b.box.checked) filterNeeds.add(b.box.value);
    const words = filterText.toLocaleLowerCase().split(/\s+/).filter(Boolean);
    let shown = 0;
    for (const i of items) {
      const hit = words.every((w) => i.el.dataset.name.includes(w)) && (filterNeeds.size === 0 || i.needs.some((code) => filterNeeds.has(code)));
      i.el.hidden = !hit;
      if (hit) shown += 1;
    }
    none.hidden = shown > 0 || rows.length === 0;
    const say = () => {
      count.textContent = t('caseload.count', { shown, total: rows.length });
    };
    // The live count is said once the typing pauses, not on every key; a
    // tick of a filter says it at once.
    clearTimeout(timer);
    if (now) say();
    else timer = setTimeout(say, 300);
  }
  input.addEventListener('input', () => apply());
  for (const b of boxes) b.box.addEventListener('change', () => apply({ now: true }));
  sort.addEventListener('change', order);

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
          needsBox,
          sortBox,
          count,
          none,
          list,
        ]
      : h('p', { class: 'empty' }, t('caseload.empty')),
  );
  order();
  apply({ now: true });
}
