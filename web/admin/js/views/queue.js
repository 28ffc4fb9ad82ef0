// Forslag til afgørelse: the caseload's pending proposals, oldest first
// (GET /proposals?status=pending, an audited read of each citizen), with
// the citizen's reason, the comments of caseworker and contact person,
// a comment box, and approve / reject (POST /proposals/{id}/decision).
// A rejection needs a reason the citizen can read; approving a new goal
// needs its area and legal basis. Whatever is typed is kept in the drafts
// store, so an expired session, a dropped connection or a proposal decided
// by someone else meanwhile (409) loses none of it.

import * as api from '/js/api.js';
import { h, fill, icon } from '/js/dom.js';
import * as drafts from '/js/drafts.js';
import { t, dateTime } from '/js/i18n/index.js';
import { state } from '/js/state.js';
import { alert, announce, notices, onSubmit, pageHeading, skeleton, textEditor, TEXT_MAX } from '/js/ui.js';
import { API, factList, legalBases, loadFailed, mayDecide, named, roleName, showError } from '../common.js';
import { areaOptions, checker, field, legalOptions, parseHours } from '../forms.js';

let filterCitizen = ''; // the citizen id the list is narrowed to ('' for all)
let liveMessage = null; // { variant, text } shown once at the top

export async function render(view, ctx) {
  fill(
    view,
    pageHeading(t('queue.heading')),
    h('p', null, t('queue.intro')),
    h('div', { 'aria-busy': 'true' }, h('p', { class: 'sr-only', role: 'status' }, t('loading')), skeleton(2), skeleton(8, 'skeleton-card'), skeleton(8, 'skeleton-card')),
  );
  await load(view, ctx);
}

async function load(view, ctx, focus) {
  let list;
  let bases = [];
  try {
    [list, bases] = await Promise.all([
      // Every page: the citizen filter, and the drafts of proposals that
      // are no longer pending, need the whole queue.
      api.getAll(`${API}/proposals?status=pending`, 'proposals'),
      mayDecide() ? legalBases() : [],
    ]);
  } catch (err) {
    loadFailed(view, ctx, err, t('queue.heading'), () => render(view, ctx));
    return;
  }
  if (!ctx.isCurrent()) return;
  draw(view, ctx, list, bases);
  const el = focus && view.querySelector(focus);
  if (el) el.focus();
}

/** "Nyt mål: Tage kørekort" – what the proposal is about. */
function what(p) {
  const target = p.kind === 'add_goal' ? p.title : p.goal && p.goal.title;
  return target ? `${named('queue.kind', p.kind)}: ${target}` : named('queue.kind', p.kind);
}

function draw(view, ctx, list, bases) {
  const ids = new Set(list.map((p) => String(p.id)));
  const citizens = [...new Map(list.map((p) => [String(p.citizen.id), p.citizen.name]))].sort((a, b) => a[1].localeCompare(b[1], 'da'));
  if (filterCitizen && !citizens.some(([id]) => id === filterCitizen)) filterCitizen = '';
  const shown = list.filter((p) => !filterCitizen || String(p.citizen.id) === filterCitizen);

  const live = h('div', { class: 'dreams-live', tabindex: '-1', id: 'queue-live' });
  if (liveMessage) {
    live.append(alert(liveMessage.variant, liveMessage.text, { role: 'none' }));
    liveMessage = null;
  }
  const filter = field({
    kind: 'select',
    label: t('queue.filterLabel'),
    value: filterCitizen,
    options: [['', t('queue.filterAll')], ...citizens],
    attrs: { name: 'citizen' },
  });
  filter.input.addEventListener('change', () => {
    filterCitizen = filter.input.value;
    draw(view, ctx, list, bases);
    view.querySelector('select[name="citizen"]').focus();
  });

  fill(
    view,
    pageHeading(t('queue.heading')),
    h('p', null, t('queue.intro')),
    live,
    orphans(ids, view, ctx),
    mayDecide() ? null : alert('info', t('queue.contactOnly'), { role: 'none' }),
    list.length ? [h('div', { class: 'queue-filter' }, filter.group), h('p', { class: 'queue-count' }, t('queue.count', { n: shown.length }))] : null,
    shown.length ? h('ul', { class: 'proposal-list' }, shown.map((p) => card(p, view, ctx, bases))) : h('p', { class: 'empty' }, t('queue.empty')),
  );
}

/** Drops a draft and its message. */
function forget(key) {
  drafts.remove(key);
  notices.delete(key);
}

function secondary(text, onclick) {
  return h('button', { type: 'button', class: 'button button-secondary', onclick }, text);
}

// Text written for a proposal that is no longer pending (decided by
// someone else, withdrawn): shown with what happened until forgotten.
function orphans(ids, view, ctx) {
  const boxes = [];
  for (const key of drafts.pending()) {
    const m = /^(decision|comment):(\d+)$/.exec(key);
    if (!m || ids.has(m[2])) continue;
    const d = drafts.get(key);
    const text = m[1] === 'decision' ? d.reason : d.text;
    const drop = secondary(t('common.forget'), () => {
      forget(key);
      load(view, ctx, 'h1');
    });
    const box = alert('warning', [t('queue.orphanText'), ' ', h('q', { class: 'orphan-text' }, text)], { heading: t('queue.alreadyDecided'), actions: [drop] });
    box.classList.add('orphan-box');
    box.setAttribute('tabindex', '-1');
    boxes.push(box);
  }
  return boxes;
}

function card(p, view, ctx, bases) {
  const facts = [];
  if (p.kind === 'change_goal' && p.title) facts.push([t('queue.newTitle'), p.title]);
  if (p.description) facts.push([t('queue.description'), p.description]);
  const comments = p.comments || [];
  return h(
    'li',
    { class: 'proposal-card', dataset: { proposal: String(p.id) } },
    h('h2', { class: 'proposal-title h3' }, what(p)),
    h(
      'p',
      { class: 'proposal-meta' },
      h('a', { href: `#/borger/${p.citizen.id}` }, t('queue.from', { name: p.citizen.name })),
      h('span', { class: 'proposal-date' }, t('queue.sentAt', { at: dateTime(p.created_at) })),
    ),
    facts.length ? factList(facts.map(([k, v]) => [k, h('span', { class: 'pre-line' }, v)]), 'meeting-facts') : null,
    h('p', { class: 'proposal-label' }, t('queue.reason')),
    h('blockquote', { class: 'proposal-reason' }, p.reason),
    comments.length
      ? [
          h('h3', { class: 'comments-heading' }, t('queue.commentsHeading')),
          h(
            'ul',
            { class: 'comment-list' },
            comments.map((c) =>
              h('li', null, h('p', { class: 'proposal-answer-by' }, t('queue.commentBy', { name: c.by.name, role: roleName(c.by.role), at: dateTime(c.at) })), h('p', { class: 'pre-line' }, c.text)),
            ),
          ),
        ]
      : null,
    mayDecide() ? decision(p, view, ctx, bases) : null,
    comment(p, view, ctx, bases),
  );
}

// ---------------------------------------------------------- comments

function comment(p, view, ctx, bases) {
  const key = `comment:${p.id}`;
  if (!drafts.has(key)) {
    return h(
      'p',
      { class: 'goal-action' },
      h(
        'button',
        {
          type: 'button',
          class: 'function-link action-link',
          'aria-label': t('queue.commentAria', { name: p.citizen.name }),
          dataset: { focusKey: `comment-${p.id}` },
          onclick: () => {
            drafts.set(key, { text: '' });
            redrawCard(p, view, ctx, bases, `[data-draft-key="${key}"]`);
          },
        },
        icon('chat'),
        t('queue.comment'),
      ),
    );
  }
  return h(
    'div',
    { class: 'comment-box' },
    textEditor({
      draftKey: key,
      label: t('queue.commentLabel'),
      saveLabel: t('queue.commentSend'),
      onSave: async (text) => {
        try {
          await api.post(`${API}/proposals/${encodeURIComponent(p.id)}/comments`, { text });
        } catch (err) {
          if (err.kind === 'auth') state.loginNotice = 'expired';
          if (err.kind === 'conflict') await load(view, ctx, '.orphan-box');
          throw err;
        }
        drafts.remove(key);
        liveMessage = { variant: 'success', text: t('queue.commented') };
        announce(liveMessage.text);
        await load(view, ctx, '#queue-live');
      },
      onCancel: () => redrawCard(p, view, ctx, bases, `[data-focus-key="comment-${p.id}"]`),
    }).form,
  );
}

/** Draws one card again in place (a form opened or closed), with the
 * legal bases the list was drawn with. */
function redrawCard(p, view, ctx, bases, focusSel) {
  const old = view.querySelector(`[data-proposal="${p.id}"]`);
  if (!old) return;
  const fresh = card(p, view, ctx, bases);
  old.replaceWith(fresh);
  const el = focusSel && fresh.querySelector(focusSel);
  if (el) el.focus();
}

// --------------------------------------------------------- decisions

function decision(p, view, ctx, bases) {
  const key = `decision:${p.id}`;
  const d = drafts.get(key);
  if (!d) {
    const open = (mode) => () => {
      drafts.set(key, { mode, reason: '' });
      redrawCard(p, view, ctx, bases, mode === 'reject' || p.kind !== 'add_goal' ? 'textarea' : 'select');
    };
    return h(
      'div',
      { class: 'button-row decision-buttons' },
      h('button', { type: 'button', class: 'button button-primary', 'aria-label': t('queue.approveAria', { name: p.citizen.name, what: what(p) }), dataset: { focusKey: `approve-${p.id}` }, onclick: open('approve') }, icon('check'), t('queue.approve')),
      h('button', { type: 'button', class: 'button button-secondary', 'aria-label': t('queue.rejectAria', { name: p.citizen.name, what: what(p) }), dataset: { focusKey: `reject-${p.id}` }, onclick: open('reject') }, icon('close'), t('queue.reject')),
    );
  }
  const approve = d.mode === 'approve';
  const needsGoal = approve && p.kind === 'add_goal';
  const area = needsGoal ? field({ kind: 'select', label: t('goal.area'), value: d.area || '', options: areaOptions(), attrs: { name: 'area' } }) : null;
  const legal = needsGoal
    ? field({ kind: 'select', label: t('goal.legalBasis'), hint: t('goal.legalHint'), value: d.legal_basis || '', options: legalOptions(bases, t('goal.legalChoose')), attrs: { name: 'legal_basis' } })
    : null;
  const hours = needsGoal
    ? field({ label: t('goal.hours'), hint: t('goal.hoursHint'), value: d.hours || '', optional: true, attrs: { name: 'hours', inputmode: 'decimal', autocomplete: 'off', class: 'form-input input-width-xs' } })
    : null;
  const reason = field({
    kind: 'textarea',
    label: t(approve ? 'queue.reasonApprove' : 'queue.reasonReject'),
    hint: approve ? null : t('queue.reasonRejectHint'),
    value: d.reason || '',
    max: TEXT_MAX,
    optional: approve,
    attrs: { name: 'reason', rows: 4, required: !approve, dataset: { draftKey: key } },
  });
  const summary = h('div', { class: 'form-summary', tabindex: '-1' });
  const msg = h('div', { class: 'editor-message' });
  const sendText = t(approve ? 'queue.approveSend' : 'queue.rejectSend');
  const submit = h('button', { type: 'submit', class: 'button button-primary' }, sendText);
  const cancel = secondary(t('common.cancel'), () => {
    forget(key);
    redrawCard(p, view, ctx, bases, `[data-focus-key="${approve ? 'approve' : 'reject'}-${p.id}"]`);
  });
  const form = h(
    'form',
    { class: `decision-form decision-${d.mode}`, novalidate: true, 'aria-label': t(approve ? 'queue.approveHeading' : 'queue.rejectHeading') },
    h('h3', { class: 'decision-heading' }, t(approve ? 'queue.approveHeading' : 'queue.rejectHeading')),
    summary,
    needsGoal ? h('p', null, t('queue.approveNeeds')) : null,
    area ? area.group : null,
    legal ? legal.group : null,
    hours ? hours.group : null,
    reason.group,
    msg,
    h('div', { class: 'button-row' }, submit, cancel),
  );
  const keep = () =>
    drafts.set(key, { mode: d.mode, reason: reason.input.value, area: area ? area.input.value : undefined, legal_basis: legal ? legal.input.value : undefined, hours: hours ? hours.input.value : undefined });
  form.addEventListener('input', keep);
  form.addEventListener('change', keep);

  // A message kept from before a re-draw of the list.
  const n = notices.get(key);
  if (n && n.err) showError(msg, n.err, form, { gone: t('queue.goalGone'), focus: false });

  function validate() {
    const c = checker();
    const r = reason.input.value;
    c.check(reason, (!approve && !r.trim()) || [...r].length > TEXT_MAX, r.trim() ? t('errors.tooLong') : t('queue.needReason'));
    c.check(area, area && !area.input.value, t('goal.needArea'));
    c.check(legal, legal && !legal.input.value, t('goal.needLegal'));
    c.check(hours, hours && Number.isNaN(parseHours(hours.input.value)), t('goal.badHours'));
    return c.report(summary);
  }

  async function send() {
    const body = { decision: d.mode };
    if (reason.input.value.trim()) body.reason = reason.input.value;
    if (needsGoal) {
      body.area = area.input.value;
      body.legal_basis = legal.input.value;
      const hrs = parseHours(hours.input.value);
      if (hrs !== null) body.hours_per_week = hrs;
    }
    try {
      await api.post(`${API}/proposals/${encodeURIComponent(p.id)}/decision`, body);
    } catch (err) {
      notices.set(key, { err });
      // Decided by someone else, or withdrawn: the list is fetched anew
      // and the text stays, with what happened, at the top.
      if (err.kind === 'conflict') await load(view, ctx, '.orphan-box');
      else showError(msg, err, form, { gone: t('queue.goalGone') });
      return;
    }
    forget(key);
    liveMessage = { variant: 'success', text: t(approve ? 'queue.approved' : 'queue.rejected', { name: p.citizen.name }) };
    announce(liveMessage.text);
    await load(view, ctx, '#queue-live');
  }

  onSubmit(form, submit, {
    idleText: sendText,
    busyText: t('common.sending'),
    validate: () => {
      keep();
      msg.replaceChildren();
      notices.delete(key);
      return validate();
    },
    send,
  });
  return form;
}
