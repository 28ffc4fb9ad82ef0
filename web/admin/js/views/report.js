// Overblik: the overview report (GET /reports/overview) – aggregate
// numbers for the whole municipality and for each caseworker, no citizen
// named. Not an audited read.

import * as api from '/js/api.js';
import { h, fill } from '/js/dom.js';
import { t, number } from '/js/i18n/index.js';
import { pageHeading, skeleton } from '/js/ui.js';
import { API, factList, loadFailed } from '../common.js';
import { OUTCOMES } from './course.js';


function median(g) {
  return typeof g.median_hours_to_decision === 'number' ? number(g.median_hours_to_decision) : t('report.noData');
}

/** The municipality as a whole: every figure the report has. */
function total(g) {
  const spc = g.staff_per_citizen || {};
  const perContact = g.citizens_per_contact || [];
  return h(
    'section',
    { class: 'plan-section report-group', 'aria-labelledby': 'report-total' },
    h('h2', { id: 'report-total' }, t('report.total')),
    factList(
      [
        [t('report.activeCitizens'), String(g.active_citizens)],
        [t('report.pending'), String(g.pending_proposals)],
        [t('report.median'), typeof g.median_hours_to_decision === 'number' ? t('report.medianValue', { text: median(g) }) : median(g)],
        [t('report.staffPerCitizen'), typeof spc.mean === 'number' ? t('report.staffPerCitizenValue', { mean: number(spc.mean), max: spc.max }) : t('report.noData')],
      ],
      'admin-facts report-facts',
    ),
    h('h3', { class: 'h4' }, t('report.outcomesHeading')),
    factList(OUTCOMES.map((o) => [t(`course.outcomes.${o}`), String((g.outcomes || {})[o] || 0)]), 'admin-facts report-facts'),
    perContact.length
      ? table(t('report.perContactCaption'), [t('report.contactColumn'), t('report.citizensColumn')], perContact.map((r) => [r.contact.name, String(r.citizens)]))
      : null,
  );
}

/** A table in a box that scrolls sideways on a narrow screen (and can be
 * reached by keyboard to do so): a row header, then numbers. A hidden
 * caption still names the table, where a heading above says the same. */
function table(caption, columns, rows, { hideCaption = false } = {}) {
  return h(
    'div',
    { class: 'table--responsive-scroll report-scroll', tabindex: '0', role: 'region', 'aria-label': caption },
    h(
      'table',
      { class: 'table table--compact report-table' },
      h('caption', { class: hideCaption ? 'sr-only' : null }, caption),
      h('thead', null, h('tr', null, columns.map((c, i) => h('th', { scope: 'col', class: i ? 'numeric' : null }, c)))),
      h('tbody', null, rows.map(([head, ...cells]) => h('tr', null, h('th', { scope: 'row' }, head), cells.map((c) => h('td', { class: 'numeric' }, c))))),
    ),
  );
}

export async function render(view, ctx) {
  fill(view, pageHeading(t('report.heading')), h('p', null, t('report.intro')), skeleton(6, 'skeleton-card'), skeleton(6, 'skeleton-card'));
  let data;
  try {
    data = (await api.get(`${API}/reports/overview`)).data;
  } catch (err) {
    loadFailed(view, ctx, err, t('report.heading'), () => render(view, ctx));
    return;
  }
  if (!ctx.isCurrent()) return;
  fill(
    view,
    pageHeading(t('report.heading')),
    h('p', null, t('report.intro')),
    total(data.total),
    // Not a landmark of its own: the table's scroll box is one, by the same name.
    h(
      'div',
      { class: 'plan-section' },
      h('h2', null, t('report.perCaseworker')),
      table(
        t('report.perCaseworker'),
        [t('report.caseworkerColumn'), t('report.activeColumn'), t('report.pendingColumn'), t('report.medianColumn')],
        (data.per_caseworker || []).map((g) => [g.caseworker.name, String(g.active_citizens), String(g.pending_proposals), median(g)]),
        { hideCaption: true },
      ),
    ),
  );
}
