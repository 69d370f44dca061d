// The native agent end to end: a real server, an enrolled agent signed in as the sharer, and the
// helper in real Chromium on the live-pages helper page (`/sessions/{id}`), all on one private
// Xvfb screen (1280x720). A probe X client (`crates/input/examples/probe_window.rs`) covers the
// left half of the screen with four coloured quarters and prints the pointer, button and key
// events it receives; Chromium's window sits on the right half.
//
// Checked: the helper's video shows the probe's colours, and the sharer's pointer; input sent while the session is view
// only injects nothing; in control the helper's pointer move (letterboxing accounted for), click
// and typing reach the probe, and so do a Chinese text composed through the helper's input method
// and a paste of the helper's clipboard (Ctrl+V); when the sharer takes control back the helper's
// page says so and later input injects nothing; a denied session injects nothing and stops the agent; the sharer's
// `q` ends the session; `--yes` asks the sharer when the helper may not be allowed unattended,
// and when the helper may, the helper's page says so and the agent allows by itself.
//
// Network: when this machine has a non-loopback address, the test re-runs itself in a network
// namespace with only loopback (`unshare --net`, needs root), so WebRTC candidates are loopback
// only and nothing leaves the machine.
//
// Run: cd tests/e2e && npm ci && node --test agent.test.mjs   (needs Xvfb and /usr/bin/chromium)

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { buildBinaries, createUser, startServer } from './lib/server.mjs';
import { helperSession as openHelperSession, launch, videoPixels } from './lib/browser.mjs';
import { proc } from './lib/proc.mjs';
import { startXvfb } from './lib/xvfb.mjs';
import { enrollAgent } from './lib/agent.mjs';

const FILE = fileURLToPath(import.meta.url);
const HELPER = { email: 'helen@example.com', fullName: 'Helen Helper', jobTitle: 'Service desk', company: 'Example Ltd', role: 'Help Desk Operator' };
const SHARER = { email: 'sam@example.com', fullName: 'Sam Sharer', company: 'Example Ltd' };
const W = 1280;
const H = 720;
// Chromium's window on the right half of the screen.
const WINDOW_ARGS = ['--window-position=640,0', '--window-size=640,720'];

const inNamespace = process.env.ASSIST_E2E_NETNS === '1';
const hasOutside = Object.values(os.networkInterfaces()).flat().some((a) => a && !a.internal);

const build = () => buildBinaries({ examples: [['assist-input', 'probe_window']] });

if (!inNamespace && hasOutside) {
  test('agent end to end, re-run in a loopback-only network namespace', () => {
    build();
    const env = { ...process.env, ASSIST_E2E_NETNS: '1', ASSIST_E2E_BUILT: '1' };
    delete env.NODE_TEST_CONTEXT; // a nested runner would otherwise skip its tests
    const r = spawnSync('unshare', ['--net', '--', 'sh', '-c', 'ip link set lo up && exec node "$0"', FILE], { stdio: 'inherit', env });
    assert.equal(r.status, 0, 'the agent tests failed in the namespace (see above)');
  });
} else {
  let xvfb;
  let server;
  let helper;
  let enrolled;
  let probe;
  let browser;
  let sharerUser;

  before(async () => {
    const { bin, examples } = build();
    xvfb = await startXvfb(W, H);
    server = await startServer({ timeoutMs: 60_000 });
    // "Unenrolled devices" stays off (the default): the sharer is an enrolled agent.
    await server.admin.put('/api/settings', { remote_help_enabled: true });
    await server.admin.post('/api/domains', { domain: 'example.com' });
    helper = await createUser(server, HELPER);
    const sharer = await createUser(server, SHARER);
    sharerUser = sharer;
    enrolled = await enrollAgent(server, { bin, email: sharer.email, password: sharer.password, name: 'e2e-laptop' });
    assert.match(enrolled.signedIn, /Signed in as Sam Sharer/);

    probe = proc(examples.probe_window, ['0', '0', '640', '720'], { env: { ...process.env, DISPLAY: xvfb.display } });
    await probe.waitLine((l) => l.startsWith('READY'), 10_000, 'READY');

    browser = await launch({ display: xvfb.display, loopback: true, args: WINDOW_ARGS });
  });

  after(async () => {
    await browser?.close().catch(() => {});
    await probe?.stop();
    await server?.stop();
    await xvfb?.stop();
    enrolled?.remove();
  });

  /** The helper's browser context signed in, a new session, and the helper page open on it. */
  function helperSession() {
    return openHelperSession(browser, server.url, helper, {
      viewport: { width: 620, height: 600 },
      // Keep a handle on the page's "input" data channel, to send raw events in view-only mode.
      init: () => {
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
      },
    });
  }

  const startAgent = (code, args = []) => enrolled.join(code, { display: xvfb.display, args });

  /** Resolves once the helper's page has decoded a few frames of the agent's screen. */
  const framesArrive = (page) =>
    page.waitForFunction(() => {
      const v = document.getElementById('screen');
      return v && v.videoWidth > 0 && v.getVideoPlaybackQuality().totalVideoFrames > 3;
    }, null, { timeout: 30_000 });

  const inputLines = (from) => probe.lines.slice(from).filter((l) => /^(BUTTON|KEY)/.test(l));

  test('the helper sees the X screen and controls it only while allowed', async () => {
    const h = await helperSession();
    const agent = startAgent(h.code);
    const joined = await agent.waitLine((l) => l.startsWith('Helper: '), 20_000, 'trust line');
    assert.match(joined, /Helen Helper, Service desk, Example Ltd — example\.com/);

    // View: the sharer allows on the terminal.
    await h.request('view');
    await agent.waitLine((l) => l.includes('asks to SEE'), 10_000, 'view prompt');
    agent.write('a');
    await agent.waitLine((l) => l.includes('now SEES'), 10_000, 'view active');

    // Frames arrive and show the probe's four colours on the left half.
    await framesArrive(h.page);
    const sample = async () => {
      const { size, points } = await videoPixels(h.page, { points: [[0.125, 0.25], [0.375, 0.25], [0.125, 0.75], [0.375, 0.75]] });
      const [red, green, blue, white] = points;
      return { size, red, green, blue, white };
    };
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
    agent.write('allow');
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
    // The sharer's pointer is in the picture: the agent draws it (a screen read has none). It is
    // black and white; nothing else near it is black (the probe's red and green quarters).
    let dark = false;
    for (let i = 0; i < 50 && !dark; i++) {
      const pts = [];
      for (let dx = -6; dx <= 6; dx += 2) for (let dy = -6; dy <= 6; dy += 2) pts.push([(want[0] + dx) / W, (want[1] + dy) / H]);
      const { points } = await videoPixels(h.page, { points: pts });
      dark = points.some((p) => p.every((c) => c < 70));
      if (!dark) await new Promise((r) => setTimeout(r, 200));
    }
    assert.ok(dark, 'the pointer is drawn in the video');
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

    // Text that is not a key press, typed by the agent whatever the sharer's keymap has (the
    // characters it lacks go through spare keycodes). The text after `KEY name ` is what the
    // probe's keymap makes of each key.
    const typedSince = (from) => probe.lines.slice(from).filter((l) => l.startsWith('KEY '))
      .map((l) => l.slice(l.indexOf(' ', 4) + 1)).join('');
    const sentSince = (from) => h.page.evaluate((from) => window.__sent.slice(from).map((m) => JSON.parse(m)), from);
    // Chinese through the helper's input method: a composition (as CDP's IME emulation makes
    // it) committed as one text; the keys of the composition are not sent.
    const cdp = await h.context.newCDPSession(h.page);
    let fromText = probe.lines.length;
    let sentFrom = await h.page.evaluate(() => window.__sent.length);
    await cdp.send('Input.imeSetComposition', { text: 'nihao', selectionStart: 5, selectionEnd: 5 });
    await cdp.send('Input.insertText', { text: '你好，世界' });
    await probe.waitLine((l) => l.endsWith(' 界'), 10_000, 'composed text', fromText);
    assert.equal(typedSince(fromText), '你好，世界');
    assert.deepEqual(await sentSince(sentFrom), [{ t: 'text', text: '你好，世界' }]);
    // Paste: Ctrl+V on the video sends the helper's clipboard as text, with Ctrl let go first.
    await h.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    const pasted = 'Pasted 粘贴 ok: ünï €';
    await h.page.evaluate((t) => navigator.clipboard.writeText(t), pasted);
    fromText = probe.lines.length;
    sentFrom = await h.page.evaluate(() => window.__sent.length);
    await h.page.keyboard.press('Control+V');
    await probe.waitLine((l) => l.endsWith(' €'), 10_000, 'pasted text', fromText);
    assert.equal(typedSince(fromText), pasted);
    const sent = await sentSince(sentFrom);
    assert.deepEqual(sent.filter((m) => m.t === 'text'), [{ t: 'text', text: pasted }]);
    const ctrlUp = sent.findIndex((m) => m.t === 'key' && m.code === 'ControlLeft' && !m.down);
    assert.ok(ctrlUp >= 0 && ctrlUp < sent.findIndex((m) => m.t === 'text'), JSON.stringify(sent));
    assert.ok(!sent.some((m) => m.t === 'key' && m.code === 'KeyV'), 'V itself is not sent');

    // The sharer takes control back (what the desktop app's Stop control calls): the helper's
    // page says so at once and offers to ask again; the agent's gate drops what comes after.
    const agentFrom = agent.lines.length;
    const stopped = Date.now();
    await sharerUser.client.post(`/api/sessions/${h.id}/stop-control`, {});
    await h.page.locator('#session-status', { hasText: /Sam Sharer\u2069? took back control; you are viewing their screen\./ }).waitFor({ timeout: 5_000 });
    const toldMs = Date.now() - stopped;
    assert.equal(await h.page.isEnabled('#request-control'), true, 'control can be asked for again');
    await agent.waitLine((l) => l.includes('now SEES'), 5_000, 'agent back to view', agentFrom);
    const afterStop = probe.lines.length;
    await h.page.evaluate(() => {
      const ch = window.__inputChannel;
      ch.send(JSON.stringify({ t: 'key', code: 'KeyZ', key: 'z', down: true }));
      ch.send(JSON.stringify({ t: 'key', code: 'KeyZ', key: 'z', down: false }));
    });
    await new Promise((r) => setTimeout(r, 1000));
    assert.deepEqual(inputLines(afterStop), [], 'nothing injected after control was taken back');
    console.log(`helper told of the stop of control in ${toldMs} ms`);

    // The sharer stops with q: the session ends for the helper too.
    agent.write('q');
    assert.equal(await agent.exited, 0, agent.stderr);
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
    agent.write('deny');
    await agent.waitLine((l) => l.includes('session is over (denied)'), 10_000, 'denied');
    assert.equal(await agent.exited, 0, agent.stderr);
    assert.equal((await h.state()).state, 'denied');
    assert.deepEqual(inputLines(before), []);
    await h.context.close();
  });

  test('--yes without remote_help.unattended: the agent says why and asks the sharer', async () => {
    const h = await helperSession();
    const agent = startAgent(h.code, ['--yes']);
    const note = await agent.waitLine((l) => l.startsWith('Unattended (--yes)'), 20_000, 'unattended note');
    assert.match(note, /not allowed for this session: .*remote_help\.unattended/);
    await h.request('view');
    await agent.waitLine((l) => l.includes('asks to SEE'), 10_000, 'view prompt');
    assert.equal((await h.state()).state, 'requested', 'nothing allowed without the sharer');
    agent.write('deny');
    await agent.waitLine((l) => l.includes('session is over (denied)'), 10_000, 'denied');
    assert.equal(await agent.exited, 0, agent.stderr);
    await h.context.close();
  });

  test('--yes with remote_help.unattended: the helper page says so, and the agent allows by itself', async () => {
    // A role with remote_help.unattended, given to the helper for this test only.
    const role = await server.admin.post('/api/roles', {
      name: 'Unattended Operator',
      permissions: ['remote_help.offer', 'remote_help.view_screen', 'remote_help.unattended'],
    });
    const assignment = await server.admin.post('/api/role-assignments', { role_id: role.id, user_id: helper.id, scope_all: true });
    try {
      const h = await helperSession();
      const agent = startAgent(h.code, ['--yes']);
      const note = await agent.waitLine((l) => l.startsWith('Unattended (--yes)'), 20_000, 'unattended note');
      assert.match(note, /allowed automatically/);
      // Before asking, the helper reads that the sharer will not be asked.
      await h.page.locator('#request-note', { hasText: 'Unattended access is allowed' }).waitFor({ timeout: 10_000 });
      await h.request('view');
      await agent.waitLine((l) => l.startsWith('Allowed without asking you'), 10_000, 'allowed by itself');
      assert.equal((await h.state()).state, 'active');
      assert.ok(!agent.lines.some((l) => l.includes('asks to SEE')), 'no prompt was shown');
      await framesArrive(h.page);
      // The helper ends; the agent stops by itself.
      await h.page.click('#end-session');
      assert.equal(await agent.exited, 0, agent.stderr);
      await h.context.close();
    } finally {
      await server.admin.del(`/api/role-assignments/${assignment.id}`);
    }
  });
}
