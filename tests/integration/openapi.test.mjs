// The OpenAPI document (web/openapi.json) against the route tables of the C
// sources: every route is documented with its method, and the document has
// no path or method the route tables lack. Reads files only: it needs no
// running stack and runs whether KAPTAJN_URL is set or not. The lint test
// runs @redocly/cli from tests/integration/node_modules (scripts/lib.sh
// kp_npm_install) with redocly.yaml at the repo root.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const TABLES = ['fcgi/citizen_routes.c', 'fcgi/admin_routes.c', 'fcgi/h_devidp.c'];
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

// {M_GET, "/api/v1/plan/dreams/{id}", handler, R_SESSION | R_PLAN, ...}
function routes() {
  const out = [];
  for (const file of TABLES) {
    const src = readFileSync(join(ROOT, file), 'utf8');
    const re = /\{\s*M_(GET|POST|PUT|PATCH|DELETE)\s*,\s*"([^"]+)"\s*,\s*\w+\s*,\s*([^,]+),/g;
    let m;
    const before = out.length;
    while ((m = re.exec(src)) !== null)
      out.push({ file, method: m[1].toLowerCase(), path: m[2], flags: m[3].split('|').map((f) => f.trim()) });
    assert.ok(out.length > before, `${file} holds no route`);
  }
  return out;
}

// Path parameters by position: "/a/{id}/b/{goal_id}" and "/a/{id}/b/{id}"
// both become "/a/{}/b/{}".
const shape = (path) => path.replace(/\{[^}/]*\}/g, '{}');
const params = (path) => [...path.matchAll(/\{([^}/]*)\}/g)].map((m) => m[1]);

const doc = JSON.parse(readFileSync(join(ROOT, 'web', 'openapi.json'), 'utf8'));
const table = routes();
/* The OpenID Connect login's pages (h_login.c): HTML for people, not JSON. */
const LOGIN_PAGES = /^(\/admin)?\/api\/v1\/(login|login\/callback|logout)$/;

describe('web/openapi.json', () => {
  it('is OpenAPI 3.0.x with paths', () => {
    assert.match(String(doc.openapi), /^3\.0\.\d+$/);
    assert.equal(typeof doc.info?.title, 'string');
    assert.equal(typeof doc.paths, 'object');
  });

  it('documents every route of the route tables with its method', () => {
    const byShape = new Map(Object.keys(doc.paths).map((p) => [shape(p), p]));
    const missing = [];
    for (const r of table) {
      const p = byShape.get(shape(r.path));
      if (p === undefined || doc.paths[p][r.method] === undefined)
        missing.push(`${r.method.toUpperCase()} ${r.path} (${r.file})`);
    }
    assert.deepEqual(missing, []);
  });

  it('has no path or method that the route tables lack', () => {
    const known = new Set(table.map((r) => `${r.method} ${shape(r.path)}`));
    const extra = [];
    for (const [p, item] of Object.entries(doc.paths))
      for (const m of METHODS)
        if (item[m] !== undefined && !known.has(`${m} ${shape(p)}`)) extra.push(`${m.toUpperCase()} ${p}`);
    assert.deepEqual(extra, []);
  });

  it('declares each path parameter of each operation', () => {
    const resolve = (x) => (x.$ref ? x.$ref.split('/').slice(1).reduce((o, k) => o[k], doc) : x);
    const bad = [];
    for (const [p, item] of Object.entries(doc.paths))
      for (const m of METHODS) {
        if (item[m] === undefined) continue;
        const declared = [...(item.parameters || []), ...(item[m].parameters || [])]
          .map(resolve)
          .filter((x) => x.in === 'path')
          .map((x) => x.name)
          .sort();
        if (JSON.stringify(declared) !== JSON.stringify(params(p).sort()))
          bad.push(`${m.toUpperCase()} ${p}: ${declared.join(',')}`);
      }
    assert.deepEqual(bad, []);
  });

  it('answers every operation with at least one success and JSON errors', () => {
    const bad = [];
    for (const [p, item] of Object.entries(doc.paths))
      for (const m of METHODS) {
        const op = item[m];
        if (op === undefined) continue;
        const codes = Object.keys(op.responses || {});
        // The login's pages answer HTML, and its start and logout redirect.
        const page = LOGIN_PAGES.test(p);
        if (!codes.some((c) => (page ? /^[23]\d\d$/ : /^2\d\d$/).test(c))) bad.push(`${m} ${p}: no 2xx`);
        for (const c of ['401', '404', '405', '500', '503'].filter((c) => codes.includes(c) && !page)) {
          let r = op.responses[c];
          if (r.$ref) r = r.$ref.split('/').slice(1).reduce((o, k) => o[k], doc);
          if (!r.content?.['application/json']) bad.push(`${m} ${p}: ${c} is not JSON`);
        }
      }
    assert.deepEqual(bad, []);
  });

  it('asks for X-CSRF-Token as a required header, answered 403 when missing, on every unsafe route with a session', () => {
    // route.c: a session first (401 without one), then the token (403
    // csrf_missing or csrf_invalid) on POST, PUT, PATCH and DELETE unless
    // the route is R_NO_CSRF. A security scheme would tell clients 401.
    const resolve = (x) => (x.$ref ? x.$ref.split('/').slice(1).reduce((o, k) => o[k], doc) : x);
    const byShape = new Map(Object.keys(doc.paths).map((p) => [shape(p), p]));
    const bad = [];
    let unsafe = 0;
    for (const r of table) {
      const op = doc.paths[byShape.get(shape(r.path))]?.[r.method];
      if (op === undefined) continue;
      const header = (op.parameters || []).map(resolve).find((x) => x.in === 'header' && x.name === 'X-CSRF-Token');
      const wanted = r.method !== 'get' && r.flags.includes('R_SESSION') && !r.flags.includes('R_NO_CSRF');
      const where = `${r.method.toUpperCase()} ${r.path}`;
      if (!wanted) {
        if (header) bad.push(`${where}: asks for X-CSRF-Token, which the route does not check`);
        continue;
      }
      unsafe++;
      if (header?.required !== true) bad.push(`${where}: no required X-CSRF-Token header parameter`);
      const forbidden = op.responses?.['403'] && resolve(op.responses['403']);
      const codes = forbidden?.content?.['application/json']?.schema?.allOf?.[1]?.properties?.error?.properties?.code?.enum || [];
      if (!codes.includes('csrf_missing') || !codes.includes('csrf_invalid')) bad.push(`${where}: 403 lacks csrf_missing or csrf_invalid`);
    }
    assert.ok(unsafe >= 10, `only ${unsafe} unsafe routes with a session in the route tables`);
    assert.deepEqual(bad, []);
    const schemes = Object.entries(doc.components?.securitySchemes || {});
    assert.deepEqual(schemes.filter(([, s]) => s.in !== 'cookie').map(([n]) => n), [], 'only the session cookies are security schemes');
  });

  it('bounds every id by what parse_id accepts: 1 to 999999999999999999', () => {
    // core/validate.c refuses more than 18 digits; the route tables bound
    // id members the same way. 10^18 - 1 is no exact double, so the bound
    // is read from the text of the document.
    const digits = Number(/len > (\d+)/.exec(readFileSync(join(ROOT, 'core', 'validate.c'), 'utf8'))?.[1]);
    assert.equal(digits, 18, 'parse_id takes at most 18 digits');
    const max = '9'.repeat(digits);
    assert.match(readFileSync(join(ROOT, 'fcgi', 'admin_routes.c'), 'utf8'), new RegExp(`V_INT, \\w+, 1, ${max}LL`));
    const text = readFileSync(join(ROOT, 'web', 'openapi.json'), 'utf8');
    // Bounds of more than 10 digits are ids' (the plan version stops at
    // 2^31 - 1).
    const ids = [...text.matchAll(/"format": "int64",\s*"minimum": 1,\s*"maximum": (\d+)/g)].map((m) => m[1]).filter((v) => v.length > 10);
    assert.ok(ids.length >= 5, `only ${ids.length} bounded ids`);
    assert.deepEqual(ids.filter((v) => v !== max), [], `every id maximum is ${max}`);
    for (const name of ['Id', 'GoalId']) assert.match(doc.components.parameters[name].description, new RegExp(`1 to ${max}`));
  });

  it('passes redocly lint (recommended rules, redocly.yaml) with no error and no warning', () => {
    const bin = join(ROOT, 'tests', 'integration', 'node_modules', '.bin', 'redocly');
    assert.ok(existsSync(bin), `${bin} is missing: run scripts/lib.sh kp_npm_install`);
    let out;
    try {
      out = execFileSync(bin, ['lint', '--config', join(ROOT, 'redocly.yaml'), '--format=json', join(ROOT, 'web', 'openapi.json')], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: 60000,
        // No usage report and no update check: the lint works offline.
        env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
      });
    } catch (e) {
      // Exit 1 on errors; the report is still on stdout.
      out = e.stdout;
      assert.ok(out, `redocly lint failed: ${e.message}\n${e.stderr}`);
    }
    const report = JSON.parse(out);
    const problems = report.problems.map((p) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location?.[0]?.pointer}`);
    assert.deepEqual(problems, []);
    assert.deepEqual(report.totals, { errors: 0, warnings: 0, ignored: 0 });
  });
});
