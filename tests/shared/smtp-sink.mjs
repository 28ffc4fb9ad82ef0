// smtp-sink.mjs: the SMTP server that the notification tests start on
// loopback (tests/shared/smtp-sink.py, Debian's python3-aiosmtpd), and what
// those tests need around it: reading a message's quoted-printable body,
// waiting for something to happen, the median of the delays measured.
// Used by tests/integration/outbox.test.mjs and
// tests/browser/voice-journey.test.mjs.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

export const PY = '/usr/bin/python3';
const SINK = path.join(path.dirname(fileURLToPath(import.meta.url)), 'smtp-sink.py');

/** Whether Debian's python3-aiosmtpd is there to run the server. */
export const hasAiosmtpd = () => spawnSync(PY, ['-c', 'import aiosmtpd'], { stdio: 'ignore' }).status === 0;

/** Why a test cannot start the server ('' when it can). */
export const NO_AIOSMTPD = `${PY} has no aiosmtpd (apt-get install python3-aiosmtpd)`;

/** The SMTP server on 127.0.0.1:port: started, stopped and switched by the
 * test. mails holds each message taken: { from, to, data, at } (at:
 * seconds since the epoch, when the server took it). */
export class SmtpSink {
  constructor(port) {
    this.port = port;
    this.mails = [];
    this.proc = null;
  }

  async start() {
    this.proc = spawn(PY, [SINK, String(this.port)], { stdio: ['pipe', 'pipe', 'inherit'] });
    const lines = readline.createInterface({ input: this.proc.stdout });
    let ready;
    const up = new Promise((resolve) => { ready = resolve; });
    lines.on('line', (l) => {
      const m = JSON.parse(l);
      if (m.ready) ready();
      else if (m.data !== undefined) this.mails.push(m);
    });
    await Promise.race([up, sleep(5000).then(() => { throw new Error('the SMTP server did not start'); })]);
  }

  /** "ok" takes messages; "drop" closes the connection after DATA. */
  mode(m) {
    this.proc.stdin.write(`${m}\n`);
  }

  /** The messages to this address. */
  to(addr) {
    return this.mails.filter((m) => m.to.includes(addr));
  }

  async stop() {
    if (!this.proc || this.proc.exitCode !== null) return;
    const p = this.proc;
    p.stdin.end();
    for (let i = 0; i < 50 && p.exitCode === null; i++) await sleep(50);
    if (p.exitCode === null) p.kill('SIGKILL');
    this.proc = null;
  }
}

/** Calls fn every 50 ms until it returns true; fails after ms with what it returned last. */
export async function waitFor(what, fn, ms = 8000) {
  const end = Date.now() + ms;
  let last;
  while (Date.now() < end) {
    last = await fn();
    if (last === true) return;
    await sleep(50);
  }
  assert.fail(`waited ${ms} ms for ${what}; last: ${JSON.stringify(last)}`);
}

/** Decodes a quoted-printable body. */
export function qpDecode(s) {
  const bytes = Buffer.from(s.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16))), 'latin1');
  return bytes.toString('utf8');
}

/** A message's header block and its body, decoded. */
export function mailParts(mail) {
  const split = mail.data.indexOf('\r\n\r\n');
  return { head: mail.data.slice(0, split), text: qpDecode(mail.data.slice(split + 4)) };
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
