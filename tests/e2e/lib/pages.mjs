// One small set of page actions over the three drivers of the browser tests, so that one scenario
// runs in Chromium (playwright-core), Firefox (puppeteer-core over WebDriver BiDi) or WebKit
// (lib/webdriver.mjs, which gives its sessions the same actions): the cross-browser pairs of
// firefox.test.mjs and webkit.test.mjs put a helper in one engine and a sharer in another.
//
//   const p = chromiumPage(await ctx.newPage());   // or firefoxPage(page), or a WebKit session
//   await signInThroughPage(p, url, user, '/');
//   const { id, code } = await helperOpens(p, url);

import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { SCREENSHOTS, waitFor } from './browser.mjs';
import { createUser, startServer } from './server.mjs';

const TIMEOUT = 15_000;

/** A playwright-core page (Chromium). */
export function chromiumPage(page, name = 'chromium') {
  return {
    name,
    page,
    goto: (u) => page.goto(u),
    visible: (sel, timeout = TIMEOUT) => page.locator(sel).first().waitFor({ state: 'visible', timeout }),
    enabled: (sel, timeout = TIMEOUT) => page.locator(`${sel}:not([disabled])`).first().waitFor({ state: 'attached', timeout }),
    click: (sel) => page.click(sel),
    fill: (sel, text) => page.fill(sel, text),
    pressEnter: (sel) => page.press(sel, 'Enter'),
    text: async (sel) => (await page.locator(sel).first().textContent()) ?? '',
    attr: (sel, name) => page.locator(sel).first().getAttribute(name),
    evaluate: (fn, arg) => page.evaluate(fn, arg),
    url: () => page.url(),
    front: () => page.bringToFront(),
    screenshot: (file) => {
      mkdirSync(SCREENSHOTS, { recursive: true });
      return page.screenshot({ path: path.join(SCREENSHOTS, `${file}.png`), fullPage: true });
    },
  };
}

/** A puppeteer-core page (Firefox over WebDriver BiDi). */
export function firefoxPage(page, name = 'firefox') {
  return {
    name,
    page,
    goto: (u) => page.goto(u),
    visible: (sel, timeout = TIMEOUT) => page.waitForSelector(sel, { visible: true, timeout }),
    enabled: (sel, timeout = TIMEOUT) => page.waitForSelector(`${sel}:not([disabled])`, { timeout }),
    click: (sel) => page.click(sel),
    fill: async (sel, text) => {
      await page.$eval(sel, (e) => { e.value = ''; });
      await page.type(sel, text);
    },
    pressEnter: async (sel) => {
      await page.focus(sel);
      await page.keyboard.press('Enter');
    },
    text: (sel) => page.$eval(sel, (e) => e.textContent ?? ''),
    attr: (sel, name) => page.$eval(sel, (e, n) => e.getAttribute(n), name),
    evaluate: (fn, arg) => page.evaluate(fn, arg),
    url: () => page.url(),
    front: () => page.bringToFront(),
    screenshot: (file) => {
      mkdirSync(SCREENSHOTS, { recursive: true });
      return page.screenshot({ path: path.join(SCREENSHOTS, `${file}.png`), fullPage: true });
    },
  };
}

/** Waits until the text of `sel` matches `re`; resolves with the text. */
export async function waitText(p, sel, re, ms = TIMEOUT) {
  return waitFor(async () => {
    const t = await p.text(sel).catch(() => '');
    return re.test(t) ? t : null;
  }, ms, `${sel} to match ${re} in ${p.name}`);
}

/** Waits until the page's path is `pathname` (a string) or matches it (a RegExp). */
export async function waitPath(p, pathname, ms = TIMEOUT) {
  return waitFor(async () => {
    const now = new URL(await p.url()).pathname;
    return (typeof pathname === 'string' ? now === pathname : pathname.test(now)) ? now : null;
  }, ms, `${p.name} to reach ${pathname}`);
}

/**
 * Signs in on the sign-in page as a person would: the form's button is enabled once its script
 * has run; email, password, submit; the page goes on to `next`.
 */
export async function signInThroughPage(p, url, user, next) {
  await p.goto(`${url}/signin?next=${encodeURIComponent(next)}`);
  await p.enabled('#signin-form button[type="submit"]');
  await p.fill('#signin-email', user.email);
  await p.fill('#signin-password', user.password);
  await p.click('#signin-form button[type="submit"]');
  await waitPath(p, next.split('?')[0]);
}

/** The helper (signed in) opens /rhh; resolves with the session's id and the code shown. */
export async function helperOpens(p, url) {
  await p.goto(`${url}/rhh`);
  const id = (await waitPath(p, /^\/sessions\/[0-9a-f]{32}$/)).split('/').pop();
  const code = (await waitText(p, '#code', /\S/)).trim();
  return { id, code };
}

/** The sharer (signed in, on /rh) types the code and joins; resolves once the trust screen shows `helperName`. */
export async function sharerJoinsWithCode(p, code, helperName) {
  await p.visible('#join-form');
  await p.fill('#code-input', code);
  await p.click('#join-button');
  await p.visible('#trust');
  await waitText(p, '#trust [data-field="full_name"]', new RegExp(`^${helperName}$`));
}

/**
 * The helper's `<video id="screen">`: its size and how many of the sampled pixels (every 97th)
 * are not black.
 */
export async function helperVideo(p) {
  return p.evaluate(() => {
    const v = document.getElementById('screen');
    if (!v.videoWidth || !v.videoHeight) return { width: 0, height: 0, lit: 0 };
    const c = document.createElement('canvas');
    c.width = v.videoWidth;
    c.height = v.videoHeight;
    const g = c.getContext('2d');
    g.drawImage(v, 0, 0);
    const px = g.getImageData(0, 0, c.width, c.height).data;
    let lit = 0;
    for (let i = 0; i < px.length; i += 4 * 97) if (px[i] + px[i + 1] + px[i + 2] > 60) lit += 1;
    return { width: v.videoWidth, height: v.videoHeight, lit };
  });
}

/**
 * How many new frames the helper's `<video id="screen">` presents in `ms`, counted with
 * requestVideoFrameCallback (in both engines; Firefox's playback-quality counters stay at 0 for a
 * MediaStream).
 */
export async function helperFramesIn(p, ms = 1000) {
  return p.evaluate((ms) => new Promise((resolve) => {
    const v = document.getElementById('screen');
    let n = 0;
    let handle = 0;
    const tick = () => {
      n += 1;
      handle = v.requestVideoFrameCallback(tick);
    };
    handle = v.requestVideoFrameCallback(tick);
    setTimeout(() => {
      v.cancelVideoFrameCallback(handle);
      resolve(n);
    }, ms);
  }), ms);
}

/**
 * Records every RTCPeerConnection a page makes (`window.__pcs`), for candidateAddresses; run in
 * the page before its own scripts (test instrumentation, not in the product).
 */
export function recordPeerConnections() {
  window.__pcs = [];
  const Original = window.RTCPeerConnection;
  if (!Original) return;
  window.RTCPeerConnection = class extends Original {
    constructor(...args) {
      super(...args);
      window.__pcs.push(this);
    }
  };
}

/** The candidate addresses in both descriptions of every open connection the page recorded. */
export async function candidateAddresses(p) {
  return p.evaluate(() => {
    const out = [];
    for (const pc of window.__pcs || []) {
      if (pc.connectionState === 'closed') continue; // Firefox throws on a closed one's descriptions
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

/** The server of a browser test: Remote Help on (web sharers allowed), a helper with a full
 * trust-screen profile and a sharer. */
export async function serverWithPair() {
  const server = await startServer();
  await server.admin.put('/api/settings', { remote_help_enabled: true, allow_unenrolled_devices: true });
  const helper = await createUser(server, {
    email: 'hana@example.com',
    fullName: 'Hana Kato',
    jobTitle: 'Service desk',
    company: 'Example Ltd',
    role: 'Help Desk Operator',
  });
  const sharer = await createUser(server, { email: 'sami@example.com', fullName: 'Sami Haddad', company: 'Example Ltd' });
  return { server, helper, sharer };
}
