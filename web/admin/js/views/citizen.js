// A citizen's plan as staff see it (GET /citizens/{id}/plan, an audited
// read): who the citizen is (the CPR number's date part; the whole number
// only for the coordinating caseworker, asked for and logged each time),
// consent (with the way to its history), versions and what changed since the citizen's last yes, the
// citizen's dreams, the goals with sub-goals, status, hours and legal
// basis, and the contact person – with the caseworker's ways to change
// them. A citizen outside the caseload is "not found", with nothing shown.

import * as api from '/js/api.js';
import { h, fill, icon } from '/js/dom.js';
import { t, dateTime } from '/js/i18n/index.js';
import { alert, backLink, skeleton } from '/js/ui.js';
import { API, actionLink, citizenPath, citizenPlan, citizenTop, consentLine, factList, goalFacts, loadFailed, mayDecide } from '../common.js';
import { members } from './household.js';
import { messagesSection } from './messages.js';

export async function render(view, ctx) {
  const id = ctx.params.citizen;
  fill(
    view,
    backLink(),
    h('div', { 'aria-busy': 'true', class: 'citizen-page' }, h('p', { class: 'sr-only', role: 'status' }, t('loading')), skeleton(1, 'skeleton-heading'), skeleton(1, 'skeleton-tabs'), skeleton(4, 'skeleton-card'), skeleton(5, 'skeleton-card'), skeleton(5, 'skeleton-card')),
  );
  let plan;
  try {
    ({ plan } = await citizenPlan(id));
  } catch (err) {
    loadFailed(view, ctx, err, t('titles.citizen'), () => render(view, ctx));
    return;
  }
  if (!ctx.isCurrent()) return;
  const decide = mayDecide();
  fill(
    view,
    h(
      'div',
      { class: 'citizen-page' },
      citizenTop(id, plan.citizen.name, 'plan'),
      facts(id, plan, view, ctx),
      consent(id, plan, decide),
      notYet(id, plan, view, ctx),
      changes(plan),
      dreams(plan),
      goals(id, plan, decide),
      household(id, plan, decide),
      contact(id, plan, decide),
      messagesSection(id, plan),
      course(id, plan, decide),
    ),
  );
}

/** The CPR number's date part ("070392-••••"). The citizen's coordinating
 * caseworker may ask for the whole number: each ask is an audited read of
 * its own (POST …/cpr, "read_cpr" in the log, which the citizen sees too),
 * and "Skjul" forgets the number again. Others get no button. */
function cprFact(id, citizen, view, ctx) {
  if (!citizen.cpr_date) return t('citizen.cprMissing');
  const masked = `${citizen.cpr_date}-••••`;
  const value = h('span', { class: 'cpr-value' }, masked);
  if (!citizen.cpr_viewable) return h('span', { class: 'cpr' }, value);
  const button = h('button', { type: 'button', class: 'function-link cpr-toggle', 'aria-expanded': 'false' }, t('citizen.cprShow'));
  const note = h('span', { class: 'cpr-note', role: 'status' });
  function hide() {
    value.textContent = masked;
    button.textContent = t('citizen.cprShow');
    button.setAttribute('aria-expanded', 'false');
    note.textContent = '';
  }
  button.addEventListener('click', async () => {
    if (button.getAttribute('aria-expanded') === 'true') {
      hide();
      return;
    }
    // Disabled at once, so a double click asks (and is logged) once.
    button.disabled = true;
    try {
      const { data } = await api.post(citizenPath(id, 'cpr'));
      if (!value.isConnected) return;
      value.textContent = data.cpr;
      button.textContent = t('citizen.cprHide');
      button.setAttribute('aria-expanded', 'true');
      note.textContent = t('citizen.cprLogged');
    } catch (err) {
      if (err.kind === 'auth') return loadFailed(view, ctx, err, '');
      hide();
      note.textContent = err.code === 'caseworker_only' ? t('errors.forbidden') : t(`errors.${err.kind}`);
    } finally {
      button.disabled = false;
    }
  });
  return h('span', { class: 'cpr' }, value, ' ', button, note);
}

function facts(id, plan, view, ctx) {
  return factList([
    [t('citizen.cpr'), cprFact(id, plan.citizen, view, ctx)],
    [t('citizen.version'), String(plan.version)],
    [t('citizen.accepted'), acceptedText(plan)],
    plan.household && plan.household.length ? [t('citizen.household'), plan.household.map((p) => p.name).join(', ')] : null,
  ]);
}

/** The citizen's yes as it stands (the server's rule): a yes stands
 * through the citizen's own dream edits, and says so. */
function acceptedText(plan) {
  const a = plan.acceptance || {};
  if (!plan.accepted_version) return t('citizen.acceptedNone');
  const n = t('common.version', { n: plan.accepted_version });
  return a.state === 'own_dreams_edited' ? t('citizen.acceptedOwnDreams', { version: n }) : n;
}

/** The citizen's open "not yet": something to act on until the citizen
 * says yes or a staff member marks it as dealt with. */
function notYet(id, plan, view, ctx) {
  const open = plan.acceptance && plan.acceptance.not_yet;
  if (!open) return null;
  const note = h('p', { class: 'form-hint', role: 'status' });
  const button = h('button', { type: 'button', class: 'button button-secondary' }, t('citizen.notYetAck'));
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      await api.post(citizenPath(id, 'not-yet/acknowledgement'));
      await render(view, ctx);
    } catch (err) {
      if (err.kind === 'auth') return loadFailed(view, ctx, err, '');
      button.disabled = false;
      note.textContent = t(`errors.${err.kind}`);
    }
  });
  return section(
    'not-yet-heading',
    t('citizen.notYetHeading'),
    h('p', null, t('citizen.notYetText', { version: t('common.version', { n: open.version }), at: dateTime(open.at) })),
    open.comment ? h('blockquote', { class: 'dream-text keep-lines' }, open.comment) : null,
    button,
    note,
  );
}

function section(idName, heading, ...body) {
  return h('section', { class: 'plan-section', 'aria-labelledby': idName }, h('h2', { id: idName }, heading), body);
}

/** The consent (LAB § 30 b): its state, on paper or online and recorded by
 * whom; that the plan is locked while consent is withdrawn; the way to the
 * history (and, for the coordinating caseworker, to record a paper). */
function consent(id, plan, decide) {
  return section(
    'consent-heading',
    t('consent.heading'),
    h('p', { class: 'consent-state' }, consentLine(plan.consent || { status: 'none' })),
    plan.plan_frozen ? alert('warning', t('consent.frozen'), { role: 'none' }) : null,
    h('p', null, h('a', { href: `#/borger/${id}/samtykke` }, t(!decide ? 'consent.linkRead' : plan.consent && plan.consent.status === 'given' ? 'consent.linkWithdraw' : 'consent.link'))),
  );
}

function changes(plan) {
  const list = plan.changes_since_accepted || [];
  if (!list.length) return null;
  return section(
    'changes-heading',
    t('citizen.changesHeading'),
    h(
      'ul',
      { class: 'change-list' },
      list.map((v) => h('li', null, h('span', { class: 'weight-semibold' }, t('common.version', { n: v.version })), ` – ${v.summary} `, h('span', { class: 'history-meta' }, dateTime(v.at)))),
    ),
  );
}

function dreams(plan) {
  const list = plan.dreams || [];
  return section(
    'dreams-heading',
    t('citizen.dreamsHeading'),
    list.length
      ? h('ul', { class: 'dream-list' }, list.map((d) => h('li', { class: 'dream-card' }, h('blockquote', { class: 'dream-text' }, d.text))))
      : h('p', { class: 'empty' }, t('citizen.dreamsEmpty')),
  );
}

/** The citizen's own word on how a goal goes (newest), if any: it changes
 * nothing in the plan, and is read with the plan. */
function progressLine(progress, g) {
  const p = (progress || []).find((x) => x.goal_id === g.id);
  if (!p) return null;
  return h(
    'p',
    { class: 'progress-current' },
    h('span', { class: 'weight-semibold' }, `${t('progress.staffLabel')}: `),
    t(`progress.status.${p.status}`),
    ' ',
    h('small', null, '(', h('time', { datetime: p.at }, dateTime(p.at)), ')'),
    p.note ? h('span', { class: 'progress-note' }, ` – ${p.note}`) : null,
  );
}

function goalCard(id, g, decide, sub, progress) {
  return h(
    'li',
    { class: sub ? 'subgoal' : 'goal-card' },
    h(sub ? 'h4' : 'h3', { class: sub ? 'subgoal-title' : 'goal-title' }, g.title),
    g.description ? h('p', { class: 'goal-description' }, g.description) : null,
    goalFacts(g),
    progressLine(progress, g),
    decide ? h('p', { class: 'goal-action' }, actionLink(`#/borger/${id}/maal/${g.id}`, 'edit', t('common.edit'), t('citizen.goalEditAria', { title: g.title }))) : null,
    !sub && g.subgoals && g.subgoals.length
      ? [h('h4', { class: 'subgoals-heading' }, t('citizen.subgoalsHeading')), h('ul', { class: 'subgoal-list' }, g.subgoals.map((s) => goalCard(id, s, decide, true, progress)))]
      : null,
    !sub && decide
      ? h('p', { class: 'goal-action' }, actionLink(`#/borger/${id}/nyt-maal/${g.id}`, 'plus', t('citizen.subgoalAdd'), t('citizen.subgoalAddAria', { title: g.title })))
      : null,
  );
}

function goals(id, plan, decide) {
  const list = plan.goals || [];
  return section(
    'goals-heading',
    t('citizen.goalsHeading'),
    list.length ? h('ul', { class: 'goal-list' }, list.map((g) => goalCard(id, g, decide, false, plan.progress))) : h('p', { class: 'empty' }, t('citizen.goalsEmpty')),
    decide ? h('p', null, h('a', { class: 'button button-secondary', href: `#/borger/${id}/nyt-maal` }, icon('plus'), t('citizen.goalAdd'))) : null,
  );
}

/** The household whose shared plan this is: its adults and children
 * (loaded apart: an audited read of the household), and the way to add a
 * child or move an adult out. For a plan of one citizen, the coordinating
 * caseworker's way to form a household. */
function household(id, plan, decide) {
  if (!plan.household_id) {
    if (!decide || (plan.course && plan.course.outcome)) return null;
    return section(
      'household-heading',
      t('household.heading'),
      h('p', { class: 'empty' }, t('household.none')),
      h('p', null, h('a', { class: 'button button-secondary', href: `#/borger/${id}/ny-husstand` }, t('household.form'))),
    );
  }
  const body = h('div', { 'aria-busy': 'true' }, skeleton(2, 'skeleton-card'));
  api.get(`${API}/households/${plan.household_id}`).then(
    ({ data }) => {
      body.removeAttribute('aria-busy');
      body.replaceChildren(...members(data));
    },
    () => {
      body.removeAttribute('aria-busy');
      body.replaceChildren(h('p', { class: 'empty' }, t('household.loadFailed')));
    },
  );
  return section(
    'household-heading',
    t('household.heading'),
    body,
    decide ? h('p', null, h('a', { class: 'button button-secondary', href: `#/borger/${id}/husstand` }, t('household.manage'))) : null,
  );
}

/** How the course stands: running, or ended (with its outcome) and whether
 * it can still be reopened; the coordinating caseworker's way to end or
 * reopen it. */
function course(id, plan, decide) {
  const c = plan.course || { outcome: null };
  const said = c.outcome
    ? [t('citizen.courseEnded', { at: dateTime(c.ended_at), outcome: t(`course.outcomes.${c.outcome}`) }), ' ',
       c.reopenable ? t('citizen.courseReopenUntil', { at: dateTime(c.reopen_until) }) : t('citizen.courseClosedForGood')]
    : t('citizen.courseRunning');
  const action = !c.outcome ? 'courseEnd' : c.reopenable ? 'courseReopen' : null;
  return section(
    'course-heading',
    t('citizen.courseHeading'),
    h('p', null, said),
    decide && action ? h('p', null, h('a', { class: 'button button-secondary', href: `#/borger/${id}/forloeb` }, t(`citizen.${action}`))) : null,
  );
}

function contact(id, plan, decide) {
  const c = plan.contact;
  return section(
    'contact-heading',
    t('citizen.contactHeading'),
    c && c.name
      ? h(
          'div',
          { class: 'contact-card' },
          h('p', { class: 'contact-name' }, c.name),
          c.role ? h('p', { class: 'contact-role' }, c.role) : null,
          h('p', { class: 'contact-lines' }, [c.phone, c.email].filter(Boolean).join(' · ')),
        )
      : h('p', { class: 'empty' }, t('citizen.contactNone')),
    decide
      ? h(
          'p',
          { class: 'button-row' },
          h('a', { class: 'button button-secondary', href: `#/borger/${id}/kontaktperson` }, icon('person'), t(c && c.name ? 'citizen.contactChange' : 'citizen.contactAssign')),
          // The coordinating caseworker or a team leader moves the
          // citizen; the API refuses anyone else.
          h('a', { class: 'button button-secondary', href: `#/borger/${id}/flyt` }, icon('arrow-forward'), t('citizen.move')),
        )
      : null,
  );
}
