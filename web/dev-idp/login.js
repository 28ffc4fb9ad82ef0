// Development login: lists the demo people from /dev-idp/users, gets a
// signed ID token for the one picked from /dev-idp/token, and trades it for
// a session at the citizen or admin API. Not part of production.
//
// What the session answer gives goes to sessionStorage under the keys of
// the site that logs in (web/js/site.js): the citizen portal's kaptajn.*,
// the caseworker pages' kaptajn.admin.* (the CSRF token, and who the staff
// member is, to show the name and the actions of the role).

const KEYS = {
  citizen: { csrf: 'kaptajn.csrf' },
  staff: { csrf: 'kaptajn.admin.csrf', who: 'kaptajn.admin.staff' },
};

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

function clearError() {
  errorEl.textContent = '';
  errorEl.hidden = true;
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

function setBusy(busy) {
  for (const b of document.querySelectorAll('button[data-sub], #by-cpr button')) {
    b.disabled = busy;
  }
}

async function login(user) {
  const staff = user.kind === 'staff';
  clearError();
  setBusy(true);
  statusEl.textContent = `Logger ind som ${user.name} …`;
  try {
    // A citizen who is no demo person (one just enrolled) goes by CPR
    // number and name, in the body only.
    const form = new URLSearchParams(
      user.cpr
        ? { cpr: user.cpr, name: user.name, aud: 'kaptajn-citizen' }
        : { sub: user.sub, aud: staff ? 'kaptajn-admin' : 'kaptajn-citizen' },
    );
    const tokenRes = await fetch('/dev-idp/token', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
      credentials: 'same-origin',
    });
    if (!tokenRes.ok) {
      throw new Error(await errorText(tokenRes, 'Hentning af token'));
    }
    const idToken = (await tokenRes.text()).trim();

    const sessionRes = await fetch(staff ? '/admin/api/v1/session' : '/api/v1/session', {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json; charset=utf-8',
        Accept: 'application/json',
      },
      body: JSON.stringify({ id_token: idToken }),
      credentials: 'same-origin',
    });
    if (sessionRes.status !== 201) {
      throw new Error(await errorText(sessionRes, 'Login'));
    }
    const session = await sessionRes.json();
    if (!session || typeof session.csrf_token !== 'string') {
      throw new Error('Login mislykkedes: svaret manglede csrf_token.');
    }
    const keys = KEYS[staff ? 'staff' : 'citizen'];
    sessionStorage.setItem(keys.csrf, session.csrf_token);
    if (keys.who && session.staff) {
      const { id, name, role } = session.staff;
      sessionStorage.setItem(keys.who, JSON.stringify({ id, name, role }));
    }
    statusEl.textContent = `Logget ind som ${user.name}.`;
    window.location.assign(staff ? '/admin/' : '/');
  } catch (err) {
    statusEl.textContent = '';
    showError(err instanceof Error ? err.message : String(err));
    setBusy(false);
  }
}

function personButton(user) {
  const li = document.createElement('li');
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'button button-secondary';
  button.dataset.sub = user.sub;
  let label = user.name;
  if (user.kind === 'staff') {
    const what = user.title || ROLE_NAMES[user.role] || user.role;
    if (what) label += ` (${what})`;
  }
  button.textContent = label;
  button.addEventListener('click', () => login(user));
  li.append(button);
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
    (user.kind === 'staff' ? staff : citizens).append(personButton(user));
  }
  statusEl.textContent = users.length ? 'Vælg en person.' : 'Der er ingen demopersoner (er databasen seedet?).';
  // From the caseworker pages' "Log ind": the staff first.
  if (new URLSearchParams(location.search).get('for') === 'staff') {
    const section = staff.closest('section');
    section.parentNode.insertBefore(section, citizens.closest('section'));
  }
}

// The form for a citizen by CPR number and name: posted by script, never
// as a GET (the number stays out of every address).
document.getElementById('by-cpr').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const cpr = document.getElementById('cpr').value.trim();
  const name = document.getElementById('name').value.trim();
  if (!cpr || !name) {
    showError('Skriv både CPR-nummer og navn.');
    return;
  }
  login({ cpr, name, kind: 'citizen' });
});

main();
