// Historik: every version of the plan, newest first, with who changed it,
// and the version the citizen last said yes to.

import * as api from '../api.js';
import { h, fill, icon } from '../dom.js';
import { t, dateTime } from '../i18n/index.js';
import { state, loadPlan, lostSession } from '../state.js';
import { errorAlert, pageHeading, backLink, skeleton } from '../ui.js';

export async function render(view, ctx) {
  fill(view, backLink(), pageHeading(t('history.heading')), h('p', null, t('history.intro')), skeleton(3, 'skeleton-card'), skeleton(3, 'skeleton-card'));
  let versions;
  try {
    const [, hist] = await Promise.all([loadPlan(), api.get('/api/v1/plan/history')]);
    versions = (hist.data && hist.data.versions) || [];
  } catch (err) {
    if (!ctx.isCurrent()) return;
    if (err.kind === 'auth') {
      lostSession();
      return ctx.render({ focus: false });
    }
    fill(view, backLink(), pageHeading(t('history.heading')), errorAlert(err, { retry: () => render(view, ctx) }));
    return;
  }
  if (!ctx.isCurrent()) return;
  const accepted = state.plan && state.plan.accepted_version;
  fill(
    view,
    backLink(),
    pageHeading(t('history.heading')),
    h('p', null, t('history.intro')),
    versions.length
      ? h(
          'ol',
          { class: 'history-list' },
          versions.map((v) =>
            h(
              'li',
              { class: 'history-item' },
              h('h2', { class: 'history-version' }, t('history.versionHeading', { n: v.version })),
              h('p', { class: 'history-summary' }, v.summary || ''),
              h('p', { class: 'history-meta' }, `${dateTime(v.at)}${v.by ? ` · ${t('history.by', { by: v.by })}` : ''}`),
              v.version === accepted ? h('p', { class: 'history-accepted' }, icon('check'), t('history.acceptedHere')) : null,
            ),
          ),
        )
      : h('p', { class: 'empty' }, t('history.empty')),
  );
}
