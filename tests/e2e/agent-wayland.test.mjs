// The native agent on Wayland end to end: a real headless GNOME Shell (tests/wayland/start.sh:
// Wayland, PipeWire, the desktop portal, one 1280x720 virtual monitor), the agent built with the
// `wayland` feature sharing it through GNOME's Mutter interfaces (`--backend mutter`), a real
// server, and the helper in real Chromium on the helper page (Chromium on its own Xvfb screen).
//
// Checked: the agent says which backend it uses; the helper's video is the GNOME screen
// (1280x720); in control the helper's typing arrives in a Wayland terminal (`foot` writing what it
// reads to a file) and two clicks land where the helper clicked (the terminal reports mouse
// presses as SGR sequences: same row, columns half a screen apart); `q` ends the session.
//
// Skipped with a message when the GNOME packages are missing here (never in CI, which installs
// them: .ci/run). Run: cd tests/e2e && node --test agent-wayland.test.mjs

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
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

const NEEDED = ['gnome-shell', 'pipewire', 'wireplumber', 'foot', 'dbus-daemon', 'pkg-config'];
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

  test('mutter backend: the helper sees GNOME, types into foot and clicks where intended', async () => {
    const h = await openHelperSession(browser, server.url, helper, { viewport: { width: 1000, height: 700 } });
    const agent = enrolled.join(h.code, { args: ['--backend', 'mutter'], env });
    await agent.waitLine((l) => l.startsWith('Screen and input through Wayland through GNOME'), 30_000, 'backend line');
    await agent.waitLine((l) => l.startsWith('Helper: '), 20_000, 'trust line');
    await h.request('control');
    await agent.waitLine((l) => l.includes('asks to CONTROL'), 10_000, 'control prompt');
    agent.write('allow');
    await agent.waitLine((l) => l.includes('now CONTROLS'), 10_000, 'control active');

    await h.page.waitForFunction(() => {
      const v = document.getElementById('screen');
      return v && v.videoWidth > 0 && v.getVideoPlaybackQuality().totalVideoFrames > 0;
    }, null, { timeout: 60_000 });
    const size = await h.page.evaluate(() => [document.getElementById('screen').videoWidth, document.getElementById('screen').videoHeight]);
    assert.deepEqual(size, [1280, 720]);

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
    for (let i = 0; i < 40 && presses(typed()).length === 0; i++) {
      await click(0.5);
      await h.page.keyboard.press('Enter');
      await new Promise((r) => setTimeout(r, 500));
    }
    assert.ok(presses(typed()).length > 0, `a click reached foot: ${JSON.stringify(typed())}`);

    await h.page.keyboard.type('Hello Wayland 42!');
    await h.page.keyboard.press('Enter');
    await until(() => typed().includes('Hello Wayland 42!\n'), 20_000, `typed text in ${JSON.stringify(typed())}`);

    const before = presses(typed()).length;
    await click(0.25);
    await click(0.75);
    await h.page.keyboard.press('Enter');
    await until(() => presses(typed()).length >= before + 2 && typed().endsWith('\n'), 20_000, 'two clicks');
    const p = presses(typed()).slice(-2);
    assert.equal(p[0][1], p[1][1], `same row: ${JSON.stringify(p)}`);
    const cell = 640 / (p[1][0] - p[0][0]);
    assert.ok(cell >= 4 && cell < 20, `columns half a screen apart (cell ${cell} px): ${JSON.stringify(p)}`);

    agent.write('q');
    assert.equal(await agent.exited, 0, agent.stderr);
    assert.equal((await h.state()).state, 'ended');
    await h.context.close();
  });
}
