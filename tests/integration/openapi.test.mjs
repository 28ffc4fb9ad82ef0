// The OpenAPI document (web/openapi.json) against the route tables of the C
// sources: every route is documented with its method, and the document has
// no path or method the route tables lack. Reads files only: it needs no
// running stack and runs whether KAPTAJN_URL is set or not.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const TABLES = ['fcgi/citizen_routes.c', 'fcgi/admin_routes.c', 'fcgi/h_devidp.c'];
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

// {M_GET, "/api/v1/plan/dreams/{id}", handler, ...}
function routes() {
  const out = [];
  for (const file of TABLES) {
    const src = readFileSync(join(ROOT, file), 'utf8');
    const re = /\{\s*M_(GET|POST|PUT|PATCH|DELETE)\s*,\s*"([^"]+)"/g;
    let m;
    const before = out.length;
    while ((m = re.exec(src)) !== null) out.push({ file, method: m[1].toLowerCase(), path: m[2] });
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
        if (!codes.some((c) => /^2\d\d$/.test(c))) bad.push(`${m} ${p}: no 2xx`);
        for (const c of ['401', '404', '405', '500', '503'].filter((c) => codes.includes(c))) {
          let r = op.responses[c];
          if (r.$ref) r = r.$ref.split('/').slice(1).reduce((o, k) => o[k], doc);
          if (!r.content?.['application/json']) bad.push(`${m} ${p}: ${c} is not JSON`);
        }
      }
    assert.deepEqual(bad, []);
  });
});
