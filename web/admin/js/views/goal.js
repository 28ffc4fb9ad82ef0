// Adding a goal or sub-goal (POST /citizens/{id}/goals) and changing one
// (PATCH .../goals/{goal}): title, description, area, the legal basis
// picked from GET /legal-bases, the parent goal for a sub-goal, hours per
// week, child-related and status. Every field is kept in the drafts store
// as it is typed; the change carries the plan's ETag, and a plan that
// moved meanwhile (412) is fetched anew with the form left as it was.

import * as api from '/js/api.js';
import { h, fill } from '/js/dom.js';
import * as drafts from '/js/drafts.js';
import { t, number } from '/js/i18n/index.js';
import { allGoals, setFlash } from '/js/state.js';
import { alert, onSubmit, pageHeading, skeleton, TITLE_MAX, DESCRIPTION_MAX } from '/js/ui.js';
import { backToPlan, citizenPath, citizenPlan, freshEtag, legalBases, loadFailed, mayDecide, showError } from '../common.js';
import { areaOptions, checker, field, legalOptions, parseHours } from '../forms.js';

const NEW_STATUSES = ['active', 'proposed', 'accepted', 'on-hold'];
const ALL_STATUSES = ['proposed', 'accepted', 'active', 'on-hold', 'completed', 'cancelled', 'rejected'];

export async function render(view, ctx) {
  const { citizen, goal: goalId, parent } = ctx.params;
  const editing = goalId !== undefined;
  const heading = t(editing ? 'goal.editHeading' : parent ? 'goal.newSubHeading' : 'goal.newHeading');
  fill(view, backToPlan(citizen), pageHeading(heading), skeleton(2, 'skeleton-card'), skeleton(8, 'skeleton-card'));
  if (!mayDecide()) {
    fill(view, backToPlan(citizen), pageHeading(heading), alert('info', t('goal.caseworkerOnly')));
    return;
  }
  let plan;
  let etag;
  let bases;
  try {
    [{ plan, etag }, bases] = await Promise.all([citizenPlan(citizen), legalBases()]);
  } catch (err) {
    loadFailed(view, ctx, err, heading, () => render(view, ctx));
    return;
  }
  if (!ctx.isCurrent()) return;
  const hit = editing ? allGoals(plan).find(({ goal: g }) => String(g.id) === String(goalId)) : null;
  const goal = hit ? hit.goal : null;
  if (editing && !goal) {
    fill(view, backToPlan(citizen), pageHeading(heading), alert('warning', t('goal.notFound')));
    return;
  }
  draw(view, ctx, { citizen, plan, etag, bases, goal, parent, heading });
}

function draw(view, ctx, s) {
  const { citizen, plan, bases, goal, heading } = s;
  const key = goal ? `goal:${citizen}:${goal.id}` : `goal:${citizen}:new:${s.parent || ''}`;
  const start = goal
    ? {
        title: goal.title,
        description: goal.description,
        area: goal.area,
        legal_basis: goal.legal_basis,
        hours: typeof goal.hours_per_week === 'number' ? number(goal.hours_per_week) : '',
        child_related: goal.child_related,
        status: goal.status,
      }
    : { title: '', description: '', area: '', legal_basis: '', hours: '', child_related: false, status: 'active', parent: s.parent || '' };
  const restored = drafts.pending().includes(key);
  const d = { ...start, ...(drafts.get(key) || {}) };

  const title = field({ label: t('goal.titleLabel'), hint: t('goal.titleHint'), value: d.title, max: TITLE_MAX, attrs: { name: 'title', autocomplete: 'off' } });
  const desc = field({ kind: 'textarea', label: t('goal.descriptionLabel'), value: d.description, max: DESCRIPTION_MAX, optional: true, attrs: { name: 'description', rows: 3 } });
  const parents = (plan.goals || []).map((g) => [String(g.id), g.title]);
  const parent = goal ? null : field({ kind: 'select', label: t('goal.parentLabel'), value: d.parent, options: [['', t('goal.parentNone')], ...parents], attrs: { name: 'parent' } });
  const area = field({ kind: 'select', label: t('goal.area'), value: d.area, options: areaOptions(), attrs: { name: 'area' } });
  const legal = field({ kind: 'select', label: t('goal.legalBasis'), hint: t('goal.legalHint'), value: d.legal_basis, options: legalOptions(bases, t('goal.legalChoose')), attrs: { name: 'legal_basis' } });
  const hours = field({ label: t('goal.hours'), hint: t('goal.hoursHint'), value: d.hours, optional: true, attrs: { name: 'hours', inputmode: 'decimal', autocomplete: 'off', class: 'form-input input-width-xs' } });
  const statuses = goal ? ALL_STATUSES : NEW_STATUSES;
  const status = field({ kind: 'select', label: t('goal.statusLabel'), value: d.status, options: statuses.map((v) => [v, t(`goalStatus.${v}`)]), attrs: { name: 'status' } });
  const childBox = h('input', { type: 'checkbox', class: 'form-checkbox', id: `${key}-child`, name: 'child_related', checked: Boolean(d.child_related) });
  const child = h('div', { class: 'form-group' }, h('div', { class: 'form-group-checkbox' }, childBox, h('label', { class: 'form-label', for: `${key}-child` }, t('goal.childLabel'))));

  const summary = h('div', { class: 'form-summary', tabindex: '-1' });
  const msg = h('div', { class: 'editor-message' });
  const submit = h('button', { type: 'submit', class: 'button button-primary' }, t('goal.save'));
  const form = h(
    'form',
    { class: 'admin-form', novalidate: true },
    summary,
    title.group,
    desc.group,
    parent ? parent.group : null,
    area.group,
    legal.group,
    hours.group,
    child,
    status.group,
    msg,
    h('div', { class: 'button-row' }, submit, h('a', { class: 'button button-secondary', href: `#/borger/${citizen}`, onclick: () => drafts.remove(key) }, t('common.cancel'))),
  );

  const values = () => ({
    title: title.input.value,
    description: desc.input.value,
    parent: parent ? parent.input.value : '',
    area: area.input.value,
    legal_basis: legal.input.value,
    hours: hours.input.value,
    child_related: childBox.checked,
    status: status.input.value,
  });
  const keep = () => drafts.set(key, values());
  form.addEventListener('input', keep);
  form.addEventListener('change', keep);
  // A legal basis from Barnets lov marks the goal child-related (the
  // server does so too); the box stays the caseworker's to tick.
  legal.input.addEventListener('change', () => {
    const b = bases.find((x) => x.code === legal.input.value);
    if (b && b.child_related) childBox.checked = true;
  });

  function validate(v) {
    const c = checker();
    c.check(title, !v.title.trim() || [...v.title].length > TITLE_MAX, v.title.trim() ? t('errors.tooLong') : t('goal.needTitle'));
    c.check(desc, [...v.description].length > DESCRIPTION_MAX, t('errors.tooLong'));
    c.check(area, !v.area, t('goal.needArea'));
    c.check(legal, !v.legal_basis, t('goal.needLegal'));
    c.check(hours, Number.isNaN(parseHours(v.hours)), t('goal.badHours'));
    return c.report(summary);
  }

  /** The request body, or null when a change changes nothing. */
  function bodyOf(v) {
    const body = { title: v.title.trim(), description: v.description, area: v.area, legal_basis: v.legal_basis, child_related: v.child_related, status: v.status };
    const hrs = parseHours(v.hours);
    if (!goal) {
      if (hrs !== null) body.hours_per_week = hrs;
      if (v.parent) body.parent_goal_id = Number(v.parent);
      return body;
    }
    // A change names only what changed, so the plan's history says what
    // happened ("Mål sat på pause"); hours null clears them.
    body.hours_per_week = hrs;
    const was = { ...start, title: goal.title, hours_per_week: typeof goal.hours_per_week === 'number' ? goal.hours_per_week : null };
    for (const k of Object.keys(body)) if (body[k] === was[k]) delete body[k];
    return Object.keys(body).length ? body : null;
  }

  async function send() {
    const body = bodyOf(values());
    if (!body) {
      drafts.remove(key);
      setFlash('info', t('goal.unchanged'));
      location.hash = `#/borger/${citizen}`;
      return;
    }
    try {
      if (goal) await api.patch(citizenPath(citizen, `goals/${encodeURIComponent(goal.id)}`), body, { ifMatch: s.etag });
      else await api.post(citizenPath(citizen, 'goals'), body, { ifMatch: s.etag });
      drafts.remove(key);
      setFlash('success', t(goal ? 'goal.saved' : 'goal.added'));
      location.hash = `#/borger/${citizen}`;
    } catch (err) {
      // A plan that moved: take its new version, keep every field. If
      // that read fails, say so instead of that the new version was fetched.
      let shown = err;
      if (err.kind === 'stale') {
        try {
          s.etag = await freshEtag(citizen);
        } catch (again) {
          shown = again;
        }
      }
      showError(msg, shown, form);
    }
  }

  onSubmit(form, submit, {
    idleText: t('goal.save'),
    busyText: t('common.saving'),
    validate: () => {
      msg.replaceChildren();
      return validate(values());
    },
    send,
  });

  fill(
    view,
    backToPlan(citizen),
    pageHeading(heading),
    h('p', { class: 'font-lead' }, plan.citizen.name),
    restored ? alert('info', t('goal.draftRestored'), { role: 'none' }) : null,
    form,
  );
}
