// Samtykke: what the joint plan is, who sees what, what no means, and the
// citizen's yes or no (GET and POST /api/v1/consent). The first page after
// login until consent is given; later the place to see and withdraw it.

import * as api from '../api.js';
import { h, fill } from '../dom.js';
import { t, dateTime, lang } from '../i18n/index.js';
import { state, loadPlan, lostSession, setFlash } from '../state.js';
import { alert, errorAlert, pageHeading, skeleton } from '../ui.js';

const PATH = '/api/v1/consent';

function section(key) {
  return h('section', { class: 'plan-section' }, h('h2', null, t(`consent.${key}Heading`)), h('p', null, t(`consent.${key}`)));
}

function statusLine(c) {
  if (c.status === 'none' || !c.at) return null;
  const at = dateTime(c.at);
  if (c.status === 'withdrawn') return alert('warning', t('consent.withdrawn', { at }), { role: 'none' });
  return alert('success', t(c.fact && c.fact.paper ? 'consent.givenPaper' : 'consent.given', { at }), { role: 'none' });
}

async function send(view, ctx, action) {
  try {
    await api.post(PATH, { action });
  } catch (err) {
    if (err.kind === 'auth') {
      lostSession();
      return ctx.render({ focus: false });
    }
    view.prepend(errorAlert(err));
    return;
  }
  state.needsConsent = false;
  state.plan = null;
  if (action === 'give') {
    try {
      await loadPlan();
    } catch {
      /* the plan page tries again */
    }
    setFlash('success', t('consent.done'));
    // The consent page may stand in for #/plan itself: then no hash
    // changes, and the page is drawn again.
    if (location.hash === '#/plan') return ctx.render();
    location.hash = '#/plan';
    return;
  }
  setFlash('success', t('consent.done'));
  return render(view, ctx);
}

function actions(view, ctx, c) {
  const box = h('div', { class: 'consent-actions' });
  const button = (text, variant, onclick) => h('button', { type: 'button', class: `button button-${variant}`, onclick }, text);
  if (c.status !== 'given') {
    const yes = button(t(c.status === 'withdrawn' ? 'consent.giveAgain' : 'consent.give'), 'primary', () => send(view, ctx, 'give'));
    const no = c.status === 'none'
      ? button(t('consent.decline'), 'secondary', () => {
          fill(box, alert('info', t('consent.declined')), yes);
          yes.focus();
        })
      : null;
    fill(box, yes, no);
    return box;
  }
  const withdraw = button(t('consent.withdraw'), 'secondary', () => {
    const cancel = button(t('consent.confirmNo'), 'secondary', () => {
      fill(box, withdraw);
      withdraw.focus();
    });
    const confirm = h(
      'div',
      { class: 'alert alert-warning', role: 'alertdialog', 'aria-labelledby': 'consent-confirm-heading' },
      h('div', { class: 'alert-body' },
        h('p', { class: 'alert-heading', id: 'consent-confirm-heading' }, t('consent.confirmHeading')),
        h('p', { class: 'alert-text' }, t('consent.confirm')),
        h('div', { class: 'alert-actions' }, button(t('consent.confirmYes'), 'primary', () => send(view, ctx, 'withdraw')), cancel)),
    );
    fill(box, confirm);
    cancel.focus();
  });
  fill(box, withdraw);
  return box;
}

export async function render(view, ctx) {
  fill(view, pageHeading(t('consent.heading')), skeleton(4, 'skeleton-card'));
  let c;
  try {
    c = (await api.get(PATH)).data;
  } catch (err) {
    if (!ctx.isCurrent()) return;
    if (err.kind === 'auth') {
      lostSession();
      return ctx.render({ focus: false });
    }
    fill(view, pageHeading(t('consent.heading')), errorAlert(err, { page: true, retry: () => render(view, ctx) }));
    return;
  }
  if (!ctx.isCurrent()) return;
  state.needsConsent = c.status === 'none';
  const text = lang() === 'en' ? c.text_en : c.text;
  fill(
    view,
    pageHeading(t('consent.heading')),
    statusLine(c),
    c.status === 'none' ? h('p', { class: 'lead' }, t('consent.intro')) : null,
    section('replaces'),
    section('who'),
    section('no'),
    h('section', { class: 'plan-section' },
      h('h2', null, t('consent.textHeading')),
      h('blockquote', { class: 'consent-text', lang: lang() === 'en' ? 'en' : 'da' }, text),
      h('p', { class: 'form-hint' }, t('consent.version', { version: c.text_version }))),
    actions(view, ctx, c),
    h('p', null, h('a', { href: '#/privatliv' }, t('consent.privacyLink'))),
  );
}
