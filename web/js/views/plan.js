// Min plan: the citizen's dreams first (edited in place), then the goals
// with their sub-goals in plain words, the one contact person, upcoming
// meetings, and the way to the other pages. While the plan is on its way
// the page shows placeholders of the same shape, so nothing jumps.

import * as api from '../api.js';
import { h, fill, icon } from '../dom.js';
import * as drafts from '../drafts.js';
import { t, dateTimeLong, number, has } from '../i18n/index.js';
import { state, loadPlan, lostSession } from '../state.js';
import { alert, announce, errorAlert, notices, textEditor, skeleton, pageHeading, badge, TEXT_MAX } from '../ui.js';

// Meetings come from GET /api/v1/meetings; until the server has it (404),
// the section stays away.
let meetings = null;
let confirmDelete = null; // the dream id whose deletion waits for a yes
let liveMessage = null; // { variant, text } for the dreams section

/** The page's frame with placeholders, drawn before anything is known. */
export function renderSkeleton(view) {
  if (view.querySelector('.plan-page')) return;
  fill(
    view,
    h(
      'div',
      { class: 'plan-page', 'aria-busy': 'true' },
      pageHeading(t('plan.heading')),
      h('p', { class: 'sr-only', role: 'status' }, t('loading')),
      skeleton(1, 'skeleton-status'),
      h('section', { class: 'plan-section' }, h('h2', null, t('plan.dreamsHeading')), skeleton(1), skeleton(3, 'skeleton-card'), skeleton(2, 'skeleton-card')),
      h('section', { class: 'plan-section' }, h('h2', null, t('plan.goalsHeading')), skeleton(1), skeleton(5, 'skeleton-card'), skeleton(5, 'skeleton-card')),
    ),
  );
}

export async function render(view, ctx) {
  renderSkeleton(view);
  const meetingsDone = loadMeetings();
  if (!state.plan) {
    try {
      await loadPlan();
    } catch (err) {
      if (!ctx.isCurrent()) return;
      if (err.kind === 'auth') {
        lostSession();
        return ctx.render({ focus: false });
      }
      fill(view, pageHeading(t('plan.heading')), errorAlert(err, { page: true, retry: () => render(view, ctx) }));
      return;
    }
  }
  if (!ctx.isCurrent()) return;
  draw(view, ctx);
  await meetingsDone;
  if (ctx.isCurrent()) drawMeetings(view);
}

async function loadMeetings() {
  try {
    const res = await api.get('/api/v1/meetings');
    meetings = res.data && Array.isArray(res.data.meetings) ? res.data.meetings : [];
  } catch {
    meetings = null; // not there yet (404), or not now: show nothing
  }
}

/** Reloads the plan and draws the page again, keeping focus on the same
 * editor or button when it is still there. */
async function refresh(view, ctx) {
  const active = document.activeElement;
  const focusKey = active && active.dataset ? active.dataset.draftKey || active.dataset.focusKey : '';
  try {
    await loadPlan();
  } catch (err) {
    // Logged out or offline: keep the page, and every editor, as it is;
    // the editor that was sending says why.
    if (err.kind === 'auth') state.loginNotice = 'expired';
  }
  if (!ctx.isCurrent()) return;
  draw(view, ctx);
  drawMeetings(view);
  if (focusKey) {
    const el = view.querySelector(`[data-draft-key="${CSS.escape(focusKey)}"], [data-focus-key="${CSS.escape(focusKey)}"]`);
    if (el) el.focus();
  }
}

function draw(view, ctx) {
  const plan = state.plan;
  fill(
    view,
    h(
      'div',
      { class: 'plan-page' },
      pageHeading(t('plan.heading')),
      plan.frozen
        ? alert('warning', t('plan.frozen'), {
            heading: t('plan.frozenHeading'),
            actions: [h('a', { href: '#/samtykke', class: 'button button-secondary' }, t('plan.frozenAction'))],
          })
        : null,
      plan.course_ended ? alert('info', t('plan.ended'), { heading: t('plan.endedHeading') }) : null,
      acceptanceLine(plan),
      dreamsSection(plan, view, ctx),
      goalsSection(plan, view, ctx),
      contactSection(plan.contact),
      h('div', { id: 'meetings-slot' }),
      moreSection(),
    ),
  );
}

function acceptanceLine(plan) {
  const version = t('common.version', { n: plan.version });
  if (plan.accepted_version === plan.version) {
    return h('p', { class: 'plan-status plan-status-ok' }, icon('check'), t('plan.accepted', { version }));
  }
  // Only the citizen's own dream edits since: the yes stands (the server's rule).
  if (plan.accepted_version && plan.accepted_through === plan.version) {
    return h('p', { class: 'plan-status plan-status-ok' }, icon('check'), t('plan.acceptedOwnEdits', { version: t('common.version', { n: plan.accepted_version }) }), ' ', h('a', { href: '#/ja' }, t('plan.seeReceipt')));
  }
  return h(
    'p',
    { class: 'plan-status plan-status-open' },
    icon('info'),
    plan.accepted_version ? t('plan.changedSince') : t('plan.notAccepted'),
    ' ',
    h('a', { href: '#/ja' }, t('plan.seeChanges')),
  );
}

// ------------------------------------------------------------ dreams

function dreamsSection(plan, view, ctx) {
  const dreams = plan.dreams || [];
  const ids = new Set(dreams.map((d) => String(d.id)));
  const list = h('ul', { class: 'dream-list' });
  dreams.forEach((d, i) => list.append(dreamItem(d, i + 1, view, ctx)));

  // Text written for a dream that is no longer there (deleted elsewhere):
  // it stays, and can be saved as a new dream.
  for (const key of drafts.pending()) {
    const m = /^dream:(\d+)$/.exec(key);
    if (m && !ids.has(m[1])) list.append(h('li', { class: 'dream-card' }, orphanEditor(key, view, ctx)));
  }

  let adder;
  if (drafts.has('dream:new')) {
    adder = textEditor({
      draftKey: 'dream:new',
      label: t('plan.dreamNewLabel'),
      max: TEXT_MAX,
      onSave: (text) => saveDream(null, text, 'dream:new', view, ctx),
      onCancel: () => draw(view, ctx),
    }).form;
  } else {
    adder = h(
      'button',
      {
        type: 'button',
        class: 'button button-secondary',
        dataset: { focusKey: 'dream-add' },
        onclick: () => {
          drafts.set('dream:new', { text: '' });
          draw(view, ctx);
          const area = view.querySelector('[data-draft-key="dream:new"]');
          if (area) area.focus();
        },
      },
      icon('plus'),
      t('plan.dreamAdd'),
    );
  }

  const live = h('div', { class: 'dreams-live' });
  if (liveMessage) {
    live.append(alert(liveMessage.variant, liveMessage.text, { role: 'none' }));
    liveMessage = null;
  }

  return h(
    'section',
    { class: 'plan-section', 'aria-labelledby': 'dreams-heading' },
    h('h2', { id: 'dreams-heading' }, t('plan.dreamsHeading')),
    h('p', null, t('plan.dreamsIntro')),
    live,
    dreams.length ? list : [h('p', { class: 'empty' }, t('plan.dreamsEmpty')), list.children.length ? list : null],
    h('div', { class: 'dream-add' }, adder),
  );
}

function dreamItem(dream, n, view, ctx) {
  const key = `dream:${dream.id}`;
  if (drafts.has(key)) {
    return h(
      'li',
      { class: 'dream-card' },
      textEditor({
        draftKey: key,
        label: t('plan.dreamEditLabel'),
        initial: dream.text,
        onSave: (text) => saveDream(dream.id, text, key, view, ctx),
        onCancel: () => {
          draw(view, ctx);
          focusKey(view, `dream-edit-${dream.id}`);
        },
      }).form,
    );
  }
  const text = h('blockquote', { class: 'dream-text' }, dream.text);
  if (confirmDelete === dream.id) {
    return h(
      'li',
      { class: 'dream-card' },
      text,
      h(
        'div',
        { class: 'dream-confirm', role: 'group', 'aria-label': t('plan.dreamDeleteConfirm') },
        h('p', null, t('plan.dreamDeleteConfirm')),
        h(
          'div',
          { class: 'button-row' },
          h(
            'button',
            { type: 'button', class: 'button button-primary', dataset: { focusKey: `dream-del-yes-${dream.id}` }, onclick: () => deleteDream(dream.id, view, ctx) },
            t('plan.dreamDeleteYes'),
          ),
          h(
            'button',
            {
              type: 'button',
              class: 'button button-secondary',
              onclick: () => {
                confirmDelete = null;
                draw(view, ctx);
                focusKey(view, `dream-del-${dream.id}`);
              },
            },
            t('plan.dreamDeleteNo'),
          ),
        ),
      ),
    );
  }
  return h(
    'li',
    { class: 'dream-card' },
    text,
    h(
      'div',
      { class: 'dream-actions' },
      h(
        'button',
        {
          type: 'button',
          class: 'function-link',
          'aria-label': t('plan.dreamEditAria', { n }),
          dataset: { focusKey: `dream-edit-${dream.id}` },
          onclick: () => {
            drafts.set(key, { text: dream.text, base: dream.text });
            draw(view, ctx);
            const area = view.querySelector(`[data-draft-key="${key}"]`);
            if (area) area.focus();
          },
        },
        icon('edit'),
        t('common.edit'),
      ),
      h(
        'button',
        {
          type: 'button',
          class: 'function-link',
          'aria-label': t('plan.dreamDeleteAria', { n }),
          dataset: { focusKey: `dream-del-${dream.id}` },
          onclick: () => {
            confirmDelete = dream.id;
            draw(view, ctx);
            focusKey(view, `dream-del-yes-${dream.id}`);
          },
        },
        icon('delete'),
        t('common.delete'),
      ),
    ),
  );
}

function orphanEditor(key, view, ctx) {
  if (!notices.has(key)) notices.set(key, { err: { kind: 'gone' } });
  return textEditor({
    draftKey: key,
    label: t('plan.dreamNewLabel'),
    saveLabel: t('plan.dreamGoneSaveNew'),
    onSave: (text) => saveDream(null, text, key, view, ctx),
    onCancel: () => draw(view, ctx),
  }).form;
}

function focusKey(view, k) {
  const el = view.querySelector(`[data-focus-key="${CSS.escape(k)}"]`);
  if (el) el.focus();
}

/**
 * Sends a dream (id null: a new one). On success the draft goes and the
 * page is drawn again; on any failure the draft stays and the editor says
 * what happened. A stale plan (412) is fetched anew first, so that the
 * next press of Save goes against the version the citizen now sees.
 */
async function saveDream(id, text, key, view, ctx) {
  const opts = { ifMatch: state.etag };
  try {
    if (id === null) await api.post('/api/v1/plan/dreams', { text }, opts);
    else await api.put(`/api/v1/plan/dreams/${encodeURIComponent(id)}`, { text }, opts);
  } catch (err) {
    if (err.kind === 'gone' && id !== null) {
      // The dream is gone: keep the text under its key; the orphan editor
      // offers to save it as a new dream.
      notices.set(key, { err });
      await refresh(view, ctx);
      throw err;
    }
    if (err.kind === 'stale') {
      notices.set(key, { err });
      await refresh(view, ctx);
      throw err;
    }
    if (err.kind === 'auth') state.loginNotice = 'expired';
    throw err;
  }
  drafts.remove(key);
  notices.delete(key);
  liveMessage = { variant: 'success', text: t('plan.dreamSaved') };
  announce(t('plan.dreamSaved'));
  await refresh(view, ctx);
  focusKey(view, id === null ? 'dream-add' : `dream-edit-${id}`);
}

async function deleteDream(id, view, ctx) {
  confirmDelete = null;
  try {
    await api.del(`/api/v1/plan/dreams/${encodeURIComponent(id)}`, { ifMatch: state.etag });
    liveMessage = { variant: 'success', text: t('plan.dreamDeleted') };
    announce(t('plan.dreamDeleted'));
  } catch (err) {
    if (err.kind === 'auth') {
      lostSession();
      return ctx.render({ focus: false });
    }
    if (err.kind !== 'gone') {
      liveMessage = { variant: 'error', text: t(`errors.${err.kind}`) };
      announce(liveMessage.text);
    }
  }
  await refresh(view, ctx);
  focusKey(view, 'dream-add');
}

// ------------------------------------------------------------- goals

const STATUS_BADGE = { active: 'info', accepted: 'info', proposed: 'info', completed: 'success', 'on-hold': 'warning' };

function goalFacts(g) {
  const facts = [];
  if (g.area) facts.push([t('plan.area'), has(`areas.${g.area}`) ? t(`areas.${g.area}`) : g.area]);
  if (g.status) {
    const label = has(`goalStatus.${g.status}`) ? t(`goalStatus.${g.status}`) : g.status;
    facts.push([t('plan.status'), badge(label, STATUS_BADGE[g.status])]);
  }
  if (typeof g.hours_per_week === 'number' && g.hours_per_week > 0) {
    facts.push([t('plan.hours'), t('hours', { n: g.hours_per_week, text: number(g.hours_per_week) })]);
  }
  return h(
    'dl',
    { class: 'goal-facts' },
    facts.map(([k, v]) => h('div', null, h('dt', null, k), h('dd', null, v))),
  );
}

const PROGRESS = ['in-progress', 'improving', 'worsening', 'no-change', 'achieved', 'not-achieved'];
const NOTE_MAX = 500;

/** "Hvordan går det?" under a sub-goal: the citizen's own word on how it
 * goes (six choices and a note), which changes nothing in the plan. */
function progressBox(s, plan, view, ctx) {
  const latest = (plan.progress || []).find((p) => p.goal_id === s.id);
  const summary = h('summary', { class: 'progress-summary' }, t('progress.heading'));
  const current = latest
    ? h('p', { class: 'progress-current' }, t('progress.current', { status: t(`progress.status.${latest.status}`) }),
        latest.note ? h('span', { class: 'progress-note' }, ` – ${latest.note}`) : null)
    : null;
  if (plan.frozen || plan.course_ended) return current;
  const name = `progress-${s.id}`;
  const radios = PROGRESS.map((code) => {
    const id = `${name}-${code}`;
    const input = h('input', { type: 'radio', class: 'form-radio', name, id, value: code, checked: latest && latest.status === code });
    return { input, el: h('div', { class: 'form-group-radio' }, input, h('label', { class: 'form-label', for: id }, t(`progress.status.${code}`))) };
  });
  const noteId = `${name}-note`;
  const note = h('textarea', { class: 'form-input', id: noteId, rows: 2, maxlength: NOTE_MAX });
  const slot = h('div', { class: 'progress-message', 'aria-live': 'polite' });
  const save = h('button', { type: 'submit', class: 'button button-secondary' }, t('progress.save'));
  const form = h(
    'form',
    {
      class: 'progress-form',
      novalidate: true,
      onsubmit: async (ev) => {
        ev.preventDefault();
        const chosen = radios.find((r) => r.input.checked);
        if (!chosen) {
          radios[0].input.focus();
          return;
        }
        save.disabled = true;
        try {
          await api.post(`/api/v1/goals/${s.id}/progress`, { status: chosen.input.value, note: note.value });
        } catch (err) {
          save.disabled = false;
          if (err.kind === 'auth') lostSession();
          slot.replaceChildren(errorAlert(err));
          return;
        }
        announce(t('progress.saved'));
        await refresh(view, ctx);
      },
    },
    h('p', { class: 'form-hint' }, t('progress.intro')),
    h('fieldset', null, h('legend', { class: 'form-label' }, t('progress.heading')), radios.map((r) => r.el)),
    h('div', { class: 'form-group' }, h('label', { class: 'form-label', for: noteId }, t('progress.note')), note),
    slot,
    save,
  );
  return [current, h('details', { class: 'progress-box' }, summary, form)];
}

function goalsSection(plan, view, ctx) {
  const goals = plan.goals || [];
  const list = h(
    'ul',
    { class: 'goal-list' },
    goals.map((g) =>
      h(
        'li',
        { class: 'goal-card' },
        h('h3', { class: 'goal-title' }, g.title),
        g.description ? h('p', { class: 'goal-description' }, g.description) : null,
        goalFacts(g),
        g.legal_basis ? h('p', { class: 'legal' }, h('small', null, t('plan.legalBasis', { basis: g.legal_basis }))) : null,
        g.subgoals && g.subgoals.length
          ? [
              h('h4', { class: 'subgoals-heading' }, t('plan.subgoalsHeading')),
              h(
                'ul',
                { class: 'subgoal-list' },
                g.subgoals.map((s) =>
                  h(
                    'li',
                    { class: 'subgoal' },
                    h('p', { class: 'subgoal-title' }, s.title),
                    s.description ? h('p', { class: 'goal-description' }, s.description) : null,
                    goalFacts(s),
                    s.legal_basis ? h('p', { class: 'legal' }, h('small', null, t('plan.legalBasis', { basis: s.legal_basis }))) : null,
                    progressBox(s, plan, view, ctx),
                  ),
                ),
              ),
            ]
          : null,
        h(
          'p',
          { class: 'goal-action' },
          h(
            'a',
            {
              class: 'function-link',
              href: '#/forslag/ny',
              'aria-label': t('plan.proposeChangeAria', { title: g.title }),
              onclick: () => preparePropose('change_goal', g.id),
            },
            icon('edit'),
            t('plan.proposeChange'),
          ),
        ),
      ),
    ),
  );
  return h(
    'section',
    { class: 'plan-section', 'aria-labelledby': 'goals-heading' },
    h('h2', { id: 'goals-heading' }, t('plan.goalsHeading')),
    h('p', null, t('plan.goalsIntro')),
    goals.length ? list : h('p', { class: 'empty' }, t('plan.goalsEmpty')),
    h(
      'p',
      null,
      h('a', { class: 'button button-secondary', href: '#/forslag/ny', onclick: () => preparePropose('add_goal', null) }, icon('plus'), t('plan.proposeNew')),
    ),
  );
}

/** Starts the proposal form on a kind and goal – unless the citizen has
 * already written something there, which always wins. */
function preparePropose(kind, goalId) {
  const d = drafts.get('proposal');
  const written = d && ['title', 'description', 'reason'].some((f) => typeof d[f] === 'string' && d[f].trim());
  if (!written) drafts.set('proposal', { kind, goal_id: goalId === null ? '' : String(goalId) });
}

// ----------------------------------------------------------- contact

function telHref(phone) {
  return `tel:${String(phone).replace(/[^0-9+]/g, '')}`;
}

function initials(name) {
  return String(name)
    .split(/\s+/)
    .filter(Boolean)
    .map((p) => [...p][0])
    .slice(0, 2)
    .join('')
    .toUpperCase();
}

/** The link to the thread, with the count of the staff's messages not
 * read yet filled in once it is known. */
function messagesLink(first) {
  const count = h('span', { class: 'contact-detail', hidden: true });
  api
    .get('/api/v1/messages/unread')
    .then(({ data }) => {
      if (data && data.unread > 0) {
        count.textContent = t('messages.unread', { n: data.unread });
        count.hidden = false;
      }
    })
    .catch(() => {});
  return h('a', { class: 'button button-primary contact-button', href: '#/beskeder', id: 'contact-messages' }, icon('chat'), h('span', null, t('messages.write', { name: first }), count));
}

function contactSection(c) {
  let body;
  if (!c || !c.name) {
    body = h('p', { class: 'empty' }, t('plan.contactNone'));
  } else {
    const first = String(c.name).split(/\s+/)[0];
    body = h(
      'div',
      { class: 'contact-card' },
      h(
        'div',
        { class: 'contact-who' },
        h('div', { class: 'contact-photo', role: 'img', 'aria-label': t('plan.photo', { name: c.name }) }, h('span', { 'aria-hidden': 'true' }, initials(c.name))),
        h('div', null, h('p', { class: 'contact-name' }, c.name), c.role ? h('p', { class: 'contact-role' }, c.role) : null),
      ),
      c.hours ? h('p', { class: 'contact-hours' }, t('plan.hours', { hours: c.hours })) : null,
      h(
        'ul',
          { class: 'contact-actions' },
          h('li', null, messagesLink(first)),
          c.phone
            ? h(
                'li',
                null,
                h('a', { class: 'button button-secondary contact-button', href: telHref(c.phone) }, icon('smartphone'), h('span', null, t('plan.call', { name: first }), h('span', { class: 'contact-detail' }, c.phone))),
              )
            : null,
          c.email
            ? h(
                'li',
                null,
                h('a', { class: 'button button-secondary contact-button', href: `mailto:${c.email}` }, icon('email'), h('span', null, t('plan.mail', { name: first }), h('span', { class: 'contact-detail' }, c.email))),
              )
            : null,
      ),
    );
  }
  return h(
    'section',
    { class: 'plan-section', 'aria-labelledby': 'contact-heading' },
    h('h2', { id: 'contact-heading' }, t('plan.contactHeading')),
    h('p', null, t('plan.contactIntro')),
    body,
  );
}

// ---------------------------------------------------------- meetings

function participantText(p) {
  if (typeof p === 'string') return p;
  if (!p || !p.name) return '';
  return p.role ? `${p.name} (${p.role})` : p.name;
}

function drawMeetings(view) {
  const slot = view.querySelector('#meetings-slot');
  if (!slot) return;
  if (!Array.isArray(meetings)) {
    slot.replaceChildren();
    return;
  }
  // The next meeting only; all of them, with the agenda to add to, the
  // answer and the past ones with minutes, are on #/moeder.
  const upcoming = meetings.filter((m) => !m.held_at).slice(0, 1);
  const items = upcoming.map((m) => {
    const when = m.starts_at || m.at;
    const kind = m.kind && has(`meetings.kinds.${m.kind}`) ? t(`meetings.kinds.${m.kind}`) : m.kind || '';
    const parts = (Array.isArray(m.participants) ? m.participants : []).map(participantText).filter(Boolean);
    const facts = [];
    if (m.place) facts.push([t('plan.meetingPlace'), m.place]);
    if (m.agenda) facts.push([t('plan.meetingAgenda'), h('span', { class: 'pre-line' }, Array.isArray(m.agenda) ? m.agenda.join('\n') : m.agenda)]);
    if (parts.length) facts.push([t('plan.meetingParticipants'), parts.join(', ')]);
    return h(
      'li',
      { class: 'meeting-card' },
      h('h3', { class: 'meeting-title' }, kind || t('plan.meetingsHeading')),
      when ? h('p', { class: 'meeting-time' }, icon('calendar-month'), h('time', { datetime: when }, dateTimeLong(when))) : null,
      h('dl', { class: 'meeting-facts' }, facts.map(([k, v]) => h('div', null, h('dt', null, k), h('dd', null, v)))),
    );
  });
  fill(
    slot,
    h(
      'section',
      { class: 'plan-section', 'aria-labelledby': 'meetings-heading' },
      h('h2', { id: 'meetings-heading' }, t('plan.meetingsHeading')),
      items.length ? h('ul', { class: 'meeting-list' }, items) : h('p', { class: 'empty' }, t('plan.meetingsEmpty')),
      h('p', null, h('a', { href: '#/moeder', class: 'more-link' }, icon('calendar-month'), h('span', null, t('meetings.seeAll')), icon('arrow-forward', 'more-arrow'))),
    ),
  );
}

// -------------------------------------------------------------- more

function moreSection() {
  const links = [
    ['#/beskeder', 'nav.messages', 'chat'],
    ['#/forslag', 'nav.proposals', 'chat'],
    ['#/ja', 'nav.accept', 'check'],
    ['#/moeder', 'nav.meetings', 'calendar-month'],
    ['#/historik', 'nav.history', 'time'],
    ['#/indsigt', 'nav.access', 'visibility'],
    ['#/samtykke', 'nav.consent', 'check'],
    ['#/besked-til-dig', 'nav.notify', 'email'],
    ['#/privatliv', 'nav.privacy', 'visibility'],
  ];
  return h(
    'nav',
    { class: 'plan-section more-nav', 'aria-labelledby': 'more-heading' },
    h('h2', { id: 'more-heading' }, t('plan.moreHeading')),
    h(
      'ul',
      { class: 'more-list' },
      links.map(([href, key, ic]) => h('li', null, h('a', { href, class: 'more-link' }, icon(ic), h('span', null, t(key)), icon('arrow-forward', 'more-arrow')))),
    ),
  );
}
