// site: what tells apart the two sites that share these modules – the
// citizen portal at / and the caseworker pages at /admin/. Each site's
// entry module calls setSite() once, before anything else runs; the
// shared modules read it when they are used, never when they load.
//
// The two sites live on one origin, so they share one sessionStorage per
// tab: each keeps its own keys under its own prefix, and a caseworker who
// is also logged in as a citizen in the same tab keeps both sessions.

export const site = {
  prefix: 'kaptajn', // sessionStorage keys: PREFIX.csrf, PREFIX.drafts, PREFIX.return
  home: '#/plan', // where "back" and a login without a route go
  page: '/', // the site's page: a login comes back to page + route
  // The login and the logout: the server sends the browser on to the
  // login broker (the dev IdP in development) and back.
  loginUrl: '/api/v1/login',
  logoutUrl: '/api/v1/logout',
  // The login's callback page hands the CSRF token over in a short-lived
  // cookie, readable by the page, of one of these names (__Host- when the
  // site runs on https) and this path; the page moves it to
  // sessionStorage and deletes the cookie.
  csrfCookies: ['__Host-kaptajn_csrf', 'kaptajn_csrf'],
  cookiePath: '/',
};

export function setSite(values) {
  Object.assign(site, values);
}

/** The sessionStorage key of name for this site ("kaptajn.csrf"). */
export function storageKey(name) {
  return `${site.prefix}.${name}`;
}
