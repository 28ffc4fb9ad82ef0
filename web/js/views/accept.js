// Sig ja til planen: what changed since the citizen's last yes (the
// history above accepted_version), and the yes itself, recorded for the
// version the citizen is looking at. If the plan moved meanwhile (409),
// the new changes are shown and the citizen can say yes again.

import * as api from '../api.js';
import { h, fill, icon } from '../dom.js';
import { t, dateTime } from '../i18n/index.js';
import { state, loadPlan, lostSession } from '../state.js';
import { alert, announce, errorAlert, pageHeading, backLink, skeleton } from '../ui.js';

export async function render(view, ctx, message) {
  if (!message) fill(view, backLink(), pageHeading(t('accept.heading')), h('p', null, t('accept.intro')), skeleton(3, 'skeleton-card'), skeleton(1, 'skeleton-button'));
  let versions;
  try {
    [, versions] = await Promise.all([loadPlan(), historySince(() => state.plan && state.plan.accepted_version)]);
  } catch (err) {
    if (!ctx.isCurrent()) return;
    if (err.kind === 'auth') {
      lostSession();
      return ctx.render({ focus: false });
    }
    fill(view, backLink(), pageHeading(t('accept.heading')), errorAlert(err, { page: true, retry: () => render(view, ctx) }));
    return;
  }
  if (!ctx.isCurrent()) return;
  draw(view, ctx, versions, message);
}

// The history newest first, page by page, down to the version after the
// last yes (all of it when there was none): what this page lists.
async function historySince(accepted) {
  const versions = [];
  let before = null;
  for (;;) {
    const { data } = await api.get(api.pagePath('/api/v1/plan/history', { limit: 500, before }));
    versions.push(...((data && data.versions) || []));
    before = data && data.next;
    const last = versions[versions.length - 1];
    if (before == null || (last && accepted() && last.version <= accepted())) return versions;
  }
}

function versionList(versions) {
  return h(
    'ol',
    { class: 'history-list' },
    versions.map((v) =>
      h(
        'li',
        { class: 'history-item' },
        h('p', { class: 'history-summary' }, v.summary || ''),
        h('p', { class: 'history-meta' }, `${t('common.version', { n: v.version })} · ${dateTime(v.at)}${v.by ? ` · ${t('history.by', { by: v.by })}` : ''}`),
      ),
    ),
  );
}

function draw(view, ctx, versions, message) {
  const plan = state.plan;
  const current = t('common.version', { n: plan.version });
  const accepted = plan.accepted_version;
  let body;
  if (accepted === plan.version) {
    body = alert('success', t('accept.upToDate', { version: current }), { role: 'none' });
  } else {
    const since = versions.filter((v) => v.version > (accepted || 0));
    const button = h('button', { type: 'submit', class: 'button button-primary' }, icon('check'), t('accept.button', { version: current }));
    const msg = h('div', { class: 'editor-message' });
    const form = h('form', { class: 'accept-form' }, msg, h('p', { class: 'form-hint' }, t('accept.law')), button);
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      button.disabled = true;
      msg.replaceChildren();
      try {
        await api.post('/api/v1/plan/acceptance', { version: plan.version });
        announce(t('accept.done'));
        await render(view, ctx, alert('success', t('accept.done'), { role: 'none' }));
        focusHeading(view);
      } catch (err) {
        if (err.kind === 'conflict' || err.kind === 'stale') {
          await render(view, ctx, alert('warning', t('accept.conflict')));
          focusHeading(view);
          return;
        }
        button.disabled = false;
        msg.append(errorAlert(err, { retry: () => form.requestSubmit() }));
      }
    });
    body = [
      h('h2', null, accepted ? t('accept.changed', { version: t('common.version', { n: accepted }) }) : t('accept.never')),
      versionList(since),
      h('p', null, h('a', { href: '#/plan' }, t('accept.readPlan'))),
      form,
    ];
  }
  fill(view, backLink(), pageHeading(t('accept.heading')), message || null, h('p', null, t('accept.intro')), body);
}

function focusHeading(view) {
  const heading = view.querySelector('h1');
  if (heading) heading.focus();
}
