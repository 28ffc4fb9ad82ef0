// state: what the portal knows in this tab (memory only): whether the
// citizen is logged in, the plan and its ETag, and the one-off message to
// show on the next page.

import * as api from './api.js';

export const state = {
  session: 'unknown', // 'in' | 'out' | 'unknown'
  plan: null,
  etag: '',
  flash: null, // { variant, text } shown once, on the next render
  loginNotice: '', // 'loggedOut' | 'expired' on the login page
  needsConsent: false, // logged in, but consent to the joint plan not yet given
};

/** GET /api/v1/plan into state. On any error it rethrows and keeps the
 * plan it had; the caller decides what a 401 means there. */
export async function loadPlan() {
  const res = await api.get('/api/v1/plan');
  state.plan = res.data;
  // nginx's gzip turns the strong ETag "7" into W/"7"; If-Match wants the
  // strong one, which is the plan's version.
  state.etag = res.etag ? res.etag.replace(/^W\//, '') : res.data ? `"${res.data.version}"` : '';
  state.session = 'in';
  return state.plan;
}

/** The server no longer knows the session (expired, or logged out in
 * another tab). Drafts stay; the plan is forgotten. */
export function lostSession() {
  state.session = 'out';
  state.plan = null;
  state.etag = '';
  state.loginNotice = 'expired';
}

export function setFlash(variant, text) {
  state.flash = { variant, text };
}

export function takeFlash() {
  const f = state.flash;
  state.flash = null;
  return f;
}

/** Every goal of the plan, sub-goals after their parent, with depth. */
export function allGoals(plan) {
  const out = [];
  const walk = (goals, depth) => {
    for (const g of goals || []) {
      out.push({ goal: g, depth });
      walk(g.subgoals, depth + 1);
    }
  };
  walk(plan && plan.goals, 0);
  return out;
}
