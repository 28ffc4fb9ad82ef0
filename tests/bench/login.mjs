// login.mjs: logs in many bench citizens through nginx, the way a browser
// does (a token from the dev IdP, then POST /api/v1/session), several at a
// time, and prints one "cookie csrf" line per session on stdout.
//
//   node tests/bench/login.mjs URL COUNT SESSIONS [PARALLEL]
//
// The citizens are bench-1 .. bench-COUNT (kaptajn seed-bench), SESSIONS of
// them drawn without repeats in random order. A login answered 429 is tried
// again after a pause; any other failure counts, and more than a tenth of
// failures ends the run with exit code 1.
const [url, countArg, sessionsArg, parallelArg] = process.argv.slice(2);
const count = Number(countArg);
const wanted = Math.min(Number(sessionsArg), count);
const parallel = Number(parallelArg || 16);
if (!url || !(count >= 1) || !(wanted >= 1) || !(parallel >= 1)) {
  process.stderr.write('usage: node tests/bench/login.mjs URL COUNT SESSIONS [PARALLEL]\n');
  process.exit(2);
}

// SESSIONS distinct numbers from 1..COUNT (a partial Fisher-Yates shuffle
// over a sparse map, so a million citizens cost nothing).
function draw(n, k) {
  const swapped = new Map();
  const out = [];
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(Math.random() * (n - i));
    const vi = swapped.has(i) ? swapped.get(i) : i;
    const vj = swapped.has(j) ? swapped.get(j) : j;
    swapped.set(j, vi);
    out.push(vj + 1);
  }
  return out;
}

const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

async function loginOne(n) {
  for (let attempt = 0; attempt < 20; attempt++) {
    const tok = await fetch(`${url}/dev-idp/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `sub=bench-${n}&aud=kaptajn-citizen&ttl=300`,
    });
    if (tok.status === 429) { await sleep(200); continue; }
    if (tok.status !== 200) return null;
    const token = (await tok.text()).trim();
    const res = await fetch(`${url}/api/v1/session`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ id_token: token }),
    });
    if (res.status === 429) { await sleep(200); continue; }
    if (res.status !== 201) return null;
    const cookie = /kaptajn_session=([^;\s]+)/.exec(res.headers.get('set-cookie') || '');
    const body = await res.json();
    if (!cookie || !body.csrf_token) return null;
    return `${cookie[1]} ${body.csrf_token}`;
  }
  return null;
}

const todo = draw(count, wanted);
let failed = 0;
let next = 0;
const lines = [];
async function worker() {
  while (next < todo.length) {
    const n = todo[next++];
    const line = await loginOne(n);
    if (line) lines.push(line); else failed++;
  }
}
await Promise.all(Array.from({ length: parallel }, worker));
process.stdout.write(lines.join('\n') + (lines.length ? '\n' : ''));
process.stderr.write(`login.mjs: ${lines.length} sessions, ${failed} logins failed\n`);
process.exit(failed > wanted / 10 ? 1 : 0);
