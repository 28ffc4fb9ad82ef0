// Historik: every version of the plan, newest first, with who changed it,
// and the version the citizen last said yes to; a page at a time.

import * as api from '../api.js';
import { h, fill, icon } from '../dom.js';
import { t, dateTime } from '../i18n/index.js';
import { state, loadPlan, lostSession } from '../state.js';
import { errorAlert, pageHeading, backLink, skeleton, moreButton } from '../ui.js';

const PATH = '/api/v1/plan/history';

export async function render(view, ctx) {
  fill(view, backLink(), pageHeading(t('history.heading')), h('p', null, t('history.intro')), skeleton(3, 'skeleton-card'), skeleton(3, 'skeleton-card'));
  let versions;
  let next;
  try {
    const [, hist] = await Promise.all([loadPlan(), api.get(PATH)]);
    versions = (hist.data && hist.data.versions) || [];
    next = hist.data && hist.data.next;
  } catch (err) {
    if (!ctx.isCurrent()) return;
    if (err.kind === 'auth') {
      lostSession();
      return ctx.render({ focus: false });
    }
    fill(view, backLink(), pageHeading(t('history.heading')), errorAlert(err, { page: true, retry: () => render(view, ctx) }));
    return;
  }
  if (!ctx.isCurrent()) return;
  const accepted = state.plan && state.plan.accepted_version;
  const item = (v) =>
    h(
      'li',
      { class: 'history-item' },
      h('h2', { class: 'history-version' }, t('history.versionHeading', { n: v.version })),
      h('p', { class: 'history-summary' }, v.summary || ''),
      h('p', { class: 'history-meta' }, `${dateTime(v.at)}${v.by ? ` · ${t('history.by', { by: v.by })}` : ''}`),
      v.version === accepted ? h('p', { class: 'history-accepted' }, icon('check'), t('history.acceptedHere')) : null,
    );
  const list = h('ol', { class: 'history-list' }, versions.map(item));
  fill(
    view,
    backLink(),
    pageHeading(t('history.heading')),
    h('p', null, t('history.intro')),
    versions.length
      ? [
          list,
          moreButton(PATH, 'versions', next, (more) => {
            const items = more.map(item);
            list.append(...items);
            return items[0];
          }),
        ]
      : h('p', { class: 'empty' }, t('history.empty')),
  );
}
