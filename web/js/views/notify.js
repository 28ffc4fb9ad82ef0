// Besked til dig: whether the citizen is told by e-mail or SMS that there
// is news in Kaptajn, and the address and number (GET and PUT
// /api/v1/notifications). The message only ever says "Der er nyt i
// Kaptajn" with a link, which the page says plainly. A channel the
// municipality has not set up is shown as not available, not offered.
// What is typed is kept in the drafts store until the server has taken it.

import * as api from '../api.js';
import { h, fill, newId } from '../dom.js';
import * as drafts from '../drafts.js';
import { t } from '../i18n/index.js';
import { lostSession, setFlash } from '../state.js';
import { alert, errorAlert, errorSummary, onSubmit, pageHeading, backLink, skeleton } from '../ui.js';

const PATH = '/api/v1/notifications';
const KEY = 'notify';

// The two channels: the API's names and the page's texts.
const CHANNELS = [
  {
    name: 'email',
    input: { type: 'email', autocomplete: 'email', inputmode: 'email', spellcheck: 'false' },
    texts: { legend: 'notify.emailLegend', on: 'notify.emailOn', label: 'notify.emailLabel', hint: 'notify.emailHint', unavailable: 'notify.emailUnavailable', need: 'notify.needEmail', bad: 'notify.badEmail' },
  },
  {
    name: 'sms',
    input: { type: 'tel', autocomplete: 'tel', inputmode: 'tel' },
    texts: { legend: 'notify.smsLegend', on: 'notify.smsOn', label: 'notify.smsLabel', hint: 'notify.smsHint', unavailable: 'notify.smsUnavailable', need: 'notify.needPhone', bad: 'notify.badPhone' },
  },
];

export async function render(view, ctx) {
  fill(view, backLink(), pageHeading(t('notify.heading')), skeleton(5, 'skeleton-card'));
  let s;
  try {
    s = (await api.get(PATH)).data;
  } catch (err) {
    if (!ctx.isCurrent()) return;
    if (err.kind === 'auth') {
      lostSession();
      return ctx.render({ focus: false });
    }
    fill(view, backLink(), pageHeading(t('notify.heading')), errorAlert(err, { retry: () => render(view, ctx) }));
    return;
  }
  if (!ctx.isCurrent()) return;
  draw(view, ctx, s);
}

/** The field a 400 is about: by its code, else by the "field: …" its
 * message starts with (the API's rule for field errors). */
function fieldOf(err) {
  if (err.code === 'invalid_email') return 'email';
  if (err.code === 'invalid_phone') return 'sms';
  const m = /^(email|sms)\b/.exec(err.message || '');
  return m ? m[1] : '';
}

/** The confirmation: how the citizen is told now. */
function savedText(s) {
  if (s.email_on && s.sms_on) return 'notify.savedBoth';
  if (s.email_on) return 'notify.savedEmail';
  if (s.sms_on) return 'notify.savedSms';
  return 'notify.savedNone';
}

function draw(view, ctx, s) {
  const saved = { email: s.email || '', email_on: Boolean(s.email_on), sms: s.sms || '', sms_on: Boolean(s.sms_on) };
  const d = drafts.get(KEY);
  const v = d ? { ...saved, ...d } : saved;
  const errors = {};
  const summary = h('div', { class: 'form-summary', tabindex: '-1' });
  const msg = h('div', { class: 'editor-message' });

  // One fieldset per channel: the switch and the address, or a plain word
  // that the municipality does not send this way.
  const parts = CHANNELS.map((c) => {
    const available = Boolean(s[`${c.name}_available`]);
    const legend = h('legend', { class: 'form-label' }, t(c.texts.legend));
    if (!available) {
      return { c, available, el: h('fieldset', { class: 'form-group notify-channel' }, legend, h('p', { class: 'notify-unavailable' }, t(c.texts.unavailable))) };
    }
    const ids = { on: newId(`${c.name}-on`), value: newId(c.name) };
    const on = h('input', { type: 'checkbox', class: 'form-checkbox', id: ids.on, name: `${c.name}_on`, checked: v[`${c.name}_on`] });
    const input = h('input', { class: 'form-input', id: ids.value, name: c.name, ...c.input, 'aria-describedby': `${ids.value}-hint`, dataset: { hint: `${ids.value}-hint` } });
    input.value = v[c.name];
    const error = h('span', { class: 'form-error-message', id: `${ids.value}-error`, hidden: true });
    const group = h(
      'div',
      { class: 'form-group' },
      h('label', { class: 'form-label', for: ids.value }, t(c.texts.label)),
      h('span', { class: 'form-hint', id: `${ids.value}-hint` }, t(c.texts.hint)),
      error,
      input,
    );
    const el = h(
      'fieldset',
      { class: 'form-group notify-channel' },
      legend,
      h('div', { class: 'form-group-checkbox' }, on, h('label', { class: 'form-label', for: ids.on }, t(c.texts.on))),
      group,
    );
    return { c, available, el, on, input, error, group };
  });
  const offered = parts.filter((p) => p.available);

  /** The body of the PUT: what the form says, and for a channel not
   * offered what the server holds, off. */
  function values() {
    const out = { ...saved };
    for (const p of parts) {
      out[`${p.c.name}_on`] = p.available ? p.on.checked : false;
      if (p.available) out[p.c.name] = p.input.value.trim();
    }
    return out;
  }

  function keep() {
    drafts.set(KEY, values());
  }

  function setError(p, text) {
    p.group.classList.toggle('form-error', Boolean(text));
    p.error.hidden = !text;
    p.error.replaceChildren(text ? h('span', { class: 'sr-only' }, `${t('common.error')}: `) : '', text || '');
    if (text) {
      p.input.setAttribute('aria-invalid', 'true');
      p.input.setAttribute('aria-describedby', `${p.error.id} ${p.input.dataset.hint}`);
      errors[p.c.name] = { text, target: p.input };
    } else {
      p.input.removeAttribute('aria-invalid');
      p.input.setAttribute('aria-describedby', p.input.dataset.hint);
      delete errors[p.c.name];
    }
  }

  // A channel turned on needs its address; the server checks the rest.
  function validate() {
    for (const p of offered) setError(p, p.on.checked && !p.input.value.trim() ? t(p.c.texts.need) : '');
    return errorSummary(summary, Object.values(errors), t('notify.errorSummary'));
  }

  // The page: what a message says, then body.
  const page = (...body) =>
    fill(view, backLink(), pageHeading(t('notify.heading')), h('p', { class: 'lead' }, t('notify.intro')), h('p', null, t('notify.only')), body);

  if (!offered.length) {
    page(alert('info', t('notify.noneAvailable'), { role: 'none' }));
    return;
  }

  const submit = h('button', { type: 'submit', class: 'button button-primary' }, t('notify.save'));
  const form = h(
    'form',
    { class: 'notify-form', novalidate: true },
    summary,
    parts.map((p) => p.el),
    msg,
    h('div', { class: 'button-row' }, submit, h('a', { class: 'button button-secondary', href: '#/plan', onclick: () => drafts.remove(KEY) }, t('common.cancel'))),
  );
  form.addEventListener('input', keep);
  form.addEventListener('change', keep);

  onSubmit(form, submit, {
    idleText: t('notify.save'),
    busyText: t('notify.saving'),
    validate: () => {
      keep();
      msg.replaceChildren();
      return validate();
    },
    send: async () => {
      const body = values();
      for (const c of CHANNELS) if (!body[c.name]) delete body[c.name];
      let got;
      try {
        got = (await api.put(PATH, body)).data;
      } catch (err) {
        const p = err.kind === 'invalid' ? offered.find((x) => x.c.name === fieldOf(err)) : null;
        if (p) {
          setError(p, t(err.code === 'missing_field' ? p.c.texts.need : p.c.texts.bad));
          errorSummary(summary, Object.values(errors), t('notify.errorSummary'));
          return;
        }
        if (err.code === 'channel_unavailable') {
          // Turned off on the server meanwhile: drawn again as it is now,
          // with what was typed (the draft).
          setFlash('warning', t('notify.unavailableNow'));
          return ctx.render();
        }
        msg.replaceChildren(errorAlert(err, { kept: true, retry: () => form.requestSubmit() }));
        return;
      }
      drafts.remove(KEY);
      setFlash('success', t(savedText(got || {})));
      return ctx.render();
    },
  });

  // A draft that differs from what is saved came back from before.
  const restored = d && offered.some(({ c }) => (d[c.name] ?? '') !== saved[c.name] || Boolean(d[`${c.name}_on`]) !== saved[`${c.name}_on`]);
  if (d && !restored) drafts.remove(KEY);
  page(restored ? alert('info', t('notify.draftRestored'), { role: 'none' }) : null, form);
}
