// Clipboard text between helper and sharer, end to end: a real server, the enrolled agent on a
// private Xvfb, the helper in real Chromium on the helper page, and an X application on the
// sharer's desktop (`crates/agent/examples/clipboard_probe.rs`) that copies and pastes CLIPBOARD.
//
// The helper's Chromium runs on an X display of its own (on X11 its clipboard is its display's
// CLIPBOARD). Checked: while the session is view only nothing goes either way (a copy on the sharer's side
// does not reach the page, clipboard text sent on the data channel is not set by the agent); in
// control, the helper's "Send clipboard" puts the helper's clipboard text on the sharer's
// CLIPBOARD (the probe pastes it), and a copy on the sharer's side, short or long (pieces), lands
// on the helper's clipboard with the "copied from the sharer" note.
//
// Network: as agent.test.mjs, re-run in a loopback-only network namespace when needed.
//
// Run: cd tests/e2e && npm ci && node --test clipboard.test.mjs   (needs Xvfb and /usr/bin/chromium)

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { buildBinaries, createUser, startServer } from './lib/server.mjs';
import { helperSession as openHelperSession, launch, waitFor } from './lib/browser.mjs';
import { proc } from './lib/proc.mjs';
import { startXvfb } from './lib/xvfb.mjs';
import { enrollAgent } from './lib/agent.mjs';

const FILE = fileURLToPath(import.meta.url);
const HELPER = { email: 'helen@example.com', fullName: 'Helen Helper', role: 'Help Desk Operator' };
const SHARER = { email: 'sam@example.com', fullName: 'Sam Sharer' };

const inNamespace = process.env.ASSIST_E2E_NETNS === '1';
const hasOutside = Object.values(os.networkInterfaces()).flat().some((a) => a && !a.internal);

const build = () => buildBinaries({ examples: [['assist-agent', 'clipboard_probe']] });

if (!inNamespace && hasOutside) {
  test('clipboard end to end, re-run in a loopback-only network namespace', () => {
    build();
    const env = { ...process.env, ASSIST_E2E_NETNS: '1', ASSIST_E2E_BUILT: '1' };
    delete env.NODE_TEST_CONTEXT;
    const r = spawnSync('unshare', ['--net', '--', 'sh', '-c', 'ip link set lo up && exec node "$0"', FILE], { stdio: 'inherit', env });
    assert.equal(r.status, 0, 'the clipboard tests failed in the namespace (see above)');
  });
} else {
  let xvfb;
  let helperXvfb;
  let server;
  let helper;
  let enrolled;
  let probe;
  let browser;

  before(async () => {
    const { bin, examples } = build();
    xvfb = await startXvfb(1280, 720);
    server = await startServer({ timeoutMs: 60_000 });
    await server.admin.put('/api/settings', { remote_help_enabled: true });
    await server.admin.post('/api/domains', { domain: 'example.com' });
    helper = await createUser(server, HELPER);
    const sharer = await createUser(server, SHARER);
    enrolled = await enrollAgent(server, { bin, email: sharer.email, password: sharer.password, name: 'e2e-laptop' });
    probe = proc(examples.clipboard_probe, [], { env: { ...process.env, DISPLAY: xvfb.display } });
    await probe.waitLine((l) => l === 'READY', 10_000, 'READY');
    // The helper's browser on a display of its own: Chromium's clipboard on X11 is its display's
    // CLIPBOARD, which must not be the sharer's.
    helperXvfb = await startXvfb(1280, 720);
    browser = await launch({ display: helperXvfb.display, loopback: true });
  });

  after(async () => {
    await browser?.close().catch(() => {});
    await probe?.stop();
    await server?.stop();
    await xvfb?.stop();
    await helperXvfb?.stop();
    enrolled?.remove();
  });

  /** The probe copies `text` (it owns CLIPBOARD until someone else copies). */
  async function probeCopies(text) {
    const from = probe.lines.length;
    probe.write(`copy ${JSON.stringify(text)}`);
    await probe.waitLine((l) => l === 'COPIED', 5_000, 'COPIED', from);
  }

  /** What the probe pastes from CLIPBOARD. */
  async function probePastes() {
    const from = probe.lines.length;
    probe.write('paste');
    const line = await probe.waitLine((l) => l.startsWith('PASTED '), 5_000, 'PASTED', from);
    const rest = line.slice('PASTED '.length);
    return rest === 'none' ? null : JSON.parse(rest);
  }

  test('clipboard text goes both ways in control, and not at all while view only', async () => {
    const h = await openHelperSession(browser, server.url, helper, {
      viewport: { width: 620, height: 600 },
      init: () => {
        const create = RTCPeerConnection.prototype.createDataChannel;
        RTCPeerConnection.prototype.createDataChannel = function (...args) {
          const ch = create.apply(this, args);
          window.__inputChannel = ch;
          return ch;
        };
      },
    });
    await h.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    const clipboardText = () => h.page.evaluate(() => navigator.clipboard.readText());
    const note = () => h.page.evaluate(() => document.getElementById('clipboard-note').dataset.key || '');
    await h.page.evaluate(() => navigator.clipboard.writeText('helper before'));

    const agent = enrolled.join(h.code, { display: xvfb.display });
    await agent.waitLine((l) => l.startsWith('Helper: '), 20_000, 'trust line');

    // View only: nothing goes either way, and the page offers no clipboard control.
    await h.request('view');
    await agent.waitLine((l) => l.includes('asks to SEE'), 10_000, 'view prompt');
    agent.write('a');
    await agent.waitLine((l) => l.includes('now SEES'), 10_000, 'view active');
    await h.page.waitForFunction(() => window.__inputChannel && window.__inputChannel.readyState === 'open', null, { timeout: 30_000 });
    assert.equal(await h.page.evaluate(() => document.getElementById('clipboard-send').hidden), true);
    await probeCopies('secret while viewing');
    await h.page.evaluate(() => window.__inputChannel.send(JSON.stringify({ type: 'clipboard', selection: 'clipboard', text: 'pushed while viewing' })));
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(await clipboardText(), 'helper before', 'the sharer’s copy did not reach the helper');
    assert.equal(await probePastes(), 'secret while viewing', 'the agent did not set the sharer’s clipboard');
    assert.ok(!agent.lines.some((l) => l.includes('put text on your clipboard')), agent.lines.join('\n'));

    // Control: the page shows "Send clipboard" once the server allows it.
    await h.request('control');
    await agent.waitLine((l) => l.includes('asks to CONTROL'), 10_000, 'control prompt');
    agent.write('allow');
    await agent.waitLine((l) => l.includes('now CONTROLS'), 10_000, 'control active');
    await agent.waitLine((l) => l.startsWith('Clipboard: text you copy now goes to the helper'), 10_000, 'clipboard shared');
    await h.page.waitForFunction(() => !document.getElementById('clipboard-send').hidden, null, { timeout: 10_000 });

    // Helper → sharer.
    const toSharer = 'sudo apt install ./treiber_1.2.deb # grüß dich ✓ 日本';
    await h.page.evaluate((t) => navigator.clipboard.writeText(t), toSharer);
    const said = agent.lines.length;
    await h.page.click('#clipboard-send');
    await agent.waitLine((l) => l.startsWith('The helper put text on your clipboard'), 10_000, 'clipboard set', said);
    assert.equal(await note(), 'clipboard-sent');
    assert.equal(await probePastes(), toSharer);
    assert.ok(probe.lines.includes('LOST'), 'the agent took CLIPBOARD from the probe');

    // Sharer → helper: a short copy, then a long one that goes in pieces.
    for (const text of ['from the sharer: ünï € 粘贴', 'Zeile ✓ 😀 '.repeat(20_000)]) {
      await probeCopies(text);
      await waitFor(async () => (await clipboardText()) === text, 15_000, `the helper's clipboard to hold ${text.length} characters`);
      assert.equal(await note(), 'clipboard-copied');
    }
    const shown = await h.page.evaluate(() => document.getElementById('clipboard-note').textContent);
    assert.ok(shown.length > 0 && shown !== 'clipboard-copied', `a sentence, not a key: ${shown}`);

    agent.write('q');
    assert.equal(await agent.exited, 0, agent.stderr);
    await h.context.close();
  });
}
