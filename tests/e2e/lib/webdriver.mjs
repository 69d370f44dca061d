// WebKit (the engine Safari uses) through W3C WebDriver: Debian's `webkit2gtk-driver`
// (WebKitWebDriver) drives the MiniBrowser that libwebkit2gtk-4.1 ships. A small client over
// fetch, with the handful of commands the browser tests need; no npm package, no downloaded driver.
//
// MiniBrowser has no headless mode: it runs on an X display (a private Xvfb). `--automation` is
// required for WebDriver; `--enable-mock-capture-devices=true` makes getDisplayMedia return a mock
// screen with no prompt (docs/testing.md).
//
//   const driver = await startWebKitDriver({ display: x.display });
//   const wk = await driver.session();
//   await wk.goto(url); await wk.fill('#signin-email', 'a@b'); await wk.click('#go');
//   await wk.quit(); await driver.stop();

import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { proc } from './proc.mjs';
import { SCREENSHOTS, waitFor } from './browser.mjs';

export const WEBKIT_DRIVER = process.env.WEBKIT_DRIVER || '/usr/bin/WebKitWebDriver';
export const MINIBROWSER = process.env.MINIBROWSER || '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';

/** Whether WebKitWebDriver and MiniBrowser are installed (Debian: apt-get install webkit2gtk-driver). */
export const hasWebKit = () => existsSync(WEBKIT_DRIVER) && existsSync(MINIBROWSER);

const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';
const TIMEOUT = 15_000;
/** One WebDriver command, at most (a session's start included). */
const COMMAND_TIMEOUT = 60_000;
const SCREENSHOT_TIMEOUT = 10_000;

/** A free TCP port on 127.0.0.1 (the driver takes a port number, not 0). */
async function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/**
 * Starts WebKitWebDriver on a free port with MiniBrowser on `display`. Resolves with
 * `{url, session(), stop()}`.
 */
export async function startWebKitDriver({ display }) {
  const port = await freePort();
  const driver = proc(WEBKIT_DRIVER, [`--port=${port}`, '--host=127.0.0.1'], {
    env: { ...process.env, DISPLAY: display },
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(async () => {
    try {
      const r = await fetch(`${url}/status`);
      return r.ok;
    } catch {
      return false;
    }
  }, 10_000, 'WebKitWebDriver to listen');

  async function session() {
    const created = await call(url, 'POST', '/session', {
      capabilities: {
        alwaysMatch: {
          browserName: 'MiniBrowser',
          'webkitgtk:browserOptions': {
            binary: MINIBROWSER,
            args: ['--automation', '--enable-mock-capture-devices=true'],
          },
        },
      },
    });
    return webkitSession(url, created.sessionId);
  }
  return { url, session, stop: () => driver.stop(), driver };
}

/** One WebDriver command; resolves with its `value`, throws with the driver's error message. */
async function call(base, method, p, body, timeout = COMMAND_TIMEOUT) {
  const r = await fetch(`${base}${p}`, {
    method,
    signal: AbortSignal.timeout(timeout),
    headers: body !== undefined ? { 'Content-Type': 'application/json' } : {},
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await r.text();
  const data = text ? JSON.parse(text) : {};
  if (!r.ok) {
    const e = data.value || {};
    throw new Error(`WebDriver ${method} ${p}: ${r.status} ${e.error || ''} ${e.message || text}`);
  }
  return data.value;
}

/**
 * A WebDriver session with the page actions of lib/pages.mjs (`goto`, `visible`, `enabled`,
 * `click`, `fill`, `pressEnter`, `text`, `evaluate`, `url`, `screenshot`), so the same helpers drive it.
 * `evaluate(fn, arg)` runs `fn(arg)` in the page (a function's source, as WebDriver takes a script).
 */
function webkitSession(base, id) {
  const s = (method, p, body, timeout) => call(base, method, `/session/${id}${p}`, body, timeout);
  const find = async (sel) => (await s('POST', '/element', { using: 'css selector', value: sel }))[ELEMENT];
  const evaluate = (fn, arg) =>
    s('POST', '/execute/async', {
      script: `const done = arguments[arguments.length - 1];
        Promise.resolve((${fn.toString()})(arguments[0])).then(done, (e) => done({ __error: String(e) }));`,
      args: [arg === undefined ? null : arg],
    }).then((v) => {
      if (v && typeof v === 'object' && '__error' in v) throw new Error(`in the page: ${v.__error}`);
      return v;
    });
  const isVisible = (sel) =>
    evaluate((q) => {
      const e = document.querySelector(q);
      return !!e && !e.closest('[hidden]') && e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden';
    }, sel);
  return {
    name: 'webkit',
    id,
    async goto(u) {
      await s('POST', '/url', { url: u });
    },
    visible: (sel, timeout = TIMEOUT) => waitFor(() => isVisible(sel), timeout, `${sel} to be visible in WebKit`),
    enabled: (sel, timeout = TIMEOUT) =>
      waitFor(() => evaluate((q) => { const e = document.querySelector(q); return !!e && !e.disabled; }, sel), timeout, `${sel} to be enabled in WebKit`),
    async click(sel) {
      await s('POST', `/element/${await find(sel)}/click`, {});
    },
    async fill(sel, text) {
      const el = await find(sel);
      await s('POST', `/element/${el}/clear`, {});
      await s('POST', `/element/${el}/value`, { text });
    },
    async pressEnter(sel) {
      await s('POST', `/element/${await find(sel)}/value`, { text: '\uE007' });
    },
    text: (sel) => evaluate((q) => { const e = document.querySelector(q); return e ? e.textContent : ''; }, sel),
    attr: (sel, name) => evaluate(([q, n]) => document.querySelector(q)?.getAttribute(n) ?? null, [sel, name]),
    evaluate,
    url: () => s('GET', '/url'),
    /**
     * A screenshot of the viewport. WebKit takes it after the page's next presentation update;
     * with compositing off (WEBKIT_DISABLE_COMPOSITING_MODE=1) that never came once a live page
     * had changed, so MiniBrowser runs with it on. One still not taken in 10 s is left out and
     * said on stderr: screenshots are for people, not assertions.
     */
    async screenshot(file) {
      mkdirSync(SCREENSHOTS, { recursive: true });
      try {
        writeFileSync(path.join(SCREENSHOTS, `${file}.png`), Buffer.from(await s('GET', '/screenshot', undefined, SCREENSHOT_TIMEOUT), 'base64'));
      } catch (e) {
        console.error(`no WebKit screenshot ${file}: ${e.message}`);
      }
    },
    quit: () => s('DELETE', ''),
  };
}
