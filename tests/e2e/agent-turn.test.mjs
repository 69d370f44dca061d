// The native agent's video through a real TURN relay, both sides relay only.
//
// coturn (Debian package `coturn`, binary `turnserver`) runs on 127.0.0.1 with `use-auth-secret`
// and a shared secret; an Assist server is told about it with `--turn-url` and `--turn-secret`.
// The real agent (`assist agent join`, enrolled and signed in as the sharer) shares a private Xvfb
// screen; the helper watches on the live helper page (`/sessions/{id}`) in real Chromium. Both
// sides are relay only: the agent with `ASSIST_AGENT_RELAY_ONLY=1` (no host candidate), the page
// with `iceTransportPolicy: 'relay'` forced on its RTCPeerConnection (as an administrator's
// policy would). Both fetch their ICE servers from `GET /api/sessions/{id}/ice-servers`.
//
// Checked: the helper decodes the agent's H.264 frames; the selected candidate pair is `relay`
// on the local and on the remote side (getStats); coturn logged allocations for both users; the
// agent logged its relay allocation. Printed: allocation time, Allow → first decoded frame,
// frames per second through the relay.
//
// WebRTC stays on loopback: run inside netns.sh (only `lo` up).
// Run: cd tests/e2e && npm ci && ./netns.sh node --test agent-turn.test.mjs
// Needs Xvfb, /usr/bin/chromium and /usr/bin/turnserver; builds the `assist` binary (debug).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const TARGET = process.env.CARGO_TARGET_DIR ? path.resolve(ROOT, process.env.CARGO_TARGET_DIR) : path.join(ROOT, 'target');
const BIN = path.join(TARGET, 'debug', 'assist');
const TURNSERVER = process.env.TURNSERVER || '/usr/bin/turnserver';
const SECRET = randomBytes(16).toString('hex');
const ADMIN = { email: 'admin@example.com', password: 'admin-password-123' };
const HELPER = { email: 'helen@example.com', password: 'helper-password-123', full_name: 'Helen Helper' };
const SHARER = { email: 'sam@example.com', password: 'sharer-password-123', full_name: 'Sam Sharer' };
const W = 1280;
const H = 720;
const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--allow-loopback-in-peer-connection', '--disable-features=WebRtcHideLocalIpsWithMdns',
];

let tmp;
let turn;
let xvfb;
let display;
let server;
let base;
let browser;
let agentDir;
let helperUser;
let sharerUser;

function build() {
  if (process.env.ASSIST_E2E_BUILT === '1') return;
  const r = spawnSync('cargo', ['build', '-p', 'assist', '--bin', 'assist'], { cwd: ROOT, stdio: 'inherit' });
  assert.equal(r.status, 0, 'cargo build failed');
}

/** A child process with its stdout and stderr lines collected and awaitable. */
function proc(cmd, args, opts = {}) {
  const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], ...opts });
  const lines = [];
  const errLines = [];
  const waiters = new Set();
  const wake = () => { for (const w of waiters) w(); };
  createInterface({ input: child.stdout }).on('line', (l) => {
    lines.push(l);
    if (process.env.ASSIST_E2E_VERBOSE) console.log(`[${path.basename(cmd)}] ${l}`);
    wake();
  });
  createInterface({ input: child.stderr }).on('line', (raw) => {
    const l = raw.replace(/\x1b\[[0-9;]*m/g, ''); // log colours
    errLines.push(l);
    if (errLines.length > 2000) errLines.shift();
    if (process.env.ASSIST_E2E_VERBOSE) console.log(`[${path.basename(cmd)} err] ${l}`);
    wake();
  });
  const exited = new Promise((resolve) => child.on('exit', (code) => { wake(); resolve(code); }));
  async function waitFor(list, pred, ms, what) {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = list.find(pred);
      if (found) return found;
      if (Date.now() > deadline || child.exitCode !== null) {
        throw new Error(`no ${what} from ${path.basename(cmd)}; stdout:\n${lines.join('\n')}\nstderr:\n${errLines.join('\n')}`);
      }
      await new Promise((resolve) => {
        const t = setTimeout(resolve, 100);
        waiters.add(() => { clearTimeout(t); resolve(); });
      }).finally(() => waiters.clear());
    }
  }
  return {
    child,
    lines,
    errLines,
    exited,
    waitLine: (pred, ms, what) => waitFor(lines, pred, ms, what),
    waitErr: (pred, ms, what) => waitFor(errLines, pred, ms, what),
  };
}

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
      req.writeUInt32BE(0x2112a442, 4); // magic cookie
      randomBytes(12).copy(req, 8);
      const answered = await new Promise((resolve) => {
        const t = setTimeout(() => resolve(false), 200);
        sock.once('message', () => { clearTimeout(t); resolve(true); });
        sock.send(req, port, '127.0.0.1');
      });
      if (answered) return;
      if (Date.now() > deadline) throw new Error('coturn does not answer STUN');
    }
  } finally {
    sock.close();
  }
}

async function startTurn(dir) {
  const port = await freePort();
  const [minPort, maxPort] = await freeRange(40);
  const t = proc(TURNSERVER, [
    '-n', // no configuration file
    '--listening-ip', '127.0.0.1',
    '--relay-ip', '127.0.0.1',
    '--listening-port', String(port),
    '--min-port', String(minPort),
    '--max-port', String(maxPort),
    '--use-auth-secret',
    '--static-auth-secret', SECRET,
    '--realm', 'assist.test',
    '--no-tls',
    '--no-dtls',
    '--no-cli',
    '--allow-loopback-peers', // both peers are on loopback here; never in production
    '--userdb', path.join(dir, 'turndb'),
    '--pidfile', path.join(dir, 'turnserver.pid'),
    '--log-file', 'stdout',
    '--simple-log',
    '--verbose', // logs each allocation with its user name
  ]);
  await stunReady(port, 10_000).catch((e) => {
    t.child.kill('SIGKILL');
    throw new Error(`${e.message}\n${t.lines.join('\n')}`);
  });
  return { ...t, port, log: () => t.lines.join('\n') };
}

async function api(method, p, body, cookie) {
  const res = await fetch(base + p, {
    method,
    headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const json = text ? JSON.parse(text) : null;
  if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${text}`);
  return { json, res };
}

async function signIn(who) {
  const { res } = await api('POST', '/api/auth/login', { email: who.email, password: who.password });
  return res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
}

function agentCmd(args, input) {
  const r = spawnSync(BIN, ['agent', '--config-dir', agentDir, ...args], { input, encoding: 'utf8', env: { ...process.env, ASSIST_LOG: 'warn' } });
  assert.equal(r.status, 0, `assist agent ${args[0]}: ${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

before(async () => {
  assert.ok(existsSync(TURNSERVER), `${TURNSERVER} is missing (Debian: apt-get install coturn)`);
  build();
  tmp = mkdtempSync(path.join(os.tmpdir(), 'assist-agent-turn-'));
  agentDir = path.join(tmp, 'agent');
  turn = await startTurn(tmp);
  xvfb = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', `${W}x${H}x24`, '-nolisten', 'tcp'], { stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
  display = await new Promise((resolve, reject) => {
    let buf = '';
    xvfb.stdio[3].on('data', (c) => {
      buf += c;
      if (buf.includes('\n')) resolve(`:${buf.trim()}`);
    });
    xvfb.on('exit', () => reject(new Error('Xvfb exited')));
  });
  // The agent connects through the display's socket: wait until it is there.
  const xsocket = `/tmp/.X11-unix/X${display.slice(1)}`;
  for (let i = 0; i < 50 && !existsSync(xsocket); i++) await new Promise((r) => setTimeout(r, 100));
  server = proc(BIN, [
    'serve', '--listen', '127.0.0.1:0', '--data', path.join(tmp, 'data'), '--tls', 'off',
    '--admin-email', ADMIN.email, '--admin-password', ADMIN.password,
    '--turn-url', `turn:127.0.0.1:${turn.port}?transport=udp`,
    '--turn-secret', SECRET,
  ], { env: { ...process.env, ASSIST_LOG: 'warn' } });
  const ready = await server.waitLine((l) => l.startsWith('Assist listening on '), 60_000, 'readiness line');
  base = ready.slice('Assist listening on '.length).trim();

  const admin = await signIn(ADMIN);
  await api('PUT', '/api/settings', { remote_help_enabled: true, allow_unenrolled_devices: true }, admin);
  helperUser = (await api('POST', '/api/users', { email: HELPER.email, password: HELPER.password, full_name: HELPER.full_name }, admin)).json;
  sharerUser = (await api('POST', '/api/users', { email: SHARER.email, password: SHARER.password, full_name: SHARER.full_name }, admin)).json;
  const roles = (await api('GET', '/api/roles', undefined, admin)).json;
  const role = roles.find((r) => r.name === 'Help Desk Operator');
  await api('POST', '/api/role-assignments', { role_id: role.id, user_id: helperUser.id, scope_all: true, scope_groups: [] }, admin);
  const enrollment = (await api('POST', '/api/enrollment-tokens', { name: 'e2e-turn' }, admin)).json;
  agentCmd(['enroll', '--server', base, '--token', enrollment.token, '--name', 'e2e-turn-laptop']);
  const out = agentCmd(['login', '--email', SHARER.email, '--password-stdin'], `${SHARER.password}\n`);
  assert.match(out, /Signed in as Sam Sharer/);

  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close().catch(() => {});
  server?.child.kill();
  xvfb?.kill();
  if (turn && turn.child.exitCode === null) {
    turn.child.kill('SIGTERM');
    await Promise.race([turn.exited, new Promise((r) => setTimeout(r, 3000))]);
    if (turn.child.exitCode === null) turn.child.kill('SIGKILL');
  }
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** In the helper page: the selected pair's candidate types and the decoded video frames. */
async function pageStats(page) {
  return page.evaluate(async () => {
    const pc = (window.__pcs || []).filter((p) => p.connectionState !== 'closed').pop();
    if (!pc) return { local: null, remote: null, frames: 0, remoteAddress: null };
    const stats = await pc.getStats();
    let pair;
    stats.forEach((s) => {
      if (s.type === 'transport' && s.selectedCandidatePairId) pair = stats.get(s.selectedCandidatePairId);
    });
    let frames = 0;
    stats.forEach((s) => {
      if (s.type === 'inbound-rtp' && s.kind === 'video') frames = s.framesDecoded || 0;
    });
    const local = pair ? stats.get(pair.localCandidateId) : null;
    const remote = pair ? stats.get(pair.remoteCandidateId) : null;
    return {
      local: local?.candidateType ?? null,
      remote: remote?.candidateType ?? null,
      remoteAddress: remote ? `${remote.address}:${remote.port}` : null,
      frames,
      remoteSdp: pc.remoteDescription?.sdp ?? '',
    };
  });
}

test('the agent sends video to the helper through coturn, both sides relay only', { timeout: 120_000 }, async () => {
  const context = await browser.newContext({ viewport: { width: 800, height: 600 } });
  // The page's peer connections are relay only, and kept for getStats.
  await context.addInitScript(() => {
    const Native = window.RTCPeerConnection;
    function RelayOnly(config, ...rest) {
      const pc = new Native({ ...(config || {}), iceTransportPolicy: 'relay' }, ...rest);
      (window.__pcs = window.__pcs || []).push(pc);
      return pc;
    }
    RelayOnly.prototype = Native.prototype;
    window.RTCPeerConnection = RelayOnly;
  });
  const login = await context.request.post(`${base}/api/auth/login`, { data: { email: HELPER.email, password: HELPER.password } });
  assert.equal(login.status(), 200);
  const created = await context.request.post(`${base}/api/sessions`, { data: {} });
  assert.equal(created.status(), 201);
  const { id, code } = await created.json();
  const page = await context.newPage();
  await page.goto(`${base}/sessions/${id}`);

  let painter = null;
  const agent = proc(BIN, ['agent', '--config-dir', agentDir, 'join', code, '--display', display], {
    env: { ...process.env, ASSIST_LOG: process.env.ASSIST_E2E_AGENT_LOG || 'warn,assist_agent::media=info', ASSIST_AGENT_RELAY_ONLY: '1' },
  });
  try {
    await agent.waitLine((l) => l.startsWith('Helper: '), 30_000, 'trust line');
    const r = await context.request.post(`${base}/api/sessions/${id}/request`, { data: { mode: 'view' } });
    assert.equal(r.status(), 200, await r.text());
    await agent.waitLine((l) => l.includes('asks to SEE'), 10_000, 'view prompt');
    // The screen changes ten times a second (the agent skips unchanged frames).
    const colours = ['#d02020', '#20a040', '#2040d0', '#e0c020'];
    let n = 0;
    painter = setInterval(() => {
      spawn('xsetroot', ['-solid', colours[n++ % colours.length]], { env: { ...process.env, DISPLAY: display }, stdio: 'ignore' });
    }, 100);
    const allowedAt = Date.now();
    agent.child.stdin.write('a\n');

    // The first decoded frame, then frames for two seconds.
    let s;
    let firstFrameAt = null;
    const deadline = Date.now() + 30_000;
    for (;;) {
      s = await pageStats(page);
      if (s.frames > 0 && firstFrameAt === null) firstFrameAt = Date.now();
      if (firstFrameAt !== null && Date.now() - firstFrameAt >= 2000) break;
      if (Date.now() > deadline) {
        throw new Error(`no video through the relay: ${JSON.stringify({ ...s, remoteSdp: undefined })}\n`
          + `agent stderr:\n${agent.errLines.join('\n')}\ncoturn:\n${turn.log()}`);
      }
      await new Promise((res) => setTimeout(res, 100));
    }
    const fps = (s.frames - 1) / ((Date.now() - firstFrameAt) / 1000);
    const pixel = await page.evaluate(() => {
      const v = document.getElementById('screen');
      const c = document.createElement('canvas');
      c.width = v.videoWidth;
      c.height = v.videoHeight;
      const g = c.getContext('2d');
      g.drawImage(v, 0, 0);
      return Array.from(g.getImageData(c.width >> 1, c.height >> 1, 1, 1).data.slice(0, 3));
    });
    clearInterval(painter);
    assert.ok(Math.max(...pixel) > 100, `the picture is one of the screen's colours, not black: ${pixel}`);

    // The agent answered with relay candidates only, and the selected pair is relay on both ends.
    assert.match(s.remoteSdp, / typ relay/, 'the agent offered a relay candidate');
    assert.doesNotMatch(s.remoteSdp, / typ (host|srflx)/, 'and nothing else (relay only)');
    assert.equal(s.local, 'relay', 'the page sends from its relay');
    assert.equal(s.remote, 'relay', 'to the agent\'s relay');
    assert.ok(s.frames >= 10, `frames decoded: ${s.frames}`);
    const size = await page.evaluate(() => {
      const v = document.getElementById('screen');
      return [v.videoWidth, v.videoHeight];
    });
    assert.deepEqual(size, [W, H]);

    // Both users allocated on coturn; the agent logged its allocation.
    assert.match(turn.log(), new RegExp(`:${helperUser.id}`), 'coturn logged the helper allocation');
    assert.match(turn.log(), new RegExp(`:${sharerUser.id}`), 'coturn logged the agent allocation');
    const allocated = await agent.waitErr((l) => l.includes('TURN relay allocated'), 1000, 'allocation log');
    const ms = /ms=(\d+)/.exec(allocated);
    console.log(`agent relay allocated in ${ms ? ms[1] : '?'} ms; Allow → first frame through the relay `
      + `${firstFrameAt - allowedAt} ms; ${s.frames} frames decoded, ${fps.toFixed(1)} fps; pair ${s.local} → ${s.remote} (${s.remoteAddress})`);

    agent.child.stdin.write('q\n');
    assert.equal(await agent.exited, 0, agent.errLines.join('\n'));
  } finally {
    clearInterval(painter);
    if (agent.child.exitCode === null) agent.child.kill();
    await context.close();
  }
});
