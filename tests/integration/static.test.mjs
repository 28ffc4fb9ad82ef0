// The static files nginx serves from web/: the portal's pages, scripts,
// styles, fonts and images (and the OpenAPI document) answer 200; the
// build's inputs beside them (package files, node_modules/ with dkfds's
// sources), source maps, hidden files and any other kind of file are 404.
// Sends only GETs, so it takes no lock.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { SKIP, describeRes, expectStatus, no5xxTest, request } from './lib.mjs';

describe('static files', { skip: SKIP }, () => {
  for (const [path, type] of [
    ['/', /^text\/html\b/],
    ['/index.html', /^text\/html\b/],
    ['/js/app.js', /^application\/javascript\b/],
    ['/css/app.css', /^text\/css\b/],
    ['/assets/dkfds/css/dkfds-borgerdk.min.css', /^text\/css\b/],
    ['/assets/dkfds/fonts/IBMPlexSans/split/woff2/IBMPlexSans-Regular-Latin1.woff2', /^font\/woff2\b/],
    ['/assets/dkfds/img/all-svg-icons.svg', /^image\/svg\+xml\b/],
    ['/openapi.json', /^application\/json\b/],
    ['/admin/', /^text\/html\b/],
    ['/admin/js/app.js', /^application\/javascript\b/],
    ['/admin/css/admin.css', /^text\/css\b/],
  ]) {
    it(`GET ${path} is 200 with its type and the page headers`, async () => {
      const res = expectStatus(await request('GET', path), 200);
      assert.match(res.headers['content-type'] || '', type, describeRes(res));
      assert.ok(res.body.length > 0, `${path} is empty`);
      assert.equal(res.headers['x-content-type-options'], 'nosniff');
      assert.match(res.headers['content-security-policy'] || '', /default-src 'self'/);
    });
  }

  for (const path of [
    '/package.json',
    '/package-lock.json',
    '/node_modules/dkfds/package.json',
    '/node_modules/dkfds/dist/css/dkfds-borgerdk.min.css',
    '/node_modules/dkfds/dist/css/dkfds-borgerdk.min.css.map',
    '/node_modules/dkfds/src/js/dkfds.js',
    '/node_modules/.package-lock.json',
    '/assets/dkfds/css/dkfds-borgerdk.min.css.map',
    '/assets/dkfds/css/dkfds.min.css.map',
    '/assets/dkfds/js/dkfds.min.js.map',
    '/assets/dkfds/LICENSE.md',
    '/admin/package.json',
    '/admin/node_modules/dkfds/package.json',
    '/admin/../package.json',
    '/admin/%2e%2e/package.json',
    '/%6eode_modules/dkfds/package.json',
    '/js/',
    '/assets/',
    '/admin/js/',
    '/admin',
  ]) {
    it(`GET ${path} is 404`, async () => {
      expectStatus(await request('GET', path), 404);
    });
  }

  no5xxTest();
});
