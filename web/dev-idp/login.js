// Development login: lists the demo people from /dev-idp/users, each as a
// link into Kaptajn's own login (the authorization code flow, as in
// production) with the person as login_hint: citizens through
// /api/v1/login, staff through /admin/api/v1/login. The dev IdP's
// authorize endpoint then signs the person in without asking. Not part of
// production.

const ROLE_NAMES = {
  caseworker: 'koordinerende sagsbehandler',
  contact: 'borgerkonsulent',
};

const statusEl = document.getElementById('status');
const errorEl = document.getElementById('error');

function showError(text) {
  errorEl.textContent = text;
  errorEl.hidden = false;
}

// The message of a JSON error answer, or the status line.
async function errorText(res, what) {
  let detail = `${res.status} ${res.statusText}`.trim();
  try {
    const body = await res.json();
    if (body && body.error && body.error.message) {
      detail = `${body.error.message} (${res.status})`;
    }
  } catch {
    // not JSON: keep the status line
  }
  return `${what} mislykkedes: ${detail}`;
}

/** Where picking user goes: the side's login with the person as hint. */
function loginHref(user) {
  const login = user.kind === 'staff' ? '/admin/api/v1/login' : '/api/v1/login';
  return `${login}?${new URLSearchParams({ login_hint: user.sub })}`;
}

function personLink(user) {
  const li = document.createElement('li');
  const a = document.createElement('a');
  a.className = 'button button-secondary';
  a.dataset.sub = user.sub;
  a.href = loginHref(user);
  let label = user.name;
  if (user.kind === 'staff') {
    const what = user.title || ROLE_NAMES[user.role] || user.role;
    if (what) label += ` (${what})`;
  }
  a.textContent = label;
  li.append(a);
  return li;
}

async function main() {
  let users;
  try {
    const res = await fetch('/dev-idp/users', {
      headers: { Accept: 'application/json' },
      credentials: 'same-origin',
    });
    if (!res.ok) {
      throw new Error(await errorText(res, 'Hentning af demopersoner'));
    }
    users = (await res.json()).users;
    if (!Array.isArray(users)) {
      throw new Error('Hentning af demopersoner mislykkedes: uventet svar.');
    }
  } catch (err) {
    statusEl.textContent = '';
    showError(err instanceof Error ? err.message : String(err));
    return;
  }
  const citizens = document.getElementById('citizens');
  const staff = document.getElementById('staff');
  for (const user of users) {
    if (!user || typeof user.sub !== 'string' || typeof user.name !== 'string') continue;
    (user.kind === 'staff' ? staff : citizens).append(personLink(user));
  }
  statusEl.textContent = users.length ? 'Vælg en person.' : 'Der er ingen demopersoner (er databasen seedet?).';
  // From the caseworker pages' "Log ind": the staff first.
  if (new URLSearchParams(location.search).get('for') === 'staff') {
    const section = staff.closest('section');
    section.parentNode.insertBefore(section, citizens.closest('section'));
  }
}

main();
