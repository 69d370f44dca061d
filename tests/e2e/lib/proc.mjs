// A child process whose stdout and stderr lines are collected and can be awaited: for the agent,
// the probe X clients, coturn and other line-speaking programs of the browser tests and benchmarks.
//
//   const p = proc(bin, args, { env });
//   const line = await p.waitLine((l) => l.startsWith('READY'), 10_000, 'READY');
//   await p.waitErr((l) => l.includes('TURN relay allocated'), 1000, 'allocation log');
//   p.write('PAINT 1 ff0000');            // one line on its stdin
//   p.lines, p.errLines, p.stderr, p.exited, p.stop()

import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import path from 'node:path';

/** Stderr lines kept (the last ones). */
const ERR_LINES = 2000;

export function proc(cmd, args, opts = {}) {
  const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], ...opts });
  const name = path.basename(cmd);
  const lines = [];
  const errLines = [];
  const waiters = new Set();
  const wake = () => {
    for (const w of [...waiters]) w();
  };
  createInterface({ input: child.stdout }).on('line', (l) => {
    lines.push(l);
    if (process.env.ASSIST_E2E_VERBOSE) console.log(`[${name}] ${l}`);
    wake();
  });
  createInterface({ input: child.stderr }).on('line', (raw) => {
    const l = raw.replace(/\x1b\[[0-9;]*m/g, ''); // log colours
    errLines.push(l);
    if (errLines.length > ERR_LINES) errLines.shift();
    if (process.env.ASSIST_E2E_VERBOSE) console.log(`[${name} err] ${l}`);
    wake();
  });
  child.stdin.on('error', () => {}); // a child that exited early: its exit code tells
  const exited = new Promise((resolve) => child.on('exit', (code) => { wake(); resolve(code); }));

  /** The first entry of `list` at index ≥ `from` matching `pred`; throws after `ms` or if the child exits. */
  async function waitIn(list, pred, ms, what, from) {
    const deadline = Date.now() + ms;
    for (;;) {
      const i = list.findIndex((l, j) => j >= from && pred(l));
      if (i >= 0) return list[i];
      if (Date.now() > deadline || child.exitCode !== null) {
        throw new Error(`no ${what} from ${name}; stdout:\n${lines.slice(-50).join('\n')}\nstderr:\n${errLines.slice(-200).join('\n')}`);
      }
      await new Promise((resolve) => {
        const done = () => { clearTimeout(t); waiters.delete(done); resolve(); };
        const t = setTimeout(done, Math.min(100, Math.max(1, deadline - Date.now())));
        waiters.add(done);
      });
    }
  }
  /** The first stdout line at index ≥ `from` matching `pred`. */
  const waitLine = (pred, ms, what, from = 0) => waitIn(lines, pred, ms, what, from);
  /** The first stderr line at index ≥ `from` matching `pred` (colour codes removed). */
  const waitErr = (pred, ms, what, from = 0) => waitIn(errLines, pred, ms, what, from);

  const write = (line) => child.stdin.write(`${line}\n`);

  /** SIGTERM, then SIGKILL after two seconds; resolves once it has exited. */
  async function stop() {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), 2000);
    await exited;
    clearTimeout(t);
  }

  return {
    child,
    lines,
    errLines,
    /** Stderr so far, as text. */
    get stderr() { return errLines.join('\n'); },
    waitLine,
    waitErr,
    write,
    exited,
    stop,
  };
}
