// package.test.mjs: the Debian package. Builds it from build/ (cmake
// --build build --target package; scripts/test has built the program and
// the portal), then checks what dpkg would install: the control fields,
// every file of the layout (README, "Install on a server"), the conffiles,
// the maintainer scripts, the systemd units (systemd-analyze verify, and
// their exposure with systemd-analyze security), the nginx site inside
// Debian's own nginx.conf (nginx -t, with a self-signed certificate) and,
// when lintian is installed, lintian: errors fail, warnings are listed.
// Needs no stack. KAPTAJN_PACKAGE_BUILD names another build directory.

import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BUILD = path.resolve(REPO, process.env.KAPTAJN_PACKAGE_BUILD || 'build');
// The version of CMakeLists.txt's project().
const VERSION = /^project\(kaptajn VERSION ([0-9.]+)/m.exec(fs.readFileSync(path.join(REPO, 'CMakeLists.txt'), 'utf8'))[1];
const DEB = path.join(BUILD, `kaptajn_${VERSION}_amd64.deb`);
const UNITS = ['kaptajn-citizen.service', 'kaptajn-admin.service', 'kaptajn-migrate.service',
  'kaptajn-jobs.service', 'kaptajn-jobs.timer', 'kaptajn-backup.service', 'kaptajn-backup.timer'];
// The most exposure (systemd-analyze security, 0 best .. 10 worst) a
// service may have: "OK" ends at 3.9; the units measure about 1.
const MAX_EXPOSURE = 2.5;

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 300000, ...opts });
  if (r.error) throw r.error;
  return r;
}

function have(cmd) {
  return run('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

let tmp = '';
let root = '';   // the data, as dpkg would unpack it
let ctrl = '';   // the control files
let listing = [];

before(() => {
  assert.ok(fs.existsSync(path.join(BUILD, 'CMakeCache.txt')),
    `no build in ${BUILD}: build first (scripts/lib.sh kp_build build)`);
  fs.rmSync(DEB, { force: true });
  const r = run('cmake', ['--build', BUILD, '--target', 'package']);
  assert.equal(r.status, 0, `cmake --build --target package failed:\n${r.stdout}\n${r.stderr}`);
  assert.ok(fs.existsSync(DEB), `no ${DEB} after the package build`);
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kaptajn-pkg-'));
  root = path.join(tmp, 'root');
  ctrl = path.join(tmp, 'control');
  execFileSync('dpkg-deb', ['-x', DEB, root]);
  execFileSync('dpkg-deb', ['-e', DEB, ctrl]);
  // "-rw-r--r-- root/root 123 2026-01-01 00:00 ./usr/bin/kaptajn"
  listing = execFileSync('dpkg-deb', ['-c', DEB], { encoding: 'utf8' }).trim().split('\n')
    .map((l) => {
      const f = l.split(/\s+/);
      return { mode: f[0], owner: f[1], path: f.slice(5).join(' ').replace(/^\.\//, '/').split(' -> ')[0] };
    });
});

after(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

function field(name) {
  return execFileSync('dpkg-deb', ['-f', DEB, name], { encoding: 'utf8' }).trim();
}

function entry(p) {
  return listing.find((e) => e.path === p || e.path === `${p}/`);
}

describe('the Debian package', () => {
  it(`is kaptajn ${VERSION} for amd64, named as Debian names it`, () => {
    assert.equal(field('Package'), 'kaptajn');
    assert.equal(field('Version'), VERSION);
    assert.equal(field('Architecture'), 'amd64');
    console.log(`# ${path.basename(DEB)}: ${fs.statSync(DEB).size} bytes, ` +
      `Installed-Size ${field('Installed-Size')} KiB`);
  });

  it('depends on the runtime libraries, adduser and mariadb-client, and only recommends nginx and MariaDB', () => {
    const dep = field('Depends');
    const names = dep.split(',').map((d) => d.trim().split(/[\s(|]/)[0]);
    for (const lib of ['adduser', 'mariadb-client', 'libc6', 'libfcgi0ldbl', 'libmariadb3', 'libjwt0', 'libjansson4',
      'libmbedcrypto7', 'libcurl4']) {
      assert.ok(names.includes(lib), `Depends lacks ${lib}: ${dep}`);
    }
    assert.ok(!names.includes('nginx') && !names.includes('mariadb-server'), `Depends: ${dep}`);
    const rec = field('Recommends').split(',').map((d) => d.trim());
    assert.deepEqual(rec.sort(), ['mariadb-server', 'nginx']);
  });

  it('holds every file of the layout, owned by root, and nothing under /usr/local', () => {
    const want = {
      '/usr/bin/kaptajn': '-rwxr-xr-x',
      '/etc/kaptajn/kaptajn.conf': '-rw-r-----',
      '/etc/kaptajn/admin-allow.conf': '-rw-r--r--',
      '/etc/nginx/sites-available/kaptajn': '-rw-r--r--',
      '/usr/share/kaptajn/web/index.html': '-rw-r--r--',
      '/usr/share/kaptajn/web/admin/index.html': '-rw-r--r--',
      '/usr/share/kaptajn/web/openapi.json': '-rw-r--r--',
      '/usr/share/kaptajn/web/assets/dkfds/css/dkfds-borgerdk.used.min.css': '-rw-r--r--',
      '/usr/share/kaptajn/web/assets/dkfds/img/all-svg-icons.used.svg': '-rw-r--r--',
      '/usr/share/kaptajn/nginx/security-headers.conf': '-rw-r--r--',
      '/usr/share/kaptajn/nginx/fastcgi.conf': '-rw-r--r--',
      '/usr/share/kaptajn/nginx/dev-idp-off.conf': '-rw-r--r--',
      '/lib/systemd/system/kaptajn-.service.d/hardening.conf': '-rw-r--r--',
      '/usr/share/doc/kaptajn/copyright': '-rw-r--r--',
    };
    for (const u of UNITS) want[`/lib/systemd/system/${u}`] = '-rw-r--r--';
    for (const f of fs.readdirSync(path.join(REPO, 'migrations')).filter((n) => n.endsWith('.sql'))) {
      want[`/usr/share/kaptajn/migrations/${f}`] = '-rw-r--r--';
    }
    for (const [p, mode] of Object.entries(want)) {
      const e = entry(p);
      assert.ok(e, `${p} is not in the package`);
      assert.equal(e.mode, mode, `mode of ${p}`);
    }
    for (const e of listing) {
      assert.equal(e.owner, 'root/root', `owner of ${e.path}`);
      assert.ok(!e.path.startsWith('/usr/local'), `${e.path} is under /usr/local`);
      if (e.mode.startsWith('d')) assert.equal(e.mode, 'drwxr-xr-x', `mode of ${e.path}`);
    }
    // Exactly the migrations of the tree, and nothing else in the folder.
    const shipped = listing.filter((e) => /^\/usr\/share\/kaptajn\/migrations\/./.test(e.path));
    assert.equal(shipped.length, Object.keys(want).filter((p) => p.includes('/migrations/')).length);
  });

  it('ships the built portal without the build inputs, source maps or the dev IdP', () => {
    const web = listing.filter((e) => e.path.startsWith('/usr/share/kaptajn/web/'));
    assert.ok(web.length > 20, `only ${web.length} entries under /usr/share/kaptajn/web`);
    for (const e of web) {
      assert.doesNotMatch(e.path, /node_modules|package(-lock)?\.json$|\.map$|\/dev-idp\b|\/\./, e.path);
    }
    // Of the designsystem's fonts only the subsets the pages load.
    assert.ok(!web.some((e) => e.path.includes('/fonts/IBMPlexSans/complete/')));
    // Every designsystem file the pages name is there.
    const named = ['web/css/app.css', 'web/index.html', 'web/admin/index.html']
      .flatMap((f) => [...fs.readFileSync(path.join(REPO, f), 'utf8')
        .matchAll(/["'(]\/(assets\/dkfds\/[^"')?#]+)/g)].map((m) => m[1]));
    assert.ok(named.some((f) => f.includes('/fonts/')), 'the pages name no font');
    for (const f of named) assert.ok(entry(`/usr/share/kaptajn/web/${f}`), `${f} is not in the package`);
    // The unit tests and other build products stay out.
    assert.deepEqual(listing.filter((e) => e.path.startsWith('/usr/bin/') && !e.mode.startsWith('d'))
      .map((e) => e.path),
      ['/usr/bin/kaptajn']);
  });

  it('holds a program that says its version and is stripped', () => {
    const bin = path.join(root, 'usr/bin/kaptajn');
    assert.equal(execFileSync(bin, ['--version'], { encoding: 'utf8' }), `kaptajn ${VERSION}\n`);
    assert.doesNotMatch(execFileSync('file', [bin], { encoding: 'utf8' }), /not stripped/);
  });

  it('lists every file under /etc as a conffile', () => {
    const conffiles = fs.readFileSync(path.join(ctrl, 'conffiles'), 'utf8').trim().split('\n').sort();
    const etc = listing.filter((e) => e.path.startsWith('/etc/') && !e.mode.startsWith('d'))
      .map((e) => e.path).sort();
    assert.ok(conffiles.includes('/etc/kaptajn/kaptajn.conf'));
    assert.deepEqual(conffiles, etc);
  });

  it('has maintainer scripts that make the user, start nothing on install and restart a running Kaptajn on upgrade', () => {
    for (const s of ['postinst', 'prerm', 'postrm']) {
      const p = path.join(ctrl, s);
      assert.equal(fs.statSync(p).mode & 0o777, 0o755, `mode of ${s}`);
      assert.equal(run('sh', ['-n', p]).status, 0, `${s} is not valid sh`);
    }
    const postinst = fs.readFileSync(path.join(ctrl, 'postinst'), 'utf8');
    assert.match(postinst, /adduser --quiet --system --group --home "\$state"/);
    assert.match(postinst, /own root:kaptajn 0640 "\$conf"/);
    assert.match(postinst, /own kaptajn:kaptajn 0750 "\$state"/);
    // systemctl is run for daemon-reload, and on an upgrade to restart
    // kaptajn-migrate (which restarts the pools) when it is active;
    // "enable --now" is in the message to the operator.
    const code = postinst.replace(/cat <<-MSG\n[\s\S]*?\n\t*MSG\n/, '');
    const runs = code.split('\n').filter((l) => /\b(systemctl|deb-systemd-invoke)\b/.test(l) && !/^\s*(#|echo)/.test(l));
    assert.ok(runs.length > 0);
    for (const l of runs) assert.match(l, /systemctl (daemon-reload|is-active --quiet (kaptajn-migrate\.service|"\$p")|restart kaptajn-migrate\.service \$pools)/, l);
    assert.match(postinst, /elif \[ -d \/run\/systemd\/system \] && systemctl is-active --quiet kaptajn-migrate\.service; then\n(?:.*\n)*?\t\tif ! systemctl restart kaptajn-migrate\.service \$pools; then/);
    const prerm = fs.readFileSync(path.join(ctrl, 'prerm'), 'utf8');
    // prerm stops the pools on removal only: an upgrade leaves them
    // serving until postinst restarts them.
    assert.match(prerm, /if \[ "\$1" = remove \] && \[ -d \/run\/systemd\/system \]; then\n\tsystemctl stop/);
    // Every unit the package brings that runs is stopped on removal, and
    // every timer's enablement goes on purge.
    for (const u of ['kaptajn-citizen.service', 'kaptajn-admin.service', 'kaptajn-jobs.timer', 'kaptajn-jobs.service',
      'kaptajn-backup.timer', 'kaptajn-backup.service', 'kaptajn-migrate.service']) assert.ok(prerm.includes(u), `prerm stops ${u}`);
    const postrm = fs.readFileSync(path.join(ctrl, 'postrm'), 'utf8');
    assert.match(postrm, /purge\)\n\s*rm -rf \/var\/lib\/kaptajn\n/);
    for (const t of ['kaptajn-jobs.timer', 'kaptajn-backup.timer']) assert.ok(postrm.includes(`timers.target.wants/${t}`), `postrm forgets ${t}`);
  });
});

describe('the systemd units', () => {
  let unitDir = '';
  before(() => {
    // The units as installed, with ExecStart pointing at the unpacked
    // program (verify checks that the binary exists).
    unitDir = path.join(tmp, 'units');
    fs.cpSync(path.join(root, 'lib/systemd/system'), unitDir, { recursive: true });
    for (const u of UNITS) {
      const p = path.join(unitDir, u);
      fs.writeFileSync(p, fs.readFileSync(p, 'utf8').replaceAll('/usr/bin/kaptajn',
        path.join(root, 'usr/bin/kaptajn')));
    }
  });

  it('pass systemd-analyze verify', () => {
    const r = run('systemd-analyze', ['verify', ...UNITS.map((u) => path.join(unitDir, u))]);
    const ours = `${r.stdout}${r.stderr}`.split('\n').filter((l) => /kaptajn/.test(l));
    assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
    assert.deepEqual(ours, []);
  });

  it('run each service as kaptajn in the sandbox, with the pools\' sockets in /run/kaptajn', () => {
    for (const pool of ['citizen', 'admin']) {
      const unit = fs.readFileSync(path.join(root, `lib/systemd/system/kaptajn-${pool}.service`), 'utf8');
      assert.match(unit, new RegExp(`^ExecStart=/usr/bin/kaptajn serve --config /etc/kaptajn/kaptajn.conf --pool ${pool} --socket /run/kaptajn/${pool}.sock --workers \\$\\{KAPTAJN_WORKERS\\}$`, 'm'));
      assert.match(unit, /^Requires=kaptajn-migrate\.service$/m);
      // Ready means listening (the supervisor's READY=1), not only started.
      assert.match(unit, /^Type=notify$/m);
      assert.match(unit, /^RuntimeDirectory=kaptajn$/m);
      assert.match(unit, /^RuntimeDirectoryPreserve=yes$/m);
      assert.match(unit, /^SupplementaryGroups=www-data$/m);
    }
    // nginx's site passes to exactly these sockets.
    const site = fs.readFileSync(path.join(root, 'etc/nginx/sites-available/kaptajn'), 'utf8');
    const passes = new Set([...site.matchAll(/fastcgi_pass (\S+);/g)].map((m) => m[1]));
    assert.deepEqual([...passes].sort(), ['unix:/run/kaptajn/admin.sock', 'unix:/run/kaptajn/citizen.sock']);
    const timer = fs.readFileSync(path.join(root, 'lib/systemd/system/kaptajn-jobs.timer'), 'utf8');
    assert.match(timer, /^OnCalendar=daily$/m);
    assert.match(timer, /^RandomizedDelaySec=/m);
    const jobs = fs.readFileSync(path.join(root, 'lib/systemd/system/kaptajn-jobs.service'), 'utf8');
    assert.match(jobs, /^ExecStart=\/usr\/bin\/kaptajn reseal --config \/etc\/kaptajn\/kaptajn\.conf$/m);
    const backup = fs.readFileSync(path.join(root, 'lib/systemd/system/kaptajn-backup.service'), 'utf8');
    assert.match(backup, /^ExecStart=\/usr\/bin\/kaptajn backup --config \/etc\/kaptajn\/kaptajn\.conf --prune$/m);
    const backupTimer = fs.readFileSync(path.join(root, 'lib/systemd/system/kaptajn-backup.timer'), 'utf8');
    assert.match(backupTimer, /^OnCalendar=\*-\*-\* 01:00:00$/m, 'daily');
    assert.match(backupTimer, /^Persistent=true$/m);
  });

  it('expose little (systemd-analyze security --offline)', () => {
    const scores = {};
    for (const u of UNITS.filter((n) => n.endsWith('.service'))) {
      const r = run('systemd-analyze', ['security', '--offline=yes', '--no-pager',
        path.join(unitDir, u)]);
      const m = /Overall exposure level for \S+: (\d+\.\d+)/.exec(`${r.stdout}${r.stderr}`);
      assert.ok(m, `no exposure level for ${u}:\n${r.stdout}${r.stderr}`);
      scores[u] = Number(m[1]);
    }
    console.log(`# exposure: ${JSON.stringify(scores)}`);
    for (const [u, s] of Object.entries(scores)) assert.ok(s <= MAX_EXPOSURE, `${u}: ${s}`);
  });
});

describe('the nginx site', () => {
  it('passes nginx -t inside Debian\'s nginx.conf with a certificate in place', () => {
    const n = path.join(tmp, 'nginx');
    fs.mkdirSync(path.join(n, 'log'), { recursive: true });
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256',
      '-nodes', '-days', '1', '-subj', '/CN=kaptajn.example.dk', '-keyout', path.join(n, 'key.pem'),
      '-out', path.join(n, 'cert.pem')], { stdio: 'ignore' });
    // The unpacked files, with their absolute paths moved into the tmp dir.
    const moved = (text) => text
      .replaceAll('/usr/share/kaptajn/', `${root}/usr/share/kaptajn/`)
      .replaceAll('/etc/kaptajn/', `${root}/etc/kaptajn/`)
      .replaceAll('/var/log/nginx/', `${n}/log/`)
      .replaceAll('/etc/ssl/certs/kaptajn.pem', `${n}/cert.pem`)
      .replaceAll('/etc/ssl/private/kaptajn.key', `${n}/key.pem`);
    for (const f of fs.readdirSync(path.join(root, 'usr/share/kaptajn/nginx'))) {
      const p = path.join(root, 'usr/share/kaptajn/nginx', f);
      fs.writeFileSync(p, moved(fs.readFileSync(p, 'utf8')));
    }
    const site = path.join(n, 'site');
    fs.writeFileSync(site, moved(fs.readFileSync(path.join(root, 'etc/nginx/sites-available/kaptajn'), 'utf8')));
    // Debian's nginx.conf, its sites replaced by ours and its files moved.
    const conf = fs.readFileSync('/etc/nginx/nginx.conf', 'utf8')
      .replace(/^\s*user\s[^;]*;/m, '')
      .replace(/^\s*pid\s[^;]*;/m, `pid ${n}/nginx.pid;`)
      .replaceAll('/var/log/nginx/', `${n}/log/`)
      .replace(/include \/etc\/nginx\/sites-enabled\/\*;/, `include ${site};`)
      .replace(/include \/etc\/nginx\/conf\.d\/\*\.conf;/, '');
    assert.match(conf, new RegExp(`include ${site};`), 'Debian\'s nginx.conf includes no sites-enabled/');
    fs.writeFileSync(path.join(n, 'nginx.conf'), conf);
    const r = run('nginx', ['-t', '-p', `${n}/`, '-c', path.join(n, 'nginx.conf'),
      '-e', path.join(n, 'log/error.log')]);
    assert.equal(r.status, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /\[(warn|emerg|error)\]/, r.stderr);
  });
});

describe('lintian', () => {
  it('finds no error in the package', { skip: have('lintian') ? false : 'lintian is not installed' }, () => {
    const r = run('lintian', ['--no-tag-display-limit', DEB]);
    const lines = `${r.stdout}${r.stderr}`.split('\n').filter(Boolean);
    for (const l of lines.filter((x) => x.startsWith('W:') || x.startsWith('I:'))) console.log(`# ${l}`);
    assert.deepEqual(lines.filter((l) => l.startsWith('E:')), []);
  });
});

describe('the package build', () => {
  // A copy of the tree as git sees it: no build, no web/assets/.
  let src = '';
  before(() => {
    src = path.join(tmp, 'src');
    const files = execFileSync('git', ['-C', REPO, 'ls-files', '-z', '--cached', '--others',
      '--exclude-standard'], { encoding: 'utf8' })
      .split('\0').filter((f) => f && fs.existsSync(path.join(REPO, f)));
    for (const f of files) {
      fs.mkdirSync(path.dirname(path.join(src, f)), { recursive: true });
      fs.copyFileSync(path.join(REPO, f), path.join(src, f));
    }
  });

  it('stops with the command to run when the portal is not built', () => {
    // Configured, then installed, which fails before it needs any build
    // product.
    assert.ok(!fs.existsSync(path.join(src, 'web/assets')));
    const b = path.join(tmp, 'src-build');
    const c = run('cmake', ['-S', src, '-B', b, '-DKAPTAJN_TESTS=OFF', '--log-level=WARNING']);
    assert.equal(c.status, 0, c.stderr);
    const r = run('cmake', ['--install', b, '--prefix', path.join(tmp, 'inst')]);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /The portal is not built/);
    assert.match(r.stderr, /kp_web_build/);
    assert.ok(!fs.existsSync(path.join(tmp, 'inst', 'bin', 'kaptajn')));
  });

  it('refuses to render the site from a template with a placeholder it has no value for', () => {
    // What keeps the site from drifting: a new placeholder in the
    // development template needs its production value in nginx-site.sh.
    const tpl = path.join(src, 'nginx/kaptajn.conf.in');
    fs.writeFileSync(tpl, fs.readFileSync(tpl, 'utf8')
      .replace(/^(\s*server_tokens off;)$/m, '$1\n    keepalive_requests @NEW_LIMIT@;'));
    const out = path.join(tmp, 'site-out');
    const r = run('bash', [path.join(src, 'packaging/nginx-site.sh'), out]);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /@NEW_LIMIT@/);
    assert.match(r.stderr, /unrendered placeholders/);
    assert.ok(!fs.existsSync(path.join(out, 'kaptajn')), 'a site was written');
  });
});
