// The portal's texts live in web/js/i18n/da.js and en.js, one place per
// language: both must hold the same keys, each of the same kind (text,
// list or function), so that a text added in Danish is not forgotten in
// English. Needs no stack.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const I18N = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web/js/i18n');

// web/ has no "type": "module", so the files are loaded as module text.
async function load(name) {
  const src = fs.readFileSync(path.join(I18N, name), 'utf8');
  return (await import(`data:text/javascript;charset=utf-8,${encodeURIComponent(src)}`)).default;
}

function shape(obj, prefix = '', out = new Map()) {
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === 'object' && !Array.isArray(v)) shape(v, key, out);
    else out.set(key, Array.isArray(v) ? `list of ${v.length}` : typeof v);
  }
  return out;
}

describe('texts of the portal', () => {
  it('da.js and en.js have the same keys, each of the same kind', async () => {
    const da = shape(await load('da.js'));
    const en = shape(await load('en.js'));
    assert.deepEqual([...en.keys()].filter((k) => !da.has(k)), [], 'in en.js only');
    assert.deepEqual([...da.keys()].filter((k) => !en.has(k)), [], 'in da.js only');
    for (const [k, kind] of da) assert.equal(en.get(k), kind, `${k} is a ${kind} in da.js`);
  });

  it('every text key the views ask for exists', async () => {
    const da = shape(await load('da.js'));
    const dir = path.join(I18N, '..');
    const files = [...fs.readdirSync(dir).filter((f) => f.endsWith('.js')).map((f) => path.join(dir, f)),
      ...fs.readdirSync(path.join(dir, 'views')).map((f) => path.join(dir, 'views', f))];
    const missing = [];
    for (const f of files) {
      for (const m of fs.readFileSync(f, 'utf8').matchAll(/\bt\('([a-zA-Z.-]+)'/g)) {
        const key = m[1];
        if (!da.has(key) && ![...da.keys()].some((k) => k.startsWith(`${key}.`))) missing.push(`${path.basename(f)}: ${key}`);
      }
    }
    assert.deepEqual(missing, []);
  });
});
