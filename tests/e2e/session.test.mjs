// The live pages in real Chromium: a helper (one browser context) and a sharer (another) go
// through a whole session: code, trust screen, view-only consent, the sharer's screen arriving as
// real video frames, chat in Chinese, Arabic and English (with a <script> shown as text), and the
// helper told at once when the sharer closes the tab. Then the deny path, a Read Only Operator,
// the end notice, the pages in Arabic and Japanese, and axe-core when installed.
//
// Run: cd tests/e2e && npm ci && ./netns.sh node --test session.test.mjs
// (netns.sh runs the test in a network namespace with only loopback: see docs/protocol.md, WebRTC).
// Screen capture: TESTING.md mode B (fake screen). Screenshots go to target/e2e-screenshots/.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { startServer, createUser } from './lib/server.mjs';
import { launch, screenshot, videoPixels, waitFor } from './lib/browser.mjs';

let server;
let browser;
let helper;
let sharer;
let reader;
const figures = {};

// Records every RTCPeerConnection and WebSocket of a page, and lets a test refuse new sockets
// for a while (test instrumentation, not in the product).
const RECORD_PCS = () => {
  window.__pcs = [];
  const Original = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends Original {
    constructor(...args) {
      super(...args);
      window.__pcs.push(this);
    }
  };
  window.__sockets = [];
  window.__blockSockets = false;
  const OriginalWs = window.WebSocket;
  window.WebSocket = class extends OriginalWs {
    constructor(...args) {
      if (window.__blockSockets) throw new Error('blocked by the test');
      super(...args);
      window.__sockets.push(this);
    }
  };
};

before(async () => {
  server = await startServer();
  await server.admin.put('/api/settings', { remote_help_enabled: true, allow_unenrolled_devices: true });
  helper = await createUser(server, {
    email: 'hana@example.com',
    fullName: 'Hana Kato',
    jobTitle: 'Service desk',
    company: 'Example Ltd',
    role: 'Help Desk Operator',
  });
  sharer = await createUser(server, { email: 'sami@example.com', fullName: 'Sami Haddad', company: 'Example Ltd' });
  reader = await createUser(server, {
    email: 'rita@example.com',
    fullName: 'Rita Reader',
    jobTitle: 'Trainee',
    role: 'Read Only Operator',
  });
  browser = await launch({ media: true });
});

after(async () => {
  await browser?.close();
  await server?.stop();
  if (Object.keys(figures).length) console.log('figures', JSON.stringify(figures));
});

async function contextFor(user, { locale = 'en-GB' } = {}) {
  const ctx = await browser.newContext({ locale, viewport: { width: 1280, height: 900 } });
  await ctx.addCookies([user.client.cookie]);
  await ctx.addInitScript(RECORD_PCS);
  return ctx;
}

/** The helper opens /rhh; resolves with the page, the code and the link. */
async function helperStarts(user = helper) {
  const ctx = await contextFor(user);
  const page = await ctx.newPage();
  await page.goto(`${server.url}/rhh`);
  // /rhh creates the session and goes on to its page, which shows the code while waiting.
  await page.waitForURL(/\/sessions\/[0-9a-f]{32}$/);
  await page.locator('#code').filter({ hasText: /\S/ }).waitFor();
  const code = (await page.locator('#code').textContent()).trim();
  const link = await page.locator('#code-link').getAttribute('href');
  return { ctx, page, code, link };
}

/** The sharer opens the link and connects; resolves with the page and when Connect was pressed. */
async function sharerJoins(link) {
  const ctx = await contextFor(sharer);
  const page = await ctx.newPage();
  const started = Date.now();
  // The link joins by itself: nobody types or presses anything.
  await page.goto(link);
  await page.locator('#trust [data-field="full_name"]').filter({ hasText: /\S/ }).waitFor();
  return { ctx, page, started };
}

/** axe-core's serious and critical violations on a page, or null when axe-core is not installed. */
async function axeViolations(page) {
  let axePath;
  try {
    axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
  } catch {
    return null;
  }
  // Evaluated through the DevTools protocol: the page's CSP forbids injected script tags.
  await page.evaluate(readFileSync(axePath, 'utf8'));
  const result = await page.evaluate(async () => window.axe.run(document, { resultTypes: ['violations'] }));
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** framesDecoded and size of the helper's incoming video. */
async function videoStats(page) {
  return page.evaluate(async () => {
    const v = document.getElementById('screen');
    let frames = 0;
    for (const pc of window.__pcs || []) {
      if (pc.connectionState === 'closed') continue;
      const stats = await pc.getStats();
      stats.forEach((s) => {
        if (s.type === 'inbound-rtp' && s.kind === 'video') frames = Math.max(frames, s.framesDecoded || 0);
      });
    }
    return { frames, width: v.videoWidth, height: v.videoHeight };
  });
}

/** Candidate addresses in both descriptions of every connection of a page. */
async function candidateAddresses(page) {
  return page.evaluate(() => {
    const out = [];
    for (const pc of window.__pcs || []) {
      for (const d of [pc.localDescription, pc.remoteDescription]) {
        for (const line of (d && d.sdp ? d.sdp : '').split(/\r?\n/)) {
          const m = /^a=candidate:\S+ \d+ \S+ \d+ (\S+) \d+ typ/.exec(line);
          if (m) out.push(m[1]);
        }
      }
    }
    return out;
  });
}

test('a helper and a web sharer: code, trust screen, view only, video, chat, leave', async () => {
  const h = await helperStarts();
  assert.match(h.code, /^[2-9a-z]{4} [2-9a-z]{4}$/, 'the code is shown grouped');
  assert.ok(h.link.includes('/rh?passcode='), 'the link carries the code');
  await screenshot(h.page, 'session-code');

  const s = await sharerJoins(h.link);
  assert.equal(await s.page.locator('#trust [data-field="full_name"]').textContent(), 'Hana Kato');
  assert.equal(await s.page.locator('#trust [data-field="job_title"]').textContent(), 'Service desk');
  assert.equal(await s.page.locator('#trust [data-field="company"]').textContent(), 'Example Ltd');

  // The helper's page shows the sharer in place of the code.
  await h.page.locator('#trust [data-field="full_name"]').filter({ hasText: 'Sami Haddad' }).waitFor();
  await h.page.locator('#presence[data-status="online"]').waitFor();
  const joinedAt = Date.now();
  figures.connect_to_helper_trust_ms = joinedAt - s.started;
  assert.ok(await h.page.locator('#code-panel').isHidden(), 'the code is gone once used');
  const warnings = await h.page.locator('#warnings > li').evaluateAll((els) => els.map((e) => e.dataset.code));
  assert.deepEqual(warnings.sort(), ['device_not_enrolled', 'sharer_unverified']);
  assert.ok(await h.page.locator('#request-control').isVisible(), 'a Help Desk Operator sees full control');
  assert.ok(await h.page.locator('#request-control').isDisabled(), '…disabled for a web sharer');
  await h.page.click('#request-view');
  await s.page.locator('#consent-panel').waitFor({ state: 'visible' });
  figures.request_to_consent_prompt_ms = Date.now() - joinedAt;
  const allowedAt = Date.now();
  await s.page.click('#allow');
  await s.page.locator('#sharing-bar').waitFor({ state: 'visible' });

  const first = await waitFor(async () => {
    const st = await videoStats(h.page);
    return st.frames > 0 && st.width > 0 ? st : null;
  }, 10000, 'the first video frame');
  figures.connect_to_first_frame_ms = Date.now() - s.started;
  figures.allow_to_first_frame_ms = Date.now() - allowedAt;
  figures.machine_time_code_to_frame_ms =
    figures.connect_to_helper_trust_ms + figures.request_to_consent_prompt_ms + figures.allow_to_first_frame_ms;
  await screenshot(h.page, 'session-trust');
  await new Promise((r) => setTimeout(r, 1000));
  const later = await videoStats(h.page);
  assert.ok(later.frames > first.frames, `frames keep coming (${first.frames} → ${later.frames})`);
  assert.ok(later.width > 0 && later.height > 0, `video has a size (${later.width}×${later.height})`);
  figures.video = `${later.width}x${later.height}`;
  figures.frames_per_second = later.frames - first.frames;

  const bright = (await videoPixels(h.page, { every: 97 })).every.filter(([r, g, b]) => r + g + b > 60).length;
  assert.ok(bright > 10, `the picture is not black (${bright} lit samples)`);

  const addresses = [...(await candidateAddresses(h.page)), ...(await candidateAddresses(s.page))];
  assert.ok(addresses.length > 0, 'candidates were exchanged');
  for (const a of addresses) assert.match(a, /^(127\.|::1$)/, `candidate ${a} is loopback`);
  figures.candidates = [...new Set(addresses)].join(',');
  await screenshot(h.page, 'session-video');
  await screenshot(s.page, 'rh-sharing');

  // Chat both ways, in order, each message in its own direction, <script> as text.
  const messages = [
    [h.page, '你好，我现在能看到你的屏幕。'],
    [s.page, 'مرحبا، الطابعة لا تعمل منذ الصباح'],
    [h.page, 'OK, <script>window.__pwned = 1</script> is just text'],
    [s.page, 'Thanks! 👍'],
  ];
  for (const [page, text] of messages) {
    await page.fill('#chat-input', text);
    await page.press('#chat-input', 'Enter');
    await page.locator('.chat-text', { hasText: text.slice(0, 8) }).first().waitFor();
  }
  for (const page of [h.page, s.page]) {
    await waitFor(async () => (await page.locator('.chat-text').count()) === messages.length, 5000, 'all messages');
    const shown = await page.locator('.chat-message').evaluateAll((els) =>
      els.map((li) => {
        const p = li.querySelector('.chat-text');
        return { id: Number(li.dataset.id), text: p.textContent, dir: p.dir, direction: getComputedStyle(p).direction };
      }),
    );
    assert.deepEqual(shown.map((m) => m.text), messages.map(([, t]) => t), 'in order, as sent');
    assert.deepEqual(shown.map((m) => m.id), [...shown.map((m) => m.id)].sort((a, b) => a - b));
    assert.ok(shown.every((m) => m.dir === 'auto'));
    assert.deepEqual(shown.map((m) => m.direction), ['ltr', 'rtl', 'ltr', 'ltr']);
    assert.equal(await page.locator('.chat-log script').count(), 0, 'no script element');
    assert.equal(await page.evaluate(() => window.__pwned), undefined);
  }
  await screenshot(h.page, 'session-chat');
  await screenshot(s.page, 'rh-chat');
  for (const [page, name] of [[h.page, 'session page'], [s.page, '/rh in a session']]) {
    const bad = await axeViolations(page);
    if (bad) assert.deepEqual(bad, [], `axe on the ${name}`);
  }

  // The sharer closes the tab: the helper is told within 2 s.
  const watching = h.page.evaluate(
    () =>
      new Promise((resolve) => {
        const el = document.getElementById('presence');
        const check = () => {
          if (el.dataset.status === 'left') {
            resolve({ at: Date.now(), text: el.textContent });
            return true;
          }
          return false;
        };
        if (!check()) new MutationObserver(() => check()).observe(el, { attributes: true, childList: true, subtree: true });
      }),
  );
  const closedAt = Date.now();
  await s.page.close({ runBeforeUnload: false });
  const told = await watching;
  figures.leave_notice_ms = told.at - closedAt;
  assert.match(told.text, /the sharer left/i);
  assert.ok(figures.leave_notice_ms <= 2000, `told in ${figures.leave_notice_ms} ms`);
  await screenshot(h.page, 'session-sharer-left');
  // One view model: the status line no longer says the helper is viewing the screen.
  assert.equal(await h.page.textContent('#session-status'), 'The sharer’s screen is paused.');

  await h.ctx.close();
  await s.ctx.close();
});

/** Helper and sharer with view only allowed and frames arriving. */
async function activeSession() {
  const h = await helperStarts();
  const s = await sharerJoins(h.link);
  await h.page.locator('#presence[data-status="online"]').waitFor();
  await h.page.click('#request-view');
  await s.page.locator('#consent-panel').waitFor({ state: 'visible' });
  await s.page.click('#allow');
  await waitFor(async () => (await videoStats(h.page)).frames > 0, 10000, 'frames');
  return { h, s };
}

async function sendChat(page, text) {
  await page.fill('#chat-input', text);
  await page.press('#chat-input', 'Enter');
}

async function chatTexts(page) {
  return page.locator('.chat-text').allTextContents();
}

test('reconnection: chat sent while away arrives once, video goes on; a reloaded sharer shares again', async () => {
  const { h, s } = await activeSession();
  await sendChat(s.page, 'before');
  await waitFor(async () => (await chatTexts(h.page)).includes('before'), 5000, 'first message');

  // The helper's socket drops and cannot come back for a moment.
  await h.page.evaluate(() => {
    window.__blockSockets = true;
    for (const ws of window.__sockets) ws.close();
  });
  await s.page.locator('#presence[data-status="left"]').waitFor({ timeout: 2000 });
  await sendChat(s.page, 'while you were away');
  await s.page.locator('.chat-text', { hasText: 'while you were away' }).waitFor();
  const framesAway = (await videoStats(h.page)).frames;
  await h.page.evaluate(() => {
    window.__blockSockets = false;
  });
  await s.page.locator('#presence[data-status="online"]').waitFor({ timeout: 3000 });
  await waitFor(async () => (await chatTexts(h.page)).includes('while you were away'), 5000, 'history merged');
  await sendChat(h.page, 'back');
  await waitFor(async () => (await chatTexts(s.page)).includes('back'), 5000, 'message after reconnection');
  assert.deepEqual(await chatTexts(h.page), ['before', 'while you were away', 'back'], 'each message once, in order');
  assert.ok((await videoStats(h.page)).frames > framesAway, 'the video did not stop');

  // The sharer reloads: the session resumes; sharing needs a click again, then frames come back.
  await s.page.reload();
  await s.page.locator('#share-again').waitFor({ state: 'visible' });
  await waitFor(async () => (await chatTexts(s.page)).length === 3, 5000, 'the thread after a reload');
  assert.deepEqual(await chatTexts(s.page), ['before', 'while you were away', 'back'], 'the thread survives a reload');
  await h.page.locator('#presence[data-status="online"]').waitFor();
  const reshareAt = Date.now();
  await s.page.click('#share-again');
  await s.page.locator('#sharing-bar').waitFor({ state: 'visible' });
  const before = (await videoStats(h.page)).frames;
  await waitFor(async () => (await videoStats(h.page)).frames > before + 5, 10000, 'frames after the reload');
  figures.reshare_to_frames_ms = Date.now() - reshareAt;
  await h.ctx.close();
  await s.ctx.close();
});

test('the sharer pauses, resumes and stops sharing without ending; the helper sees each', async () => {
  const { h, s } = await activeSession();
  const status = (page) => page.textContent('#session-status');
  const helperSays = (text) => h.page.locator('#session-status').filter({ hasText: text }).waitFor({ timeout: 5000 });
  await s.page.click('#pause-sharing');
  await helperSays('The sharer paused sharing their screen.');
  assert.equal(await status(s.page), 'Sharing is paused: your helper does not see your screen.');
  assert.equal(await s.page.textContent('#pause-sharing'), 'Resume');
  await s.page.click('#pause-sharing');
  await helperSays('You are viewing the sharer’s screen.');
  await s.page.click('#stop-sharing');
  await helperSays('The sharer stopped sharing their screen; the session goes on.');
  await s.page.locator('#share-again').waitFor({ state: 'visible' });
  assert.equal((await h.page.evaluate(() => document.getElementById('live-session').dataset.state)), 'active');
  await s.page.click('#share-again');
  await helperSays('You are viewing the sharer’s screen.');
  await waitFor(async () => (await videoStats(h.page)).frames > 0, 10000, 'frames again');
  await h.ctx.close();
  await s.ctx.close();
});

test('the helper\'s screen view: actual size shows the picture pixel for pixel, full screen fills the screen', async () => {
  const { h, s } = await activeSession();
  const width = () => h.page.evaluate(() => {
    const v = document.getElementById('screen');
    return { shown: Math.round(v.getBoundingClientRect().width), picture: v.videoWidth };
  });
  const fit = await width();
  assert.ok(fit.shown < fit.picture, `fitted: ${JSON.stringify(fit)}`);
  await h.page.click('#actual-size');
  assert.equal(await h.page.getAttribute('#actual-size', 'aria-pressed'), 'true');
  const actual = await width();
  assert.equal(actual.shown, actual.picture, 'pixel for pixel');
  await h.page.click('#actual-size');
  assert.equal((await width()).shown, fit.shown, 'fitted again');
  await h.page.click('#fullscreen');
  await h.page.waitForFunction(() => document.fullscreenElement?.id === 'screen-panel', null, { timeout: 5000 });
  await h.page.click('#fullscreen');
  await h.page.waitForFunction(() => !document.fullscreenElement, null, { timeout: 5000 });
  await h.ctx.close();
  await s.ctx.close();
});

test('the console lists my sessions', async () => {
  const ctx = await contextFor(helper);
  const page = await ctx.newPage();
  await page.goto(`${server.url}/`);
  await page.locator('#sessions').waitFor();
  const rows = await page.locator('#sessions-body tr').count();
  assert.ok(rows >= 1, `sessions listed (${rows})`);
  assert.ok((await page.locator('#sessions-body').textContent()).includes('Sami Haddad'));
  await screenshot(page, 'console');
  await page.click('#start-session');
  await page.waitForURL(/\/sessions\/[0-9a-f]{32}$/);
  await ctx.close();
});

test('a sharer who is not signed in signs in and the link joins without typing the code', async () => {
  const h = await helperStarts();
  const ctx = await browser.newContext({ locale: 'en-GB' });
  const page = await ctx.newPage();
  await page.goto(h.link);
  await page.locator('#signin-panel').waitFor({ state: 'visible' });
  assert.equal(await page.locator('#join-form').isVisible(), false);
  await page.click('#signin-link');
  await page.waitForURL(/\/signin\?next=/);
  await page.fill('#signin-email', sharer.email);
  await page.fill('#signin-password', sharer.password);
  await page.click('#signin-form button[type="submit"]');
  // Back on the link: the code is in the box and the page joins with it at once.
  await page.waitForURL(/\/rh/);
  await page.locator('#trust [data-field="full_name"]').filter({ hasText: 'Hana Kato' }).waitFor();
  assert.equal(await page.inputValue('#code-input'), new URL(h.link).searchParams.get('passcode'));
  assert.equal(new URL(page.url()).searchParams.get('passcode'), null, 'a reload does not try the used code again');
  await screenshot(page, 'rh-joined-from-link');
  await h.page.locator('#trust [data-field="full_name"]').filter({ hasText: 'Sami Haddad' }).waitFor();
  await ctx.close();
  await h.ctx.close();
});

test('a wrong code is refused with a message', async () => {
  const ctx = await contextFor(sharer);
  const page = await ctx.newPage();
  await page.goto(`${server.url}/rh`);
  await page.fill('#code-input', 'zzzz zzzz');
  await page.click('#join-button');
  await page.locator('#join-error').filter({ hasText: /no session has this code/i }).waitFor();
  assert.equal(await page.getAttribute('#code-input', 'aria-invalid'), 'true');
  await ctx.close();
});

test('a used code says so; after too many wrong codes the page says how long to wait', async () => {
  const h = await helperStarts();
  const s = await sharerJoins(h.link);
  await s.ctx.close();
  const late = await createUser(server, { email: 'lena@example.com', fullName: 'Lena Late' });
  const ctx = await contextFor(late);
  const page = await ctx.newPage();
  await page.goto(`${server.url}/rh`);
  await page.fill('#code-input', h.code);
  await page.click('#join-button');
  await page.locator('#join-error').filter({ hasText: /already been used/i }).waitFor();
  // Wrong codes until the account is locked out for a while.
  for (let i = 0; i < 12; i++) {
    await page.fill('#code-input', 'zzzz zzzz');
    await page.click('#join-button');
    await page.locator('#join-button:not([disabled])').waitFor();
    if (/try again in/i.test(await page.textContent('#join-error'))) break;
  }
  const shown = (await page.textContent('#join-error')).replace(/[\u2068\u2069]/g, '');
  assert.match(shown, /Too many attempts\. You can try again in \d+ (seconds?|minutes?)\./);
  await ctx.close();
  await h.ctx.close();
});

test('the deny path', async () => {
  const h = await helperStarts();
  const s = await sharerJoins(h.link);
  await h.page.waitForURL(/\/sessions\//);
  await h.page.locator('#request-view:not([disabled])').waitFor();
  await h.page.click('#request-view');
  await s.page.locator('#consent-panel').waitFor({ state: 'visible' });
  await s.page.click('#deny');
  await s.page.locator('#end-notice').filter({ hasText: /denied/i }).waitFor();
  await h.page.locator('#live-session[data-state="denied"]').waitFor();
  assert.match(await h.page.locator('#session-status').textContent(), /denied/i);
  assert.ok(!(await h.page.locator('#requests').isVisible()), 'nothing more to request');
  await h.ctx.close();
  await s.ctx.close();
});

test('a double click on Allow gives one answer and no error', async () => {
  const h = await helperStarts();
  const s = await sharerJoins(h.link);
  await h.page.waitForURL(/\/sessions\//);
  await h.page.locator('#request-view:not([disabled])').waitFor();
  await h.page.click('#request-view');
  await s.page.locator('#consent-panel').waitFor({ state: 'visible' });
  const consents = [];
  s.page.on('request', (r) => {
    if (r.method() === 'POST' && r.url().endsWith('/consent')) consents.push(r.url());
  });
  await s.page.dblclick('#allow');
  await h.page.locator('#live-session[data-state="active"]').waitFor();
  await s.page.locator('#live-sharer[data-state="active"]').waitFor();
  // Whatever was still in flight has landed.
  await s.page.waitForTimeout(500);
  assert.equal(consents.length, 1, 'one answer went to the server');
  assert.equal(await s.page.locator('#session-error').isVisible(), false, await s.page.locator('#session-error').textContent());
  await h.ctx.close();
  await s.ctx.close();
});

test('the sharer is told when the helper ends', async () => {
  const h = await helperStarts();
  const s = await sharerJoins(h.link);
  await h.page.waitForURL(/\/sessions\//);
  await h.page.locator('#end-session').waitFor({ state: 'visible' });
  await h.page.click('#end-session');
  await s.page.locator('#end-notice').filter({ hasText: /helper ended/i }).waitFor({ timeout: 3000 });
  await screenshot(s.page, 'rh-helper-ended');
  // Chat is on for this organisation: an ended session does not say it is turned off.
  for (const p of [h.page, s.page]) {
    assert.doesNotMatch(await p.locator('[data-chat-status]').textContent(), /turned off/);
    assert.equal(await p.locator('[data-chat-form] textarea, [data-chat-form] input').first().isDisabled(), true);
  }
  // One view model per page: no line still says anyone is connected, and the helper sees
  // a summary and can start another session (the sharer never shared: "No screen was shared.").
  await h.page.locator('#session-status').filter({ hasText: /^You ended the session\.$/ }).waitFor({ timeout: 3000 });
  assert.equal((await h.page.textContent('#presence')).trim(), '');
  assert.equal((await s.page.textContent('#presence')).trim(), '');
  assert.equal((await s.page.textContent('#connection')).trim(), '');
  assert.match(await h.page.textContent('#summary'), /No screen was shared/);
  assert.equal(await h.page.locator('#again').textContent(), 'Start another session');
  assert.match(await s.page.textContent('#summary'), /No screen was shared/);
  assert.equal(await s.page.getAttribute('#summary a#again', 'href'), '/rh');
  await h.ctx.close();
  await s.ctx.close();
});

test('a sharer page whose script is paused is seen lost, then back when it runs again', async () => {
  const h = await helperStarts();
  const s = await sharerJoins(h.link);
  await h.page.locator('#presence[data-status="online"]').waitFor({ timeout: 5000 });
  // The browser still answers WebSocket pings by itself; the page sends nothing.
  const cdp = await s.ctx.newCDPSession(s.page);
  await cdp.send('Debugger.enable');
  const paused = Date.now();
  await cdp.send('Debugger.pause');
  await h.page.locator('#presence[data-status="lost"]').waitFor({ timeout: 15_000 });
  figures.pausedSharerSeenLostMs = Date.now() - paused;
  assert.match(await h.page.textContent('#presence'), /connection to the sharer was lost/);
  await cdp.send('Debugger.resume');
  await h.page.locator('#presence[data-status="online"]').waitFor({ timeout: 15_000 });
  await cdp.detach();
  await h.ctx.close();
  await s.ctx.close();
});

test('a Read Only Operator sees no full control button', async () => {
  const h = await helperStarts(reader);
  const s = await sharerJoins(h.link);
  await h.page.waitForURL(/\/sessions\//);
  await h.page.locator('#request-view').waitFor({ state: 'visible' });
  assert.equal(await h.page.locator('#request-control').isVisible(), false);
  await h.ctx.close();
  await s.ctx.close();
});

test('the pages in Arabic (right to left) and Japanese', async () => {
  for (const [locale, lang, dir, viewOnly] of [
    ['ar', 'ar', 'rtl', 'عرض فقط'],
    ['ja-JP', 'ja', 'ltr', '表示のみ'],
  ]) {
    const ctx = await contextFor(helper, { locale });
    const page = await ctx.newPage();
    await page.goto(`${server.url}/rhh`);
    await page.waitForURL(/\/sessions\//);
    await page.locator('#code').filter({ hasText: /\S/ }).waitFor();
    assert.equal(await page.getAttribute('html', 'lang'), lang);
    assert.equal(await page.getAttribute('html', 'dir'), dir);
    await screenshot(page, `session-code-${lang}`);
    const link = await page.locator('#code-link').getAttribute('href');
    const s = await sharerJoins(link);
    await page.waitForURL(/\/sessions\//);
    await page.locator('#trust [data-field="full_name"]').filter({ hasText: 'Sami Haddad' }).waitFor();
    assert.equal(await page.getAttribute('html', 'dir'), dir);
    assert.equal(await page.evaluate(() => getComputedStyle(document.body).direction), dir);
    assert.equal((await page.locator('#request-view').textContent()).trim(), viewOnly, 'the page is translated');
    // Strings the scripts show come from the page, in its language. The sharer's socket must be
    // up (the helper sees it online) before its tab closes, or there is nothing to leave.
    await page.locator('#presence[data-status="online"]').waitFor();
    await s.page.close();
    await page.locator('#presence[data-status="left"]').waitFor();
    assert.notEqual((await page.locator('#presence').textContent()).trim(), 'The sharer left.');
    await screenshot(page, `session-${lang}`);
    await s.ctx.close();
    await ctx.close();
  }
});

test('axe-core: no serious or critical violation on /, /rhh, /rh', async (t) => {
  try {
    createRequire(import.meta.url).resolve('axe-core/axe.min.js');
  } catch {
    t.skip('axe-core is not installed in tests/e2e');
    return;
  }
  const ctx = await contextFor(helper);
  const page = await ctx.newPage();
  const sharerCtx = await contextFor(sharer);
  const sharerPage = await sharerCtx.newPage();
  for (const [p, path, ready] of [
    [page, '/', '#sessions:not([hidden]), #no-sessions:not([hidden])'],
    [page, '/rhh', '#code:not(:empty)'], // /rhh goes on to the session page showing the code
    [sharerPage, '/rh?passcode=abcd2345', '#join-form:not([hidden])'],
  ]) {
    await p.goto(`${server.url}${path}`);
    await p.locator(ready).first().waitFor();
    assert.deepEqual(await axeViolations(p), [], `axe on ${path}`);
  }
  await ctx.close();
  await sharerCtx.close();
});
