// The web app over TLS in real Chromium: a server with its self-signed certificate
// (`--tls self-signed`), a helper and a sharer each in their own browser context. Pages, API
// calls and both live sockets (wss://) go through the server's own TLS stream
// (crates/server/src/tls/stream.rs): code, trust screen, chat both ways with messages larger than
// the WebSocket read buffer and than one TLS record, and the leave notice when the sharer's tab
// closes.
//
// Run: cd tests/e2e && npm ci && node --test tls.test.mjs

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, createUser } from './lib/server.mjs';
import { launch, waitFor } from './lib/browser.mjs';

// The test's own API client (Node's fetch) talks to the self-signed server too. This file runs
// in a process of its own (node --test), so this reaches no other test.
process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';

let server;
let browser;
let helper;
let sharer;

// Records the page's WebSockets (test instrumentation, not in the product).
const RECORD_SOCKETS = () => {
  window.__socketUrls = [];
  const Original = window.WebSocket;
  window.WebSocket = class extends Original {
    constructor(url, ...rest) {
      super(url, ...rest);
      window.__socketUrls.push(String(url));
    }
  };
};

before(async () => {
  server = await startServer({ tls: 'self-signed' });
  assert.match(server.url, /^https:\/\/127\.0\.0\.1:\d+$/);
  await server.admin.put('/api/settings', { remote_help_enabled: true, allow_unenrolled_devices: true });
  helper = await createUser(server, { email: 'hana@example.com', fullName: 'Hana Kato', role: 'Help Desk Operator' });
  sharer = await createUser(server, { email: 'sami@example.com', fullName: 'Sami Haddad' });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function pageFor(user) {
  // The certificate is the server's own self-signed one: the browser is told to accept it.
  const ctx = await browser.newContext({ ignoreHTTPSErrors: true, locale: 'en-GB' });
  await ctx.addCookies([user.client.cookie]);
  await ctx.addInitScript(RECORD_SOCKETS);
  return { ctx, page: await ctx.newPage() };
}

test('a whole session over TLS: pages, wss:// live sockets, long chat messages, leave notice', async () => {
  const h = await pageFor(helper);
  await h.page.goto(`${server.url}/rhh`);
  await h.page.waitForURL(/\/sessions\/[0-9a-f]{32}$/);
  await h.page.locator('#code').filter({ hasText: /\S/ }).waitFor();
  const link = await h.page.locator('#code-link').getAttribute('href');
  assert.ok(link.startsWith(`${server.url}/rh?passcode=`), `the link is on the TLS origin: ${link}`);

  const s = await pageFor(sharer);
  await s.page.goto(link); // the link joins by itself
  await s.page.locator('#trust [data-field="full_name"]').filter({ hasText: 'Hana Kato' }).waitFor();
  await h.page.locator('#trust [data-field="full_name"]').filter({ hasText: 'Sami Haddad' }).waitFor();
  await h.page.locator('#presence[data-status="online"]').waitFor();

  for (const page of [h.page, s.page]) {
    const urls = await page.evaluate(() => window.__socketUrls);
    assert.ok(urls.length > 0, 'the page opened a live socket');
    for (const u of urls) assert.ok(u.startsWith('wss://127.0.0.1:'), `a TLS live socket: ${u}`);
  }

  // The longest message allowed (2,000 characters; 6,000 bytes in UTF-8 here) is larger than the
  // server's 1 KiB WebSocket read buffer; the other two are small.
  const long = '漢字かな交じり文'.repeat(250);
  const messages = [
    [h.page, 'Hello over TLS'],
    [s.page, long],
    [h.page, `${'x'.repeat(1999)}!`],
    [s.page, 'شكرا'],
  ];
  for (const [page, text] of messages) {
    await page.fill('#chat-input', text);
    await page.press('#chat-input', 'Enter');
  }
  for (const page of [h.page, s.page]) {
    await waitFor(async () => (await page.locator('.chat-text').count()) === messages.length, 10000, 'all messages');
    assert.deepEqual(await page.locator('.chat-text').allTextContents(), messages.map(([, t]) => t), 'in order, whole');
  }

  // The sharer closes the tab: the helper is told within 2 s, over TLS as over plain HTTP.
  const watching = h.page.evaluate(
    () =>
      new Promise((resolve) => {
        const el = document.getElementById('presence');
        const check = () => el.dataset.status === 'left' && (resolve(Date.now()), true);
        if (!check()) new MutationObserver(check).observe(el, { attributes: true, childList: true, subtree: true });
      }),
  );
  const closedAt = Date.now();
  await s.page.close({ runBeforeUnload: false });
  const noticeMs = (await watching) - closedAt;
  assert.ok(noticeMs <= 2000, `told in ${noticeMs} ms`);
  console.log('figures', JSON.stringify({ leave_notice_over_tls_ms: noticeMs }));

  await h.ctx.close();
  await s.ctx.close();
});
