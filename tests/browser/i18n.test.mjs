// Each site keeps its texts in one place per language – the citizen
// portal in web/js/i18n/, the caseworker pages in web/admin/js/i18n/ –
// over the words both share (web/js/i18n/terms.js). For each site da.js
// and en.js must hold the same keys, each of the same kind (text, list or
// function), so that a text added in Danish is not forgotten in English;
// and every key the site's code asks for (its own modules and the shared
// ones it uses) must be there. Needs no stack.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const WEB = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web');

// web/ has no "type": "module", so the files are loaded as module text.
async function load(rel) {
  const src = fs.readFileSync(path.join(WEB, rel), 'utf8');
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

const jsIn = (dir) => fs.readdirSync(path.join(WEB, dir)).filter((f) => f.endsWith('.js')).map((f) => path.join(dir, f));

// The shared modules the caseworker pages use (web/js/app.js and the
// citizen's other views are the portal's own).
const SHARED = ['js/ui.js', 'js/shell.js', 'js/views/login.js', 'js/views/notfound.js', 'js/views/accessibility.js'];

const SITES = [
  { name: 'citizen portal', texts: 'js/i18n', code: () => [...jsIn('js'), ...jsIn('js/views')] },
  { name: 'caseworker pages', texts: 'admin/js/i18n', code: () => [...jsIn('admin/js'), ...jsIn('admin/js/views'), ...SHARED] },
];

for (const site of SITES) {
  describe(`texts of the ${site.name}`, () => {
    async function dicts() {
      const terms = await load('js/i18n/terms.js');
      return {
        da: shape({ ...terms.da, ...(await load(`${site.texts}/da.js`)) }),
        en: shape({ ...terms.en, ...(await load(`${site.texts}/en.js`)) }),
      };
    }

    it('da.js and en.js have the same keys, each of the same kind', async () => {
      const { da, en } = await dicts();
      assert.deepEqual([...en.keys()].filter((k) => !da.has(k)), [], 'in en.js only');
      assert.deepEqual([...da.keys()].filter((k) => !en.has(k)), [], 'in da.js only');
      for (const [k, kind] of da) assert.equal(en.get(k), kind, `${k} is a ${kind} in da.js`);
    });

    it('every text key the code asks for exists', async () => {
      const { da } = await dicts();
      const missing = [];
      for (const f of site.code()) {
        for (const m of fs.readFileSync(path.join(WEB, f), 'utf8').matchAll(/\bt\('([a-zA-Z.-]+)'/g)) {
          const key = m[1];
          if (!da.has(key) && ![...da.keys()].some((k) => k.startsWith(`${key}.`))) missing.push(`${f}: ${key}`);
        }
      }
      assert.deepEqual(missing, []);
    });
  });
}
