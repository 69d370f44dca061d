// A child process whose stdout lines are collected and can be awaited: for the agent, the probe X
// clients and other line-speaking programs of the browser tests and benchmarks.
//
//   const p = proc(bin, args, { env });
//   const line = await p.waitLine((l) => l.startsWith('READY'), 10_000, 'READY');
//   p.write('PAINT 1 ff0000');            // one line on its stdin
//   p.lines, p.stderr, p.exited, p.stop()

import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import path from 'node:path';

export function proc(cmd, args, opts = {}) {
  const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], ...opts });
  const lines = [];
  const stderr = [];
  const waiters = new Set();
  const wake = () => {
    for (const w of [...waiters]) w();
  };
  createInterface({ input: child.stdout }).on('line', (l) => {
    lines.push(l);
    if (process.env.ASSIST_E2E_VERBOSE) console.log(`[${path.basename(cmd)}] ${l}`);
    wake();
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (c) => {
    stderr.push(c);
    if (stderr.length > 500) stderr.shift();
  });
  child.stdin.on('error', () => {}); // a child that exited early: its exit code tells
  const exited = new Promise((resolve) => child.on('exit', (code) => { wake(); resolve(code); }));

  /** The first line at index ≥ `from` matching `pred`; throws after `ms` or if the child exits. */
  async function waitLine(pred, ms, what, from = 0) {
    const deadline = Date.now() + ms;
    for (;;) {
      const i = lines.findIndex((l, j) => j >= from && pred(l));
      if (i >= 0) return lines[i];
      if (Date.now() > deadline || child.exitCode !== null) {
        throw new Error(`no ${what} from ${path.basename(cmd)}; stdout:\n${lines.slice(-50).join('\n')}\nstderr:\n${stderr.join('')}`);
      }
      await new Promise((resolve) => {
        const done = () => { clearTimeout(t); waiters.delete(done); resolve(); };
        const t = setTimeout(done, Math.min(100, Math.max(1, deadline - Date.now())));
        waiters.add(done);
      });
    }
  }

  const write = (line) => child.stdin.write(`${line}\n`);

  /** SIGTERM, then SIGKILL after two seconds; resolves once it has exited. */
  async function stop() {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), 2000);
    await exited;
    clearTimeout(t);
  }

  return { child, lines, stderr, waitLine, write, exited, stop };
}
