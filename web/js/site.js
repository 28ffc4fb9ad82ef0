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
  // Where the login lives: the dev IdP's page in development; in
  // production nginx points this path at the municipality's login broker.
  loginUrl: '/dev-idp/',
};

export function setSite(values) {
  Object.assign(site, values);
}

/** The sessionStorage key of name for this site ("kaptajn.csrf"). */
export function storageKey(name) {
  return `${site.prefix}.${name}`;
}
