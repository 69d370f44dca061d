// The native agent on Wayland end to end: a real headless GNOME Shell (tests/wayland/start.sh:
// Wayland, PipeWire, the desktop portal, one 1280x720 virtual monitor), the agent built with the
// `wayland` feature sharing it through GNOME's Mutter interfaces (`--backend mutter`) and through
// the desktop portal (the automatic choice on Wayland), a real server, and the helper in real
// Chromium on the helper page (Chromium on its own Xvfb screen).
//
// Checked, on both backends: the agent says which backend it uses; the helper's video is the
// GNOME screen (1280x720); in control the helper's typing arrives in a Wayland terminal (`foot`
// writing what it reads to a file) and two clicks land where the helper clicked (the terminal
// reports mouse presses as SGR sequences: same row, columns half a screen apart); `q` ends the
// session. Through the portal the test answers the portal's dialogs as a person would, by
// clicking them (tests/wayland/portal_dialog.py): the screen's at the first session, remote input's
// when the helper takes control; the second session starts without the screen's dialog (the
// restore token kept in the agent's configuration directory, 0600). `agent doctor` reports the
// backend, the monitors, the restore token and a screenshot, and the reason when the sharer
// cancels the dialog.
//
// Skipped with a message when the GNOME packages are missing here (never in CI, which installs
// them: .ci/run). Run: cd tests/e2e && node --test agent-wayland.test.mjs

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildBinaries, createUser, startServer } from './lib/server.mjs';
import { helperSession as openHelperSession, launch } from './lib/browser.mjs';
import { proc } from './lib/proc.mjs';
import { startXvfb } from './lib/xvfb.mjs';
import { enrollAgent } from './lib/agent.mjs';

const FILE = fileURLToPath(import.meta.url);
const ROOT = path.resolve(path.dirname(FILE), '../..');
const HELPER = { email: 'helen@example.com', fullName: 'Helen Helper', jobTitle: 'Service desk', company: 'Example Ltd', role: 'Help Desk Operator' };
const SHARER = { email: 'sam@example.com', fullName: 'Sam Sharer', company: 'Example Ltd' };

const NEEDED = ['gnome-shell', 'pipewire', 'wireplumber', 'foot', 'dbus-daemon', 'pkg-config', 'gst-launch-1.0'];
const missing = NEEDED.filter((p) => spawnSync('sh', ['-c', `command -v ${p}`]).status !== 0);
if (missing.length && process.env.CI) throw new Error(`CI must install the GNOME rig (.ci/run); missing: ${missing.join(', ')}`);

const inNamespace = process.env.ASSIST_E2E_NETNS === '1';
const hasOutside = Object.values(os.networkInterfaces()).flat().some((a) => a && !a.internal);
const build = () => buildBinaries({ features: ['wayland'] });

/** The rig's environment, as tests/wayland/env.sh sets it. */
function rigEnv(dir) {
  const r = spawnSync('bash', ['-c', '. tests/wayland/env.sh && env -0'], { cwd: ROOT, env: { ...process.env, RIG_DIR: dir }, encoding: 'utf8' });
  return Object.fromEntries(r.stdout.split('\0').filter((kv) => kv.includes('=')).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
}

/** SGR mouse press reports (ESC [ < 0 ; col ; row M) in `s`. */
function presses(s) {
  return [...s.matchAll(/\x1b\[<0;(\d+);(\d+)M/g)].map((m) => [+m[1], +m[2]]);
}

/** Runs `cmd` to its end: { status, stdout, stderr }. */
function run(cmd, args, opts) {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, opts);
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => { stdout += d; });
    p.stderr.on('data', (d) => { stderr += d; });
    p.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

async function until(fn, ms, what) {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

if (missing.length) {
  test('agent on Wayland (GNOME)', { skip: `the GNOME rig needs ${missing.join(', ')} (see tests/wayland/)` }, () => {});
} else if (!inNamespace && hasOutside) {
  test('agent on Wayland, re-run in a loopback-only network namespace', () => {
    build();
    const env = { ...process.env, ASSIST_E2E_NETNS: '1', ASSIST_E2E_BUILT: '1' };
    delete env.NODE_TEST_CONTEXT;
    const r = spawnSync('unshare', ['--net', '--', 'sh', '-c', 'ip link set lo up && exec node "$0"', FILE], { stdio: 'inherit', env });
    assert.equal(r.status, 0, 'the Wayland agent tests failed in the namespace (see above)');
  });
} else {
  let xvfb;
  let server;
  let helper;
  let enrolled;
  let browser;
  let rigDir;
  let env;
  let foot;
  const typedFile = () => path.join(rigDir, 'typed.txt');
  const typed = () => (existsSync(typedFile()) ? readFileSync(typedFile(), 'utf8') : '');

  before(async () => {
    const { bin } = build();
    rigDir = mkdtempSync(path.join(os.tmpdir(), 'assist-gnome-'));
    const up = spawnSync(path.join(ROOT, 'tests/wayland/start.sh'), { cwd: ROOT, env: { ...process.env, RIG_DIR: rigDir }, encoding: 'utf8' });
    assert.equal(up.status, 0, `the GNOME rig did not start: ${up.stdout}${up.stderr}`);
    env = { ...process.env, ...rigEnv(rigDir) };
    delete env.DISPLAY;
    // A maximised terminal that reports mouse presses (SGR) and writes what it reads to a file.
    foot = proc('foot', ['--maximized', 'sh', '-c', `printf '\\033[?1000h\\033[?1006h'; exec cat > ${typedFile()}`], { env });
    await until(() => existsSync(typedFile()), 30_000, 'foot');

    xvfb = await startXvfb(1280, 720);
    server = await startServer({ timeoutMs: 60_000 });
    await server.admin.put('/api/settings', { remote_help_enabled: true });
    await server.admin.post('/api/domains', { domain: 'example.com' });
    helper = await createUser(server, HELPER);
    const sharer = await createUser(server, SHARER);
    enrolled = await enrollAgent(server, { bin, email: sharer.email, password: sharer.password, name: 'e2e-wayland' });
    browser = await launch({ display: xvfb.display, loopback: true });
  });

  after(async () => {
    await browser?.close().catch(() => {});
    await foot?.stop().catch(() => {});
    await server?.stop();
    await xvfb?.stop();
    enrolled?.remove();
    if (rigDir) {
      spawnSync(path.join(ROOT, 'tests/wayland/stop.sh'), { cwd: ROOT, env: { ...process.env, RIG_DIR: rigDir } });
      rmSync(rigDir, { recursive: true, force: true });
    }
  });

  /** The helper's video is the GNOME screen. */
  async function sees(h) {
    await h.page.waitForFunction(() => {
      const v = document.getElementById('screen');
      return v && v.videoWidth > 0 && v.getVideoPlaybackQuality().totalVideoFrames > 0;
    }, null, { timeout: 60_000 });
    const size = await h.page.evaluate(() => [document.getElementById('screen').videoWidth, document.getElementById('screen').videoHeight]);
    assert.deepEqual(size, [1280, 720]);
  }

  /** In control, the helper's clicks and typing reach foot; `onFirstInput` runs (without being
   * awaited) once the first click was sent. */
  async function controls(h, onFirstInput) {
    // Only what foot reads from now on (the terminal lives through every test).
    const start = typed().length;
    const fresh = () => typed().slice(start);
    // Client points over the picture at normalised (x, 0.5), letterboxing accounted for.
    const at = (x) => h.page.evaluate(async (x) => {
      const { contentRect } = await import('/static/js/remote-control.js');
      const v = document.getElementById('screen');
      v.scrollIntoView();
      const r = contentRect(v);
      return { x: r.left + x * r.width, y: r.top + 0.5 * r.height };
    }, x);
    const click = async (x) => {
      const p = await at(x);
      await h.page.mouse.move(p.x - 1, p.y);
      await h.page.mouse.move(p.x, p.y);
      await h.page.mouse.down();
      await h.page.mouse.up();
    };
    // Focus the terminal (the first click also closes GNOME's Overview), until a press is
    // reported (remote control attaches once the state and the channel are there).
    for (let i = 0; i < 60 && presses(fresh()).length === 0; i++) {
      await click(0.5);
      if (i === 0) onFirstInput?.();
      await h.page.keyboard.press('Enter');
      await new Promise((r) => setTimeout(r, 500));
    }
    assert.ok(presses(fresh()).length > 0, `a click reached foot: ${JSON.stringify(fresh())}`);

    await h.page.keyboard.type('Hello Wayland 42!');
    await h.page.keyboard.press('Enter');
    await until(() => fresh().includes('Hello Wayland 42!\n'), 20_000, `typed text in ${JSON.stringify(fresh())}`);

    const before = presses(fresh()).length;
    await click(0.25);
    await click(0.75);
    await h.page.keyboard.press('Enter');
    await until(() => presses(fresh()).length >= before + 2 && fresh().endsWith('\n'), 20_000, `two clicks in ${JSON.stringify(fresh().slice(-200))}`);
    const p = presses(fresh()).slice(-2);
    assert.equal(p[0][1], p[1][1], `same row: ${JSON.stringify(p)}`);
    const cell = 640 / (p[1][0] - p[0][0]);
    assert.ok(cell >= 4 && cell < 20, `columns half a screen apart (cell ${cell} px): ${JSON.stringify(p)}`);
  }

  test('mutter backend: the helper sees GNOME, types into foot and clicks where intended', async () => {
    const h = await openHelperSession(browser, server.url, helper, { viewport: { width: 1000, height: 700 } });
    const agent = enrolled.join(h.code, { args: ['--backend', 'mutter'], env });
    await agent.waitLine((l) => l.startsWith('Screen and input through Wayland through GNOME'), 30_000, 'backend line');
    await agent.waitLine((l) => l.startsWith('Helper: '), 20_000, 'trust line');
    await h.request('control');
    await agent.waitLine((l) => l.includes('asks to CONTROL'), 10_000, 'control prompt');
    agent.write('allow');
    await agent.waitLine((l) => l.includes('now CONTROLS'), 10_000, 'control active');

    await sees(h);
    await controls(h);

    agent.write('q');
    assert.equal(await agent.exited, 0, agent.stderr);
    assert.equal((await h.state()).state, 'ended');
    await h.context.close();
  });

  test('agent doctor: backend, monitors and a screenshot; no session named', () => {
    const { bin } = build();
    const shot = path.join(rigDir, 'shot.png');
    const ok = spawnSync(bin, ['agent', 'doctor', '--backend', 'mutter', '--screenshot', shot], { env, encoding: 'utf8', timeout: 60_000 });
    assert.equal(ok.status, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /^Session: wayland/m);
    assert.match(ok.stdout, /^Backend: mutter/m);
    assert.match(ok.stdout, /^ {2}0: \S+ 1280x720 at 0,0 \(primary\)$/m);
    assert.match(ok.stdout, /^Screenshot: .* \(1280x720\)$/m);
    const png = readFileSync(shot);
    assert.deepEqual([...png.subarray(1, 4)], [0x50, 0x4e, 0x47], 'a PNG file');
    assert.equal(png.readUInt32BE(16), 1280);
    assert.equal(png.readUInt32BE(20), 720);
  });

  test('agent doctor: the sharer cancelling the portal\'s dialog is named', async () => {
    const { bin } = build();
    // Left to itself on Wayland the agent uses the portal; no restore token is kept yet, so the
    // portal asks, and the sharer cancels.
    const doctor = run(bin, ['agent', '--config-dir', enrolled.configDir, 'doctor'], { env });
    const answered = await run('/usr/bin/python3', [path.join(ROOT, 'tests/wayland/portal_dialog.py'), 'cancel', '90'], { env });
    assert.equal(answered.status, 0, answered.stdout + answered.stderr);
    const auto = await doctor;
    assert.notEqual(auto.status, 0);
    assert.match(auto.stdout, /^Backend: portal .*chosen from the session/m);
    assert.match(auto.stdout, /^Restore token: none yet in /m);
    assert.match(auto.stderr, /capture is not possible: portal: choosing the screen to share: refused in the desktop's dialog|capture is not possible: portal: sharing the screen: refused in the desktop's dialog/);
    assert.ok(!existsSync(path.join(enrolled.configDir, 'portal-screencast.token')));
    // No session at all.
    const none = { ...env };
    for (const k of ['WAYLAND_DISPLAY', 'XDG_SESSION_TYPE', 'DISPLAY']) delete none[k];
    const bare = spawnSync(bin, ['agent', 'doctor'], { env: none, encoding: 'utf8', timeout: 60_000 });
    assert.notEqual(bare.status, 0);
    assert.match(bare.stderr, /neither WAYLAND_DISPLAY nor DISPLAY is set/);
  });

  test('portal backend: the sharer allows the screen and input in the portal\'s dialogs; the second session starts without a dialog', async () => {
    const tokenFile = path.join(enrolled.configDir, 'portal-screencast.token');
    const answer = (what) => run('/usr/bin/python3', [path.join(ROOT, 'tests/wayland/portal_dialog.py'), what, '90'], { env });
    rmSync(tokenFile, { force: true });

    // First session: the portal asks for the screen.
    let h = await openHelperSession(browser, server.url, helper, { viewport: { width: 1000, height: 700 } });
    let agent = enrolled.join(h.code, { env: { ...env, ASSIST_AGENT_LOG_TO: 'stderr', ASSIST_LOG: 'info,assist_agent::share=debug' } });
    const screenAnswered = await answer('screen');
    assert.equal(screenAnswered.status, 0, screenAnswered.stdout + screenAnswered.stderr);
    await agent.waitLine((l) => l.startsWith('Screen and input through Wayland through the desktop portal'), 30_000, 'backend line');
    await agent.waitLine((l) => l.startsWith('Helper: '), 20_000, 'trust line');
    const first = readFileSync(tokenFile, 'utf8').trim();
    assert.match(first, /^\S{8,}$/);
    assert.equal(statSync(tokenFile).mode & 0o777, 0o600);
    await h.request('control');
    await agent.waitLine((l) => l.includes('asks to CONTROL'), 10_000, 'control prompt');
    agent.write('allow');
    await agent.waitLine((l) => l.includes('now CONTROLS'), 10_000, 'control active');
    await sees(h);
    // The helper's first input makes the agent ask the portal for input: the sharer allows it.
    let inputAnswered;
    await controls(h, () => { inputAnswered = answer('input'); }).catch((e) => { throw new Error(`${e.message}\nagent: ${agent.stderr.slice(-3000)}`); });
    assert.equal((await inputAnswered).status, 0);
    agent.write('q');
    assert.equal(await agent.exited, 0, agent.stderr);
    assert.equal((await h.state()).state, 'ended');
    await h.context.close();

    // Second session: the kept token starts the screen without a dialog (nobody answers one
    // here; the agent would wait for it).
    h = await openHelperSession(browser, server.url, helper, { viewport: { width: 1000, height: 700 } });
    const t0 = Date.now();
    agent = enrolled.join(h.code, { env });
    await agent.waitLine((l) => l.startsWith('Screen and input through Wayland through the desktop portal'), 20_000, 'backend line without a dialog');
    const startMs = Date.now() - t0;
    await agent.waitLine((l) => l.startsWith('Helper: '), 20_000, 'trust line');
    await h.request('view');
    await agent.waitLine((l) => l.includes('asks to SEE'), 10_000, 'view prompt');
    agent.write('allow');
    await agent.waitLine((l) => l.includes('now SEES'), 10_000, 'view active');
    await sees(h);
    // The portal hands back a token with each start (the same one, on GNOME 43's): it is kept.
    assert.match(readFileSync(tokenFile, 'utf8').trim(), /^\S{8,}$/);
    assert.equal(statSync(tokenFile).mode & 0o777, 0o600);
    agent.write('q');
    assert.equal(await agent.exited, 0, agent.stderr);
    await h.context.close();
    console.log(`second portal session: agent up (screen restored) in ${startMs} ms`);

    // The doctor sees the kept grant and captures without a dialog.
    const shot = path.join(rigDir, 'portal-shot.png');
    const ok = spawnSync(build().bin, ['agent', '--config-dir', enrolled.configDir, 'doctor', '--screenshot', shot], { env, encoding: 'utf8', timeout: 60_000 });
    assert.equal(ok.status, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /^Backend: portal/m);
    assert.match(ok.stdout, /^Restore token: kept in /m);
    assert.match(ok.stdout, /^ {2}0: \S+ 1280x720 at 0,0 \(primary\)$/m);
    const png = readFileSync(shot);
    assert.equal(png.readUInt32BE(16), 1280);
    assert.equal(png.readUInt32BE(20), 720);
  });
}
