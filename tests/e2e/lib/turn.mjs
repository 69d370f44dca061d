// coturn (Debian package `coturn`, binary `turnserver`) on 127.0.0.1 for the TURN tests: a free
// listening port and a free run of relay ports, `use-auth-secret` with a fresh shared secret, no
// configuration file, ready once it answers a STUN binding request.
//
//   const turn = await startTurn();
//   const server = await startServer({ extraArgs: turn.serverArgs });  // --turn-url, --turn-secret
//   ... turn.log() (coturn logs each allocation with its user name) ...
//   await turn.stop();

import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { proc } from './proc.mjs';

export const TURNSERVER = process.env.TURNSERVER || '/usr/bin/turnserver';
/** Relay ports coturn may use (a small range, checked free before start). */
export const RELAY_PORTS = 40;
const READY_MS = 10_000;

/** A port free for both UDP and TCP on 127.0.0.1. */
async function freePort() {
  for (let i = 0; i < 50; i++) {
    const port = await new Promise((resolve, reject) => {
      const s = createServer();
      s.once('error', reject);
      s.listen(0, '127.0.0.1', () => {
        const p = s.address().port;
        s.close(() => resolve(p));
      });
    });
    if (await udpFree(port)) return port;
  }
  throw new Error('no free port');
}

function udpFree(port) {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    s.once('error', () => resolve(false));
    s.bind(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/** A run of `n` UDP ports free on 127.0.0.1, for coturn's relay range. */
async function freeRange(n) {
  for (let attempt = 0; attempt < 20; attempt++) {
    const start = 20000 + Math.floor(Math.random() * 20000);
    let ok = true;
    for (let p = start; p < start + n && ok; p++) ok = await udpFree(p);
    if (ok) return [start, start + n - 1];
  }
  throw new Error('no free relay port range');
}

/** Resolves once coturn answers a STUN binding request on `port`. */
async function stunReady(port, ms) {
  const deadline = Date.now() + ms;
  const sock = createSocket('udp4');
  try {
    for (;;) {
      const req = Buffer.alloc(20);
      req.writeUInt16BE(0x0001, 0); // binding request
      req.writeUInt16BE(0, 2); // no attributes
      req.writeUInt32BE(0x2112a442, 4); // magic cookie
      randomBytes(12).copy(req, 8);
      const answered = await new Promise((resolve) => {
        const t = setTimeout(() => resolve(false), 200);
        sock.once('message', () => {
          clearTimeout(t);
          resolve(true);
        });
        sock.send(req, port, '127.0.0.1');
      });
      if (answered) return;
      if (Date.now() > deadline) throw new Error('coturn does not answer STUN');
    }
  } finally {
    sock.close();
  }
}

/**
 * Starts coturn. Resolves with `{port, secret, url, serverArgs, log(), stop()}`: `url` is the
 * `turn:` address for Assist, `serverArgs` the `assist serve` options that point at it, `log()`
 * coturn's log so far.
 */
export async function startTurn() {
  if (!existsSync(TURNSERVER)) throw new Error(`${TURNSERVER} is missing (Debian: apt-get install coturn)`);
  const dir = mkdtempSync(path.join(tmpdir(), 'assist-turn-'));
  const secret = randomBytes(16).toString('hex');
  const port = await freePort();
  const [minPort, maxPort] = await freeRange(RELAY_PORTS);
  const t = proc(TURNSERVER, [
    '-n', // no configuration file
    '--listening-ip', '127.0.0.1',
    '--relay-ip', '127.0.0.1',
    '--listening-port', String(port),
    '--min-port', String(minPort),
    '--max-port', String(maxPort),
    '--use-auth-secret',
    '--static-auth-secret', secret,
    '--realm', 'assist.test',
    '--no-tls',
    '--no-dtls',
    '--no-cli',
    '--allow-loopback-peers', // the peers are on loopback here; never in production
    '--userdb', path.join(dir, 'turndb'),
    '--pidfile', path.join(dir, 'turnserver.pid'),
    '--log-file', 'stdout',
    '--simple-log',
    '--verbose', // logs each allocation with its user name
  ]);
  const log = () => [...t.lines, ...t.errLines].join('\n');
  try {
    await stunReady(port, READY_MS);
  } catch (e) {
    await t.stop();
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`${e.message}\n${log()}`);
  }
  const url = `turn:127.0.0.1:${port}?transport=udp`;
  return {
    port,
    secret,
    url,
    serverArgs: ['--turn-url', url, '--turn-secret', secret],
    log,
    async stop() {
      await t.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
