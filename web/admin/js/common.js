// common: what the caseworker pages share beyond the portal's modules –
// who is logged in, the admin API's paths, the lists that forms pick from
// (legal bases, contact persons), a citizen's plan with its ETag, and the
// pieces that show goals and name things in plain words.

import * as api from '/js/api.js';
import { h, fill, icon } from '/js/dom.js';
import { t, has, number, dateTime } from '/js/i18n/index.js';
import { storageKey } from '/js/site.js';
import { lostSession, state } from '/js/state.js';
import { alert, errorAlert, pageHeading, backLink, badge } from '/js/ui.js';

export const API = '/admin/api/v1';

/** The staff member the login left in sessionStorage ({ id, name, role }),
 * or null. Only for showing the name and which actions fit the role: the
 * server checks the role on every change. */
export function me() {
  try {
    const v = JSON.parse(sessionStorage.getItem(storageKey('staff')) || 'null');
    return v && typeof v.name === 'string' ? v : null;
  } catch {
    return null;
  }
}

/** False only for a contact person, who may read, comment and plan
 * meetings but not change goals, decide or assign. */
export function mayDecide() {
  const m = me();
  return !m || m.role !== 'contact';
}

/** The path of a citizen's resource: citizenPath(4, 'plan'). */
export function citizenPath(id, rest) {
  return `${API}/citizens/${encodeURIComponent(id)}/${rest}`;
}

/** Handles a failed load: a lost session goes to the login page (the
 * shell draws it); a 404 – a citizen outside the caseload answers so –
 * says "not found" and shows nothing else; anything else is said on the
 * page under heading, with a retry. The caller stops. */
export function loadFailed(view, ctx, err, heading, retry) {
  if (!ctx.isCurrent()) return;
  if (err.kind === 'auth') {
    lostSession();
    ctx.render({ focus: false });
    return;
  }
  if (err.kind === 'gone') {
    fill(view, backLink(), pageHeading(t('titles.notFound')), alert('warning', t('citizen.notFound')));
    return;
  }
  fill(view, backLink(), pageHeading(heading), errorAlert(err, { page: true, retry }));
}

/** Says under a form (in msg) why a change was refused, in plain words,
 * with the text kept and a retry; focuses the message unless focus is
 * false. gone: what to say for a 404 instead of the general words. */
export function showError(msg, err, form, { gone, focus = true } = {}) {
  let box;
  if (err.code === 'caseworker_only') box = alert('error', t('errors.forbidden'));
  else if (err.kind === 'gone' && gone) box = alert('error', `${gone} ${t('errors.kept')}`);
  else box = errorAlert(err, { kept: true, retry: () => form.requestSubmit() });
  box.setAttribute('tabindex', '-1');
  msg.replaceChildren(box);
  if (focus) box.focus();
  if (err.kind === 'auth') state.loginNotice = 'expired';
}

/** The plan's ETag now (after a 412). A failed read throws: the caller
 * says what went wrong rather than that the new version was fetched. */
export async function freshEtag(id) {
  return (await citizenPlan(id)).etag;
}

// Lists that change seldom: fetched once per page load.
let legalBasesP = null;
let contactsP = null;

/** GET /legal-bases, once: [{ code, law, title, child_related }]. */
export function legalBases() {
  if (!legalBasesP) {
    legalBasesP = api.get(`${API}/legal-bases`).then((r) => r.data.legal_bases || []);
    legalBasesP.catch(() => {
      legalBasesP = null;
    });
  }
  return legalBasesP;
}

/** GET /staff?role=contact, once: [{ id, name, role, title }]. */
export function contacts() {
  if (!contactsP) {
    contactsP = api.get(`${API}/staff?role=contact`).then((r) => r.data.staff || []);
    contactsP.catch(() => {
      contactsP = null;
    });
  }
  return contactsP;
}

/** GET a citizen's plan: { plan, etag }. */
export async function citizenPlan(id) {
  const res = await api.get(citizenPath(id, 'plan'));
  return { plan: res.data, etag: res.etag || `"${res.data.version}"` };
}

/** Text for a value from a group of texts ('areas', 'job'), or the value. */
export function named(group, value) {
  return value && has(`${group}.${value}`) ? t(`${group}.${value}`) : value || '';
}

export function roleName(role) {
  return named('roles', role);
}

/** The link back to the citizen's plan. */
export function backToPlan(id) {
  return backLink(`#/borger/${id}`, t('common.backToPlan'));
}

/** The citizen's name as the page heading, and the links between the
 * citizen's pages (current: 'plan' | 'meetings' | 'audit'). */
export function citizenTop(id, name, current) {
  const tabs = [
    ['plan', `#/borger/${id}`, 'citizen.tabPlan'],
    ['meetings', `#/borger/${id}/moeder`, 'citizen.tabMeetings'],
    ['audit', `#/borger/${id}/log`, 'citizen.tabAudit'],
  ];
  return [
    backLink(),
    pageHeading(name),
    h(
      'nav',
      { class: 'citizen-tabs', 'aria-label': t('citizen.sectionsLabel') },
      h(
        'ul',
        null,
        tabs.map(([key, href, label]) =>
          h('li', null, h('a', { href, class: 'citizen-tab', 'aria-current': key === current ? 'page' : null }, t(label))),
        ),
      ),
    ),
  ];
}

const STATUS_BADGE = { active: 'info', accepted: 'info', proposed: 'info', completed: 'success', 'on-hold': 'warning', cancelled: null, rejected: null };

/** A goal's facts: area, status, hours, legal basis, child-related. */
export function goalFacts(g) {
  const facts = [
    [t('goal.area'), named('areas', g.area)],
    [t('goal.status'), badge(named('goalStatus', g.status), STATUS_BADGE[g.status])],
  ];
  if (typeof g.hours_per_week === 'number') facts.push([t('goal.hours'), number(g.hours_per_week)]);
  facts.push([t('goal.legalBasis'), g.legal_basis]);
  if (g.child_related) facts.push([t('goal.childRelated'), t('common.yes')]);
  return factList(facts, 'goal-facts');
}

/** A facts list: [[label, value], ...] as a <dl> (value: text or node). */
export function factList(rows, cls = 'admin-facts') {
  return h(
    'dl',
    { class: cls },
    rows.filter(Boolean).map(([k, v]) => h('div', null, h('dt', null, k), h('dd', null, v))),
  );
}

/** A small icon link ("Ret", "Tilføj delmål") with an accessible name. */
export function actionLink(href, iconName, text, aria) {
  return h('a', { class: 'function-link action-link', href, 'aria-label': aria || null }, icon(iconName), text);
}

/** Who a staff member is in a line: "Mette Jensen (Sagsbehandler)". */
export function staffLabel(s) {
  if (!s) return '';
  const role = roleName(s.role);
  return role ? `${s.name} (${role})` : s.name;
}

/** A consent state or fact in one line: "Givet 3. maj 2026 kl. 10.00, på
 * papir, registreret af …" or that none is given. c: { status|action, at,
 * fact? } – a history row is its own fact. */
export function consentLine(c) {
  const status = c.status || c.action;
  if (!status || status === 'none' || !c.at) return t('consent.none');
  const fact = c.fact || (c.action ? c : null);
  const parts = [`${named('citizen.consentStatus', status)} ${dateTime(c.at)}`];
  if (fact && fact.paper) parts.push(t('consent.paper', { who: staffLabel(fact.recorded_by) }));
  else if (fact && fact.recorded_by) parts.push(t('consent.stated', { who: staffLabel(fact.recorded_by) }));
  else if (fact) parts.push(t('consent.online'));
  return `${parts.join(', ')}.`;
}
