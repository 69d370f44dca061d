// A private Xvfb screen: it picks a free display number and reports it on a pipe (`-displayfd`),
// so tests never guess a display and never wait on a sleep.
//
//   const x = await startXvfb(1280, 720);   // x.display === ':N'
//   ... DISPLAY: x.display ...
//   await x.stop();

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

export async function startXvfb(width, height, { depth = 24, timeoutMs = 10_000, display: number = null } = {}) {
  // `display`: a fixed display number instead of the first free one (a test that shares /tmp with
  // other machines' X servers picks an unlikely one).
  const where = number === null ? ['-displayfd', '3'] : [`:${number}`];
  const child = spawn('Xvfb', [...where, '-screen', '0', `${width}x${height}x${depth}`, '-nolisten', 'tcp'], {
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  let err = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (c) => { err += c; });
  const display = number !== null ? `:${number}` : await new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error(`Xvfb gave no display in ${timeoutMs} ms: ${err}`)), timeoutMs);
    child.stdio[3].on('data', (c) => {
      buf += c;
      if (buf.includes('\n')) {
        clearTimeout(timer);
        resolve(`:${buf.trim()}`);
      }
    });
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`Xvfb exited (${code}): ${err}`)); });
  });
  // X clients (the agent) connect through the display's socket: wait until it is there.
  const socket = `/tmp/.X11-unix/X${display.slice(1)}`;
  for (let i = 0; i < 50 && !existsSync(socket); i++) await sleep(100);
  async function stop() {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    await exited;
  }
  return { display, child, stop };
}
