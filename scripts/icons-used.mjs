// icons-used.mjs SPRITE WEBDIR OUT: writes to OUT the symbols of Det Fælles
// Designsystem's icon sprite (all-svg-icons.svg, about 150 icons) whose id
// appears as a word in the pages or scripts under WEBDIR (index.html and
// js/ of the portal, the caseworker pages and the dev IdP); run by
// scripts/lib.sh kp_web_build. A word that merely looks like an icon's name
// keeps that icon too: more than needed, never less, as long as an icon's
// name is written out in full where it is used.

import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [sprite, webdir, out] = process.argv.slice(2);
if (!out) {
  process.stderr.write('usage: icons-used.mjs SPRITE WEBDIR OUT\n');
  process.exit(2);
}

function files(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return files(p);
    return /\.(html|js)$/.test(e.name) ? [p] : [];
  });
}

const words = new Set();
for (const d of ['index.html', 'js', 'admin', 'dev-idp']) {
  const p = join(webdir, d);
  for (const f of d.endsWith('.html') ? [p] : files(p))
    for (const w of readFileSync(f, 'utf8').match(/[a-z0-9]+(?:-[a-z0-9]+)*/g) || []) words.add(w);
}

const svg = readFileSync(sprite, 'utf8');
const open = svg.indexOf('<symbol');
const close = svg.lastIndexOf('</svg>');
if (open < 0 || close < open) {
  process.stderr.write(`${sprite}: no <symbol> in an <svg>\n`);
  process.exit(1);
}
const symbols = svg.slice(open, close).match(/<symbol\b[^>]*>[\s\S]*?<\/symbol>/g) || [];
const kept = symbols.filter((s) => words.has(/\bid="([^"]+)"/.exec(s)?.[1]));
writeFileSync(out, `${svg.slice(0, open)}${kept.join('')}</svg>\n`);
process.stderr.write(`kept ${kept.length} of ${symbols.length} icons\n`);
