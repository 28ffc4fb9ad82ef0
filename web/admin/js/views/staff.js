// The staff directory for team leaders (GET /staff?inactive=true, POST
// /staff, PATCH /staff/{id}): the members, a form to add one, and a page
// per member to change or deactivate them (with a confirmation: the member
// is logged out at once). Others are told that it is the leaders'; the
// API refuses them anyway.

import * as api from '/js/api.js';
import { h, fill, icon } from '/js/dom.js';
import { t } from '/js/i18n/index.js';
import { setFlash } from '/js/state.js';
import { alert, backLink, badge, onSubmit, pageHeading, skeleton } from '/js/ui.js';
import { API, loadFailed, me, roleName, showError } from '../common.js';
import { checker, field } from '../forms.js';

const ISSUER = 'https://dev-idp.kaptajn.invalid/staff';
const ROLES = ['caseworker', 'contact', 'leader'];

/** The member's fields as a form: { fields, values() }. */
function memberFields(m = {}) {
  const f = {
    name: field({ label: t('staff.name'), value: m.name || '', max: 200, attrs: { name: 'name', autocomplete: 'off' } }),
    role: field({
      kind: 'select', label: t('staff.role'), value: m.role || '',
      options: [['', t('staff.roleChoose')], ...ROLES.map((r) => [r, roleName(r)])], attrs: { name: 'role' },
    }),
    title: field({ label: t('staff.title'), hint: t('staff.titleHint'), value: m.title || '', max: 100, optional: true, attrs: { name: 'title' } }),
    issuer: field({ label: t('staff.issuer'), value: m.issuer || ISSUER, max: 255, attrs: { name: 'issuer', autocomplete: 'off', spellcheck: 'false' } }),
    subject: field({ label: t('staff.subject'), hint: t('staff.subjectHint'), value: m.subject || '', max: 255, attrs: { name: 'subject', autocomplete: 'off', spellcheck: 'false' } }),
    phone: field({ label: t('staff.phone'), value: m.phone || '', max: 40, optional: true, attrs: { name: 'phone', type: 'tel', autocomplete: 'off' } }),
    email: field({ label: t('staff.email'), value: m.email || '', max: 200, optional: true, attrs: { name: 'email', type: 'email', autocomplete: 'off' } }),
    hours: field({ label: t('staff.hours'), hint: t('staff.hoursHint'), value: m.hours || '', max: 200, optional: true, attrs: { name: 'hours', autocomplete: 'off' } }),
  };
  return {
    fields: f,
    groups: Object.values(f).map((x) => x.group),
    values: () => Object.fromEntries(Object.entries(f).map(([k, x]) => [k, x.input.value])),
    check(summary) {
      const c = checker();
      for (const k of ['name', 'role', 'issuer', 'subject']) {
        c.check(f[k], !f[k].input.value.trim(), t('staff.need', { field: t(`staff.${k}`) }));
      }
      return c.report(summary);
    },
  };
}

/** Says why the directory refused a change, in plain words. */
function refused(msg, err, form) {
  const words = { duplicate_identity: 'staff.duplicate', last_leader: 'staff.lastLeader', self_deactivation: 'staff.self', leader_only: 'staff.leaderOnly' };
  if (!words[err.code]) {
    showError(msg, err, form);
    return;
  }
  const box = alert('error', t(words[err.code]));
  box.setAttribute('tabindex', '-1');
  msg.replaceChildren(box);
  box.focus();
}

function memberItem(s) {
  return h(
    'li',
    { class: 'staff-item' },
    h('p', { class: 'staff-name' }, h('a', { href: `#/personale/${s.id}`, 'aria-label': t('staff.edit', { name: s.name }) }, s.name),
      s.active ? null : [' ', badge(t('staff.inactive'))]),
    h('p', { class: 'staff-role' }, [roleName(s.role), s.title].filter(Boolean).join(' · ')),
  );
}

function notLeader(view, heading) {
  fill(view, backLink(), pageHeading(heading), alert('info', t('staff.leaderOnly')));
}

async function renderList(view, ctx) {
  const heading = t('staff.heading');
  fill(view, backLink(), pageHeading(heading), skeleton(2), skeleton(6, 'skeleton-card'));
  let staff;
  try {
    staff = (await api.get(`${API}/staff?inactive=true`)).data.staff || [];
  } catch (err) {
    if (err.code === 'leader_only') notLeader(view, heading);
    else loadFailed(view, ctx, err, heading, () => renderList(view, ctx));
    return;
  }
  if (!ctx.isCurrent()) return;

  const form = memberFields({ role: '' });
  const summary = h('div', { class: 'form-summary', tabindex: '-1' });
  const msg = h('div', { class: 'editor-message' });
  const submit = h('button', { type: 'submit', class: 'button button-primary' }, icon('person-add'), t('staff.add'));
  const el = h('form', { class: 'admin-form', novalidate: true, 'aria-labelledby': 'staff-add-heading' }, summary, form.groups, msg, h('div', { class: 'button-row' }, submit));
  onSubmit(el, submit, {
    idleText: t('staff.add'),
    busyText: t('common.saving'),
    validate: () => {
      msg.replaceChildren();
      return form.check(summary);
    },
    send: async () => {
      try {
        const res = await api.post(`${API}/staff`, form.values());
        setFlash('success', t('staff.added', { name: res.data.name }));
        ctx.render({ focus: false });
      } catch (err) {
        refused(msg, err, el);
      }
    },
  });

  fill(
    view,
    backLink(),
    pageHeading(heading),
    h('p', null, t('staff.intro')),
    h('section', { 'aria-labelledby': 'staff-list-heading' },
      h('h2', { id: 'staff-list-heading' }, t('staff.listHeading')),
      staff.length ? h('ul', { class: 'staff-list unstyled-list' }, staff.map(memberItem)) : h('p', { class: 'empty' }, t('staff.none'))),
    h('section', { 'aria-labelledby': 'staff-add-heading' }, h('h2', { id: 'staff-add-heading' }, t('staff.addHeading')), el),
  );
}

async function renderMember(view, ctx) {
  const id = Number(ctx.params.member);
  const heading = t('titles.staffEdit');
  const back = backLink('#/personale', t('titles.staff'));
  fill(view, back, pageHeading(heading), skeleton(6, 'skeleton-card'));
  let member;
  try {
    const staff = (await api.get(`${API}/staff?inactive=true`)).data.staff || [];
    member = staff.find((s) => s.id === id);
  } catch (err) {
    if (err.code === 'leader_only') notLeader(view, heading);
    else loadFailed(view, ctx, err, heading, () => renderMember(view, ctx));
    return;
  }
  if (!ctx.isCurrent()) return;
  if (!member) {
    fill(view, back, pageHeading(t('titles.notFound')), alert('warning', t('errors.gone')));
    return;
  }

  const form = memberFields(member);
  const summary = h('div', { class: 'form-summary', tabindex: '-1' });
  const msg = h('div', { class: 'editor-message' });
  const submit = h('button', { type: 'submit', class: 'button button-primary' }, t('staff.save'));
  const el = h('form', { class: 'admin-form', novalidate: true }, summary, form.groups, msg,
    h('div', { class: 'button-row' }, submit, h('a', { class: 'button button-secondary', href: '#/personale' }, t('common.cancel'))));
  const change = async (body, done) => {
    try {
      const res = await api.patch(`${API}/staff/${id}`, body);
      setFlash('success', t(done, { name: res.data.name }));
      location.hash = '#/personale';
    } catch (err) {
      refused(msg, err, el);
    }
  };
  onSubmit(el, submit, {
    idleText: t('staff.save'),
    busyText: t('common.saving'),
    validate: () => {
      msg.replaceChildren();
      return form.check(summary);
    },
    send: () => change(form.values(), 'staff.saved'),
  });

  // Deactivating asks first; the member is logged out at once.
  const confirmBox = h('div', { class: 'staff-confirm' });
  const self = me() && me().id === id;
  const ask = h('button', { type: 'button', class: 'button button-secondary' }, member.active ? t('staff.deactivate') : t('staff.reactivate'));
  ask.addEventListener('click', () => {
    if (!member.active) {
      change({ active: true }, 'staff.reactivated');
      return;
    }
    const yes = h('button', { type: 'button', class: 'button button-primary' }, t('staff.deactivateYes'));
    const no = h('button', { type: 'button', class: 'button button-secondary' }, t('common.cancel'));
    yes.addEventListener('click', () => change({ active: false }, 'staff.deactivated'));
    no.addEventListener('click', () => {
      confirmBox.replaceChildren();
      ask.focus();
    });
    const box = alert('warning', t('staff.deactivateConfirm', { name: member.name }), { actions: [yes, no], role: 'none' });
    confirmBox.replaceChildren(box);
    yes.focus();
  });

  fill(view, back, pageHeading(member.name), el, self ? null : h('div', { class: 'staff-danger' }, ask, confirmBox));
}

export async function render(view, ctx) {
  if (ctx.params.member) await renderMember(view, ctx);
  else await renderList(view, ctx);
}
