// A citizen's network meetings and follow-ups (GET /citizens/{id}/meetings,
// an audited read): the ones to come and not yet held, each with "mark as
// held" (POST /meetings/{id}/held), the ones held, the follow-up count,
// and a form to plan a new one (POST /citizens/{id}/meetings) whose every
// field is kept in the drafts store as it is typed.

import * as api from '/js/api.js';
import { h, fill, icon, newId } from '/js/dom.js';
import * as drafts from '/js/drafts.js';
import { t, dateTime, dateTimeLong } from '/js/i18n/index.js';
import { alert, announce, onSubmit, skeleton, DESCRIPTION_MAX, TITLE_MAX } from '/js/ui.js';
import { API, citizenPath, citizenPlan, citizenTop, factList, loadFailed, me, named, roleName, showError } from '../common.js';
import { checker, field, radios } from '../forms.js';

const PARTICIPANTS_MAX = 30;
const MINUTES_MAX = 8000;
let liveMessage = null; // { variant, text } shown once above the lists

export async function render(view, ctx) {
  const id = ctx.params.citizen;
  fill(view, skeleton(1, 'skeleton-heading'), skeleton(1, 'skeleton-tabs'), skeleton(4, 'skeleton-card'), skeleton(4, 'skeleton-card'));
  let plan;
  let data;
  try {
    [{ plan }, { data }] = await Promise.all([citizenPlan(id), api.get(citizenPath(id, 'meetings'))]);
  } catch (err) {
    loadFailed(view, ctx, err, t('meetings.heading'), () => render(view, ctx));
    return;
  }
  if (!ctx.isCurrent()) return;
  draw(view, ctx, id, plan, data);
}

function participantText(p) {
  return p.role ? `${p.name} (${p.role})` : p.name;
}

function meetingCard(m, view, ctx, id, plan) {
  const when = dateTimeLong(m.starts_at);
  const facts = [[t('meetings.place'), m.place]];
  if (m.agenda) facts.push([t('meetings.agenda'), h('span', { class: 'pre-line' }, m.agenda)]);
  if (m.participants && m.participants.length) facts.push([t('meetings.participants'), m.participants.map(participantText).join(', ')]);
  // The citizen's side: their points (and staff's) with who and when, their answer.
  if (m.points && m.points.length) facts.push([t('meetings.points'), h('ul', { class: 'point-list' }, m.points.map((p) => h('li', null, h('span', { class: 'pre-line' }, p.text), h('span', { class: 'point-by' }, ` – ${p.by.name}, ${dateTime(p.at)}`))))]);
  if (m.response) facts.push([t('meetings.answer'), h('span', null, t(`meetings.answers.${m.response.answer}`), m.response.comment ? h('span', { class: 'pre-line answer-comment' }, m.response.comment) : null)]);
  if (m.minutes) facts.push([t('meetings.minutes'), h('span', { class: 'pre-line' }, m.minutes.text)]);
  const begun = m.held_at || Date.parse(m.starts_at) <= Date.now();
  return h(
    'li',
    { class: 'meeting-card' },
    h('h3', { class: 'meeting-title' }, named('meetingKinds', m.kind)),
    h('p', { class: 'meeting-time' }, icon('calendar-month'), h('time', { datetime: m.starts_at }, when)),
    factList(facts, 'meeting-facts'),
    begun ? minutesForm(m, view, ctx, id, plan) : null,
    m.held_at
      ? h('p', { class: 'meeting-held' }, icon('check'), t('meetings.heldAt', { at: dateTime(m.held_at) }))
      : h(
          'p',
          { class: 'goal-action' },
          h(
            'button',
            { type: 'button', class: 'button button-secondary', 'aria-label': t('meetings.markHeldAria', { when }), onclick: (ev) => markHeld(ev.currentTarget, m.id, view, ctx, id, plan) },
            icon('check'),
            t('meetings.markHeld'),
          ),
        ),
  );
}

function draw(view, ctx, id, plan, data) {
  const list = data.meetings || [];
  const open = list.filter((m) => !m.held_at).sort((a, b) => a.starts_at.localeCompare(b.starts_at));
  const held = list.filter((m) => m.held_at).sort((a, b) => b.starts_at.localeCompare(a.starts_at));
  const f = data.follow_ups;
  const live = h('div', { class: 'dreams-live' });
  if (liveMessage) {
    live.append(alert(liveMessage.variant, liveMessage.text, { role: 'none' }));
    liveMessage = null;
  }
  fill(
    view,
    citizenTop(id, plan.citizen.name, 'meetings'),
    live,
    f ? h('p', null, t('meetings.followUps', f)) : null,
    h(
      'section',
      { class: 'plan-section', 'aria-labelledby': 'open-heading' },
      h('h2', { id: 'open-heading', tabindex: '-1' }, t('meetings.upcomingHeading')),
      open.length ? h('ul', { class: 'meeting-list' }, open.map((m) => meetingCard(m, view, ctx, id, plan))) : h('p', { class: 'empty' }, t('meetings.empty')),
    ),
    newMeeting(id, plan, view, ctx),
    held.length
      ? h(
          'section',
          { class: 'plan-section', 'aria-labelledby': 'held-heading' },
          h('h2', { id: 'held-heading' }, t('meetings.heldHeading')),
          h('ul', { class: 'meeting-list' }, held.map((m) => meetingCard(m, view, ctx, id, plan))),
        )
      : null,
  );
}

/** Draws the page again with the meetings fetched anew; plan is the one
 * already drawn (only the citizen's name is taken from it), so the plan
 * is not read – and its reading logged – once more. */
async function reload(view, ctx, id, plan, focusSel) {
  try {
    const { data } = await api.get(citizenPath(id, 'meetings'));
    if (!ctx.isCurrent()) return;
    draw(view, ctx, id, plan, data);
  } catch (err) {
    loadFailed(view, ctx, err, t('meetings.heading'), () => render(view, ctx));
    return;
  }
  const el = focusSel && view.querySelector(focusSel);
  if (el) el.focus();
}

async function markHeld(button, meetingId, view, ctx, id, plan) {
  // Disabled at once, so a double click sends once.
  button.disabled = true;
  try {
    await api.post(`${API}/meetings/${encodeURIComponent(meetingId)}/held`);
    liveMessage = { variant: 'success', text: t('meetings.markedHeld') };
  } catch (err) {
    button.disabled = false; // free to try again
    if (err.kind === 'auth') return loadFailed(view, ctx, err, '');
    liveMessage = err.kind === 'conflict' ? { variant: 'info', text: t('meetings.alreadyHeld') } : { variant: 'error', text: t(`errors.${err.kind}`) };
  }
  announce(liveMessage.text);
  await reload(view, ctx, id, plan, '#open-heading');
}

/** Minutes, once the meeting has begun (POST /meetings/{id}/minutes);
 * the text is kept in the drafts store as it is typed. */
function minutesForm(m, view, ctx, id, plan) {
  const key = `minutes:${m.id}`;
  const d = drafts.get(key);
  const text = field({ kind: 'textarea', label: t('meetings.minutesLabel'), value: d ? d.text : m.minutes ? m.minutes.text : '', max: MINUTES_MAX, attrs: { name: `minutes-${m.id}`, rows: 4 } });
  const msg = h('div', { class: 'editor-message' });
  const submit = h('button', { type: 'submit', class: 'button button-secondary' }, t('meetings.minutesSave'));
  const form = h('form', { class: 'admin-form', novalidate: true }, text.group, msg, h('div', { class: 'button-row' }, submit));
  text.input.addEventListener('input', () => drafts.set(key, { text: text.input.value }));
  onSubmit(form, submit, {
    idleText: t('meetings.minutesSave'),
    busyText: t('common.sending'),
    validate: () => {
      const v = text.input.value;
      const bad = !v.trim() ? t('meetings.needMinutes') : [...v].length > MINUTES_MAX ? t('errors.tooLong') : '';
      fill(msg, bad ? alert('error', bad) : null);
      if (bad) text.input.focus();
      return !bad;
    },
    send: async () => {
      try {
        await api.post(`${API}/meetings/${encodeURIComponent(m.id)}/minutes`, { text: text.input.value });
      } catch (err) {
        if (err.kind === 'auth') return loadFailed(view, ctx, err, '');
        fill(msg, alert('error', t(`errors.${err.kind}`)));
        return;
      }
      drafts.remove(key);
      liveMessage = { variant: 'success', text: t('meetings.minutesSaved') };
      announce(liveMessage.text);
      await reload(view, ctx, id, plan, '#open-heading');
    },
  });
  return form;
}

// ------------------------------------------------------ a new meeting

/** Local date and time ("2026-12-01", "09:30") as the API's UTC time. */
function toUtc(date, time) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !/^\d{2}:\d{2}$/.test(time)) return '';
  const d = new Date(`${date}T${time}:00`);
  return Number.isNaN(d.getTime()) ? '' : d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function newMeeting(id, plan, view, ctx) {
  const key = `meeting:${id}`;
  const who = me();
  const start = {
    kind: '',
    date: '',
    time: '',
    place: '',
    agenda: '',
    participants: [{ name: plan.citizen.name, role: t('roles.citizen'), professional: false }, ...(who ? [{ name: who.name, role: roleName(who.role), professional: true }] : [])],
  };
  const restored = drafts.pending().includes(key);
  const d = { ...start, ...(drafts.get(key) || {}) };
  let people = d.participants.map((p) => ({ ...p }));

  const kind = radios({ legend: t('meetings.kindLegend'), name: 'kind', value: d.kind, choices: [['network', t('meetingKinds.network')], ['follow_up', t('meetingKinds.follow_up')]] });
  const date = field({ label: t('meetings.dateLabel'), value: d.date, attrs: { type: 'date', name: 'date', class: 'form-input input-width-s' } });
  const time = field({ label: t('meetings.timeLabel'), value: d.time, attrs: { type: 'time', name: 'time', class: 'form-input input-width-xs' } });
  const place = field({ label: t('meetings.placeLabel'), value: d.place, max: TITLE_MAX, attrs: { name: 'place', autocomplete: 'off' } });
  const agenda = field({ kind: 'textarea', label: t('meetings.agendaLabel'), hint: t('meetings.agendaHint'), value: d.agenda, max: DESCRIPTION_MAX, optional: true, attrs: { name: 'agenda', rows: 4 } });
  const rows = h('ol', { class: 'participant-list' });
  const addBtn = h('button', { type: 'button', class: 'button button-secondary' }, icon('person-add'), t('meetings.participantAdd'));
  const peopleSet = h('fieldset', { class: 'form-group' }, h('legend', { class: 'form-label' }, t('meetings.participantsLegend')), rows, addBtn);
  const summary = h('div', { class: 'form-summary', tabindex: '-1' });
  const msg = h('div', { class: 'editor-message' });
  const submit = h('button', { type: 'submit', class: 'button button-primary' }, t('meetings.submit'));
  const form = h(
    'form',
    { class: 'admin-form', novalidate: true, 'aria-labelledby': 'new-meeting-heading' },
    summary,
    kind.group,
    h('div', { class: 'when-row' }, date.group, time.group),
    place.group,
    agenda.group,
    peopleSet,
    msg,
    h('div', { class: 'button-row' }, submit),
  );

  const keep = () =>
    drafts.set(key, { kind: kind.value(), date: date.input.value, time: time.input.value, place: place.input.value, agenda: agenda.input.value, participants: people });

  function drawPeople(focusIndex) {
    rows.replaceChildren();
    people.forEach((p, i) => {
      const n = i + 1;
      const nameId = newId('pn');
      const roleId = newId('pr');
      const proId = newId('pp');
      const name = h('input', { type: 'text', class: 'form-input', id: nameId, autocomplete: 'off', value: p.name });
      const role = h('input', { type: 'text', class: 'form-input', id: roleId, autocomplete: 'off', value: p.role });
      const pro = h('input', { type: 'checkbox', class: 'form-checkbox', id: proId, checked: p.professional });
      name.addEventListener('input', () => {
        p.name = name.value;
      });
      role.addEventListener('input', () => {
        p.role = role.value;
      });
      pro.addEventListener('change', () => {
        p.professional = pro.checked;
      });
      const remove = h(
        'button',
        {
          type: 'button',
          class: 'function-link',
          'aria-label': t('meetings.participantRemove', { n }),
          onclick: () => {
            people.splice(i, 1);
            keep();
            drawPeople(Math.min(i, people.length - 1));
          },
        },
        icon('close'),
        t('meetings.remove'),
      );
      rows.append(
        h(
          'li',
          { class: 'participant-row' },
          h('div', { class: 'form-group' }, h('label', { class: 'form-label', for: nameId }, t('meetings.participantName', { n })), name),
          h('div', { class: 'form-group' }, h('label', { class: 'form-label', for: roleId }, t('meetings.participantRole', { n })), role),
          h('div', { class: 'form-group-checkbox' }, pro, h('label', { class: 'form-label', for: proId }, t('meetings.participantPro', { n }))),
          remove,
        ),
      );
      if (focusIndex === i) name.focus();
    });
    addBtn.hidden = people.length >= PARTICIPANTS_MAX;
    if (focusIndex === -1) addBtn.focus();
  }
  drawPeople();
  addBtn.addEventListener('click', () => {
    people.push({ name: '', role: '', professional: false });
    keep();
    drawPeople(people.length - 1);
  });
  form.addEventListener('input', keep);
  form.addEventListener('change', keep);

  function validate() {
    const c = checker();
    c.check(kind, !kind.value(), t('meetings.needKind'), kind.inputs[0]);
    c.check(date, !toUtc(date.input.value, time.input.value), t('meetings.needWhen'));
    const p = place.input.value;
    c.check(place, !p.trim() || [...p].length > TITLE_MAX, p.trim() ? t('errors.tooLong') : t('meetings.needPlace'));
    c.check(agenda, [...agenda.input.value].length > DESCRIPTION_MAX, t('errors.tooLong'));
    const bad = people.findIndex((x) => !x.name.trim() || !x.role.trim());
    if (bad >= 0) c.note(t('meetings.needParticipant'), rows.querySelectorAll('input[type="text"]')[bad * 2]);
    return c.report(summary);
  }

  onSubmit(form, submit, {
    idleText: t('meetings.submit'),
    busyText: t('common.sending'),
    validate: () => {
      keep();
      msg.replaceChildren();
      return validate();
    },
    send: async () => {
      const body = {
        kind: kind.value(),
        starts_at: toUtc(date.input.value, time.input.value),
        place: place.input.value.trim(),
        agenda: agenda.input.value,
        participants: people.map((x) => ({ name: x.name.trim(), role: x.role.trim(), professional: Boolean(x.professional) })),
      };
      try {
        await api.post(citizenPath(id, 'meetings'), body);
      } catch (err) {
        showError(msg, err, form);
        return;
      }
      drafts.remove(key);
      liveMessage = { variant: 'success', text: t('meetings.created') };
      announce(liveMessage.text);
      await reload(view, ctx, id, plan, '#open-heading');
    },
  });

  return h(
    'section',
    { class: 'plan-section', 'aria-labelledby': 'new-meeting-heading' },
    h('h2', { id: 'new-meeting-heading', tabindex: '-1' }, t('meetings.newHeading')),
    restored ? alert('info', t('meetings.draftRestored'), { role: 'none' }) : null,
    form,
  );
}
