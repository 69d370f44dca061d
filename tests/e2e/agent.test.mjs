// The native agent end to end: a real server, an enrolled agent signed in as the sharer, and the
// helper in real Chromium on the live-pages helper page (`/sessions/{id}`), all on one private
// Xvfb screen (1280x720). A probe X client (`crates/input/examples/probe_window.rs`) covers the
// left half of the screen with four coloured quarters and prints the pointer, button and key
// events it receives; Chromium's window sits on the right half.
//
// Checked: the helper's video shows the probe's colours; input sent while the session is view
// only injects nothing; in control the helper's pointer move (letterboxing accounted for), click
// and typing reach the probe; a denied session injects nothing and stops the agent; the sharer's
// `q` ends the session.
//
// Network: when this machine has a non-loopback address, the test re-runs itself in a network
// namespace with only loopback (`unshare --net`, needs root), so WebRTC candidates are loopback
// only and nothing leaves the machine.
//
// Run: cd tests/e2e && npm ci && node --test agent.test.mjs   (needs Xvfb and /usr/bin/chromium)

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const FILE = fileURLToPath(import.meta.url);
const ROOT = path.resolve(path.dirname(FILE), '../..');
const TARGET = process.env.CARGO_TARGET_DIR ? path.resolve(ROOT, process.env.CARGO_TARGET_DIR) : path.join(ROOT, 'target');
const BIN = path.join(TARGET, 'debug', 'assist');
const PROBE = path.join(TARGET, 'debug', 'examples', 'probe_window');
const ADMIN = { email: 'admin@example.com', password: 'admin-password-123' };
const HELPER = { email: 'helen@example.com', password: 'helper-password-123', full_name: 'Helen Helper', job_title: 'Service desk', company: 'Example Ltd' };
const SHARER = { email: 'sam@example.com', password: 'sharer-password-123', full_name: 'Sam Sharer', company: 'Example Ltd' };
const W = 1280;
const H = 720;
const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--allow-loopback-in-peer-connection', '--disable-features=WebRtcHideLocalIpsWithMdns',
  '--window-position=640,0', '--window-size=640,720',
];

const inNamespace = process.env.ASSIST_E2E_NETNS === '1';
const hasOutside = Object.values(os.networkInterfaces()).flat().some((a) => a && !a.internal);

function build() {
  if (process.env.ASSIST_E2E_BUILT === '1') return;
  const r = spawnSync('cargo', ['build', '-p', 'assist', '--bin', 'assist', '-p', 'assist-input', '--example', 'probe_window'], { cwd: ROOT, stdio: 'inherit' });
  assert.equal(r.status, 0, 'cargo build failed');
}

/** A child process with its stdout lines collected and awaitable. */
function proc(cmd, args, opts = {}) {
  const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], ...opts });
  const lines = [];
  const stderr = [];
  const waiters = new Set();
  createInterface({ input: child.stdout }).on('line', (l) => {
    lines.push(l);
    if (process.env.ASSIST_E2E_VERBOSE) console.log(`[${path.basename(cmd)}] ${l}`);
    for (const w of waiters) w();
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (c) => stderr.push(c));
  const exited = new Promise((resolve) => child.on('exit', (code) => { for (const w of waiters) w(); resolve(code); }));
  async function waitLine(pred, ms, what, from = 0) {
    const deadline = Date.now() + ms;
    for (;;) {
      const i = lines.findIndex((l, j) => j >= from && pred(l));
      if (i >= 0) return lines[i];
      if (Date.now() > deadline || child.exitCode !== null) {
        throw new Error(`no ${what} from ${path.basename(cmd)}; stdout:\n${lines.join('\n')}\nstderr:\n${stderr.join('')}`);
      }
      await new Promise((resolve) => {
        const t = setTimeout(resolve, 100);
        waiters.add(() => { clearTimeout(t); resolve(); });
      }).finally(() => waiters.clear());
    }
  }
  return { child, lines, stderr, waitLine, exited };
}

if (!inNamespace && hasOutside) {
  test('agent end to end, re-run in a loopback-only network namespace', () => {
    build();
    const env = { ...process.env, ASSIST_E2E_NETNS: '1', ASSIST_E2E_BUILT: '1' };
    delete env.NODE_TEST_CONTEXT; // a nested runner would otherwise skip its tests
    const r = spawnSync('unshare', ['--net', '--', 'sh', '-c', 'ip link set lo up && exec node "$0"', FILE], { stdio: 'inherit', env });
    assert.equal(r.status, 0, 'the agent tests failed in the namespace (see above)');
  });
} else {
  let tmp;
  let xvfb;
  let display;
  let server;
  let base;
  let probe;
  let browser;
  let agentDir;

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
    build();
    tmp = mkdtempSync(path.join(os.tmpdir(), 'assist-agent-e2e-'));
    agentDir = path.join(tmp, 'agent');
    // Xvfb picks a free display and says which on fd 3.
    xvfb = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', `${W}x${H}x24`, '-nolisten', 'tcp'], { stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
    display = await new Promise((resolve, reject) => {
      let buf = '';
      xvfb.stdio[3].on('data', (c) => {
        buf += c;
        if (buf.includes('\n')) resolve(`:${buf.trim()}`);
      });
      xvfb.on('exit', () => reject(new Error('Xvfb exited')));
    });
    server = proc(BIN, ['serve', '--listen', '127.0.0.1:0', '--data', path.join(tmp, 'data'), '--tls', 'off', '--admin-email', ADMIN.email, '--admin-password', ADMIN.password], { env: { ...process.env, ASSIST_LOG: 'warn' } });
    const ready = await server.waitLine((l) => l.startsWith('Assist listening on '), 60_000, 'readiness line');
    base = ready.slice('Assist listening on '.length).trim();

    const admin = await signIn(ADMIN);
    await api('PUT', '/api/settings', { remote_help_enabled: true, allow_unenrolled_devices: true }, admin);
    await api('POST', '/api/domains', { domain: 'example.com' }, admin);
    const helper = (await api('POST', '/api/users', { email: HELPER.email, password: HELPER.password, full_name: HELPER.full_name, job_title: HELPER.job_title, company: HELPER.company }, admin)).json;
    await api('POST', '/api/users', { email: SHARER.email, password: SHARER.password, full_name: SHARER.full_name, company: SHARER.company }, admin);
    const roles = (await api('GET', '/api/roles', undefined, admin)).json;
    const role = roles.find((r) => r.name === 'Help Desk Operator');
    await api('POST', '/api/role-assignments', { role_id: role.id, user_id: helper.id, scope_all: true, scope_groups: [] }, admin);
    const enrollment = (await api('POST', '/api/enrollment-tokens', { name: 'e2e' }, admin)).json;

    agentCmd(['enroll', '--server', base, '--token', enrollment.token, '--name', 'e2e-laptop']);
    const out = agentCmd(['login', '--email', SHARER.email, '--password-stdin'], `${SHARER.password}\n`);
    assert.match(out, /Signed in as Sam Sharer/);

    probe = proc(PROBE, ['0', '0', '640', '720'], { env: { ...process.env, DISPLAY: display } });
    await probe.waitLine((l) => l.startsWith('READY'), 10_000, 'READY');

    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: false, args: CHROMIUM_ARGS, env: { ...process.env, DISPLAY: display } });
  });

  after(async () => {
    await browser?.close().catch(() => {});
    probe?.child.kill();
    server?.child.kill();
    xvfb?.kill();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  /** The helper's browser context signed in, a new session, and the helper page open on it. */
  async function helperSession() {
    const context = await browser.newContext({ viewport: { width: 620, height: 600 } });
    // Keep a handle on the page's "input" data channel, to send raw events in view-only mode.
    await context.addInitScript(() => {
      const create = RTCPeerConnection.prototype.createDataChannel;
      RTCPeerConnection.prototype.createDataChannel = function (...args) {
        const ch = create.apply(this, args);
        window.__inputChannel = ch;
        return ch;
      };
      // Every message the page sends on a data channel, to check each event goes out once.
      window.__sent = [];
      const send = RTCDataChannel.prototype.send;
      RTCDataChannel.prototype.send = function (data) {
        if (typeof data === 'string') window.__sent.push(data);
        return send.call(this, data);
      };
    });
    const login = await context.request.post(`${base}/api/auth/login`, { data: { email: HELPER.email, password: HELPER.password } });
    assert.equal(login.status(), 200);
    const created = await context.request.post(`${base}/api/sessions`, { data: {} });
    assert.equal(created.status(), 201);
    const { id, code } = await created.json();
    const page = await context.newPage();
    await page.goto(`${base}/sessions/${id}`);
    const request = async (mode) => {
      const r = await context.request.post(`${base}/api/sessions/${id}/request`, { data: { mode } });
      assert.equal(r.status(), 200, await r.text());
    };
    const state = async () => (await (await context.request.get(`${base}/api/sessions/${id}`)).json());
    return { context, page, id, code, request, state };
  }

  function startAgent(code) {
    return proc(BIN, ['agent', '--config-dir', agentDir, 'join', code, '--display', display], { env: { ...process.env, ASSIST_LOG: 'warn' } });
  }

  const inputLines = (from) => probe.lines.slice(from).filter((l) => /^(BUTTON|KEY)/.test(l));

  test('the helper sees the X screen and controls it only while allowed', async () => {
    const h = await helperSession();
    const agent = startAgent(h.code);
    const joined = await agent.waitLine((l) => l.startsWith('Helper: '), 20_000, 'trust line');
    assert.match(joined, /Helen Helper, Service desk, Example Ltd — example\.com/);

    // View: the sharer allows on the terminal.
    await h.request('view');
    await agent.waitLine((l) => l.includes('asks to SEE'), 10_000, 'view prompt');
    agent.child.stdin.write('a\n');
    await agent.waitLine((l) => l.includes('now SEES'), 10_000, 'view active');

    // Frames arrive and show the probe's four colours on the left half.
    await h.page.waitForFunction(() => {
      const v = document.getElementById('screen');
      return v && v.videoWidth > 0 && v.getVideoPlaybackQuality().totalVideoFrames > 3;
    }, null, { timeout: 30_000 });
    const sample = async () => h.page.evaluate(() => {
      const v = document.getElementById('screen');
      const c = document.createElement('canvas');
      c.width = v.videoWidth;
      c.height = v.videoHeight;
      const g = c.getContext('2d');
      g.drawImage(v, 0, 0);
      const at = (fx, fy) => Array.from(g.getImageData(Math.round(fx * c.width), Math.round(fy * c.height), 1, 1).data.slice(0, 3));
      return { size: [c.width, c.height], red: at(0.125, 0.25), green: at(0.375, 0.25), blue: at(0.125, 0.75), white: at(0.375, 0.75) };
    });
    const near = (got, want) => got.every((v, i) => Math.abs(v - want[i]) <= 60);
    let s;
    for (let i = 0; i < 50; i++) {
      s = await sample();
      if (near(s.red, [255, 0, 0]) && near(s.green, [0, 255, 0]) && near(s.blue, [0, 0, 255]) && near(s.white, [255, 255, 255])) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.deepEqual(s.size, [W, H]);
    assert.ok(near(s.red, [255, 0, 0]), `red quarter: ${s.red}`);
    assert.ok(near(s.green, [0, 255, 0]), `green quarter: ${s.green}`);
    assert.ok(near(s.blue, [0, 0, 255]), `blue quarter: ${s.blue}`);
    assert.ok(near(s.white, [255, 255, 255]), `white quarter: ${s.white}`);

    // View only: raw input on the data channel is dropped by the agent.
    await h.page.waitForFunction(() => window.__inputChannel && window.__inputChannel.readyState === 'open', null, { timeout: 10_000 });
    const before = probe.lines.length;
    await h.page.evaluate(() => {
      const ch = window.__inputChannel;
      ch.send(JSON.stringify({ t: 'mouse_move', x: 0.1, y: 0.1 }));
      ch.send(JSON.stringify({ t: 'mouse_button', button: 'left', down: true }));
      ch.send(JSON.stringify({ t: 'mouse_button', button: 'left', down: false }));
      ch.send(JSON.stringify({ t: 'key', code: 'KeyX', key: 'x', down: true }));
      ch.send(JSON.stringify({ t: 'key', code: 'KeyX', key: 'x', down: false }));
    });
    await new Promise((r) => setTimeout(r, 1500));
    assert.deepEqual(inputLines(before), [], 'nothing injected while view only');
    assert.ok(!probe.lines.slice(before).some((l) => l === 'MOTION 128 72'), 'no pointer move while view only');

    // Control: the sharer allows the upgrade; the page attaches remote-control.js.
    await h.request('control');
    await agent.waitLine((l) => l.includes('asks to CONTROL'), 10_000, 'control prompt');
    agent.child.stdin.write('allow\n');
    await agent.waitLine((l) => l.includes('now CONTROLS'), 10_000, 'control active');

    // The client point over the picture at (0.25, 0.3), letterboxing accounted for.
    const point = await h.page.evaluate(async () => {
      const { normalisedPoint, contentRect } = await import('/static/js/remote-control.js');
      const v = document.getElementById('screen');
      v.scrollIntoView();
      const r = contentRect(v);
      const p = { x: r.left + 0.25 * r.width, y: r.top + 0.3 * r.height };
      return { ...p, check: normalisedPoint(v, p.x, p.y) };
    });
    assert.ok(Math.abs(point.check.x - 0.25) < 1e-6);
    const want = [Math.round(0.25 * (W - 1)), Math.round(0.3 * (H - 1))];
    const from = probe.lines.length;
    // Move until the page has attached remote control and the pointer lands (±3 px: the video
    // element's pixels are coarser than the screen's).
    const landed = (l) => {
      const m = /^MOTION (\d+) (\d+)$/.exec(l);
      return m && Math.abs(+m[1] - want[0]) <= 3 && Math.abs(+m[2] - want[1]) <= 3;
    };
    for (let i = 0; i < 40 && !probe.lines.slice(from).some(landed); i++) {
      await h.page.mouse.move(point.x + (i % 2), point.y);
      await h.page.mouse.move(point.x, point.y);
      await new Promise((r) => setTimeout(r, 250));
    }
    await probe.waitLine(landed, 5_000, `pointer at ${want}`, from);
    await h.page.mouse.down();
    await h.page.mouse.up();
    await probe.waitLine((l) => l.startsWith('BUTTON 1 down'), 5_000, 'button press', from);
    await probe.waitLine((l) => l.startsWith('BUTTON 1 up'), 5_000, 'button release', from);
    const sentBefore = await h.page.evaluate(() => window.__sent.length);
    await h.page.keyboard.type('hello');
    await probe.waitLine((l) => /^KEY \S+ o$/.test(l), 5_000, 'typed text', from);
    const typed = probe.lines.slice(from).filter((l) => l.startsWith('KEY ')).map((l) => l.split(' ')[2] || '').join('');
    assert.equal(typed, 'hello');
    // Each key went out once: remote control is attached once, however the state and the
    // channel arrived.
    const keyDowns = await h.page.evaluate((from) => window.__sent.slice(from).map((m) => JSON.parse(m)).filter((m) => m.t === 'key' && m.down).map((m) => m.key).join(''), sentBefore);
    assert.equal(keyDowns, 'hello');

    // The sharer stops with q: the session ends for the helper too.
    agent.child.stdin.write('q\n');
    assert.equal(await agent.exited, 0, agent.stderr.join(''));
    assert.ok(agent.lines.some((l) => /^Input: \d+ events injected, [1-9]\d* dropped outside control/.test(l)), agent.lines.join('\n'));
    const end = await h.state();
    assert.equal(end.state, 'ended');
    assert.equal(end.end_reason, 'sharer_ended');
    console.log(agent.lines.find((l) => l.startsWith('Input:')));
    await h.context.close();
  });

  test('a denied session injects nothing and stops the agent', async () => {
    const h = await helperSession();
    const agent = startAgent(h.code);
    await agent.waitLine((l) => l.startsWith('Helper: '), 20_000, 'trust line');
    const before = probe.lines.length;
    await h.request('control');
    await agent.waitLine((l) => l.includes('asks to CONTROL'), 10_000, 'control prompt');
    agent.child.stdin.write('deny\n');
    await agent.waitLine((l) => l.includes('session is over (denied)'), 10_000, 'denied');
    assert.equal(await agent.exited, 0, agent.stderr.join(''));
    assert.equal((await h.state()).state, 'denied');
    assert.deepEqual(inputLines(before), []);
    await h.context.close();
  });

  test('--yes without remote_help.unattended: the agent says why and asks the sharer', async () => {
    const h = await helperSession();
    const agent = proc(BIN, ['agent', '--config-dir', agentDir, 'join', h.code, '--yes', '--display', display], { env: { ...process.env, ASSIST_LOG: 'warn' } });
    const note = await agent.waitLine((l) => l.startsWith('Unattended (--yes)'), 20_000, 'unattended note');
    assert.match(note, /not allowed for this session: .*remote_help\.unattended/);
    await h.request('view');
    await agent.waitLine((l) => l.includes('asks to SEE'), 10_000, 'view prompt');
    assert.equal((await h.state()).state, 'requested', 'nothing allowed without the sharer');
    agent.child.stdin.write('deny\n');
    await agent.waitLine((l) => l.includes('session is over (denied)'), 10_000, 'denied');
    assert.equal(await agent.exited, 0, agent.stderr.join(''));
    await h.context.close();
  });
}
