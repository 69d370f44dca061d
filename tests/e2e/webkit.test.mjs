// The web app in WebKit, the engine Safari uses: Debian's WebKitWebDriver driving MiniBrowser
// (lib/webdriver.mjs) on a private Xvfb. Sign-in; the helper's session page (code, the sharer's
// trust details and warnings, asking for view only, ending with a summary) with a Chromium sharer;
// and the sharer's side (code typed, the helper's trust screen, the consent question, chat both
// ways, deny) with a Chromium helper.
//
// What WebKit cannot do here (docs/testing.md): Debian's WebKitGTK is built without WebRTC
// (`RTCPeerConnection` is undefined), so no screen reaches a helper from or to WebKit; the media
// path is covered in Chromium and Firefox. getDisplayMedia itself works (a mock screen).
//
// Run: cd tests/e2e && npm ci && ./netns.sh node --test webkit.test.mjs
// (netns.sh: the Chromium side launches with WebRTC flags; nothing here may reach another address.)
// Needs webkit2gtk-driver (WebKitWebDriver, MiniBrowser) and chromium; without WebKit the tests are
// skipped with a message, except in CI (CI set), where they fail. Screenshots:
// target/e2e-screenshots/webkit-*.png.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, waitFor } from './lib/browser.mjs';
import { startXvfb } from './lib/xvfb.mjs';
import { WEBKIT_DRIVER, hasWebKit, startWebKitDriver } from './lib/webdriver.mjs';
import {
  chromiumPage,
  helperOpens,
  serverWithPair,
  sharerJoinsWithCode,
  signInThroughPage,
  waitPath,
  waitText,
} from './lib/pages.mjs';

const skip = !hasWebKit() && !process.env.CI ? `${WEBKIT_DRIVER} is not installed (Debian: apt-get install webkit2gtk-driver)` : false;
if (skip) console.log(`SKIP webkit.test.mjs: ${skip}`);

let server;
let xvfb;
let driver;
let chromium;
let helper;
let sharer;
const figures = {};

before(async () => {
  if (skip) return;
  ({ server, helper, sharer } = await serverWithPair());
  xvfb = await startXvfb(1280, 800);
  driver = await startWebKitDriver({ display: xvfb.display });
  chromium = await launch({ media: true });
});

after(async () => {
  await chromium?.close();
  await driver?.stop();
  await xvfb?.stop();
  await server?.stop();
  if (Object.keys(figures).length) console.log('figures', JSON.stringify(figures));
});

/** A new MiniBrowser (its own profile) for one test; closed by the caller with quit(). */
async function webkit() {
  const started = Date.now();
  const wk = await driver.session();
  figures.webkit_session_ms = Date.now() - started;
  return wk;
}

async function chromiumSide() {
  const ctx = await chromium.newContext({ locale: 'en-GB', viewport: { width: 1280, height: 900 } });
  return { ctx, p: chromiumPage(await ctx.newPage()) };
}

test('WebKit: sign-in, the helper’s session page with a Chromium sharer, asking for view only, the end summary', { skip }, async () => {
  const wk = await webkit();
  const s = await chromiumSide();
  try {
    assert.equal(await wk.evaluate(() => typeof RTCPeerConnection), 'undefined', 'this WebKit has no WebRTC (docs/testing.md)');
    // Sign-in: a wrong password is refused in words on the page, then the right one goes on.
    await wk.goto(`${server.url}/signin?next=/rhh`);
    await wk.enabled('#signin-form button[type="submit"]');
    await wk.fill('#signin-email', helper.email);
    await wk.fill('#signin-password', 'not the password');
    await wk.click('#signin-form button[type="submit"]');
    await wk.visible('#signin-error');
    assert.match(await wk.text('#signin-error'), /Wrong email or password/);
    assert.equal(new URL(await wk.url()).pathname, '/signin', 'still on the sign-in page, no raw JSON');
    await wk.screenshot('webkit-signin-error');
    await wk.fill('#signin-password', helper.password);
    await wk.click('#signin-form button[type="submit"]');
    const id = (await waitPath(wk, /^\/sessions\/[0-9a-f]{32}$/)).split('/').pop();
    const code = (await waitText(wk, '#code', /^[2-9a-z]{4} [2-9a-z]{4}$/)).trim();
    assert.match(await wk.attr('#code-link', 'href'), /\/rh\?passcode=/);
    await wk.screenshot('webkit-session-code');

    // A Chromium sharer types the code; the WebKit helper sees who joined and the warnings.
    await signInThroughPage(s.p, server.url, sharer, '/rh');
    await sharerJoinsWithCode(s.p, code, 'Hana Kato');
    await wk.visible('#presence[data-status="online"]');
    await waitText(wk, '#trust [data-field="full_name"]', /^Sami Haddad$/);
    assert.equal(await wk.text('#trust [data-field="company"]'), 'Example Ltd');
    const warnings = await wk.evaluate(() => [...document.querySelectorAll('#warnings > li')].map((e) => e.dataset.code).sort());
    assert.deepEqual(warnings, ['device_not_enrolled', 'sharer_unverified']);
    assert.equal(
      await wk.evaluate(() => !document.getElementById('code-panel').closest('[hidden]') && document.getElementById('code-panel').getClientRects().length > 0),
      false,
      'the code is gone once used',
    );
    await wk.screenshot('webkit-session-trust');

    // Asking for view only reaches the sharer's consent question.
    await wk.visible('#request-view');
    await wk.click('#request-view');
    await s.p.visible('#consent-panel');
    assert.match(await s.p.text('#consent-question'), /view your screen/);

    // The helper ends: both sides see the summary.
    await wk.click('#end-session');
    await wk.visible('#summary');
    await s.p.visible('#summary');
    assert.match(await wk.text('#summary-lines'), /No screen was shared/);
    const state = await (await fetch(`${server.url}/api/sessions/${id}`, { headers: { Cookie: `assist_session=${helper.client.token}` } })).json();
    assert.equal(state.state, 'ended');
    await wk.screenshot('webkit-session-summary');
  } finally {
    await wk.quit();
    await s.ctx.close();
  }
});

test('WebKit sharer: code typed, the helper’s trust screen, the consent question, chat both ways, deny', { skip }, async () => {
  const h = await chromiumSide();
  const wk = await webkit();
  try {
    await signInThroughPage(h.p, server.url, helper, '/');
    const { code } = await helperOpens(h.p, server.url);

    await signInThroughPage(wk, server.url, sharer, '/rh');
    await sharerJoinsWithCode(wk, code, 'Hana Kato');
    assert.equal(await wk.text('#trust [data-field="job_title"]'), 'Service desk');
    assert.equal(await wk.text('#trust [data-field="company"]'), 'Example Ltd');
    await wk.screenshot('webkit-sharer-trust');

    await h.p.visible('#presence[data-status="online"]');
    await h.p.click('#request-view');
    await wk.visible('#consent-panel');
    assert.match(await wk.text('#consent-question'), /view your screen/);
    await wk.visible('#allow');
    await wk.screenshot('webkit-sharer-consent');

    // Chat both ways, right to left included.
    await wk.fill('#chat-input', 'مرحبا، الطابعة لا تعمل');
    await wk.pressEnter('#chat-input');
    await waitText(h.p, '.chat-log', /الطابعة/);
    await h.p.fill('#chat-input', 'Hello from the helper');
    await h.p.pressEnter('#chat-input');
    await waitText(wk, '.chat-log', /Hello from the helper/);
    const shown = await wk.evaluate(() => [...document.querySelectorAll('.chat-text')].map((p) => [p.textContent, getComputedStyle(p).direction]));
    assert.deepEqual(shown, [['مرحبا، الطابعة لا تعمل', 'rtl'], ['Hello from the helper', 'ltr']]);
    await wk.screenshot('webkit-sharer-chat');

    // Deny: the sharer is told in words, the helper's page says so.
    await wk.click('#deny');
    await waitText(wk, '#end-notice', /denied/i);
    await waitFor(async () => (await h.p.attr('#live-session', 'data-state')) === 'denied', 10000, 'the helper to see the denial');
  } finally {
    await wk.quit();
    await h.ctx.close();
  }
});
