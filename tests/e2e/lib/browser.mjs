// Debian's Chromium through playwright-core (never a downloaded browser), with the flags of
// TESTING.md: mode B (a fake screen for getDisplayMedia) and loopback-only WebRTC.

import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './server.mjs';

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const BASE_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
/** WebRTC with loopback candidates (no mDNS names in their place). */
export const LOOPBACK_ARGS = [
  '--allow-loopback-in-peer-connection',
  '--disable-features=WebRtcHideLocalIpsWithMdns',
];
/** Screen sharing with a synthetic screen (TESTING.md mode B), WebRTC on loopback. */
export const MEDIA_ARGS = [
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  ...LOOPBACK_ARGS,
];

/**
 * Launches Chromium. Headless by default; `display` (an X display such as ':5') runs it headed on
 * that screen instead (TESTING.md mode C), e.g. a private Xvfb. `media`: a synthetic screen to
 * share and loopback WebRTC; `loopback`: loopback WebRTC only (to watch a native agent).
 */
export async function launch({ media = false, loopback = false, args = [], display = null } = {}) {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: !display,
    args: [...BASE_ARGS, ...(media ? MEDIA_ARGS : loopback ? LOOPBACK_ARGS : []), ...args],
    ...(display ? { env: { ...process.env, DISPLAY: display } } : {}),
  });
}

export const SCREENSHOTS = path.join(ROOT, 'target', 'e2e-screenshots');

export async function screenshot(page, name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/**
 * Pixels of the current frame of the page's `<video id="screen">`, drawn on a canvas in the page.
 * `points`: normalised [x, y] places, each read as [r, g, b]; `every`: also every Nth pixel of the
 * frame in raster order (for "is the picture black?"). Resolves with `{size: [w, h], points, every}`.
 */
export async function videoPixels(page, { points = [], every = 0 } = {}) {
  return page.evaluate(({ points, every }) => {
    const v = document.getElementById('screen');
    const c = document.createElement('canvas');
    c.width = v.videoWidth;
    c.height = v.videoHeight;
    const g = c.getContext('2d');
    g.drawImage(v, 0, 0);
    const at = ([fx, fy]) => Array.from(g.getImageData(Math.round(fx * c.width), Math.round(fy * c.height), 1, 1).data.slice(0, 3));
    const sampled = [];
    if (every > 0) {
      const px = g.getImageData(0, 0, c.width, c.height).data;
      for (let i = 0; i < px.length; i += 4 * every) sampled.push([px[i], px[i + 1], px[i + 2]]);
    }
    return { size: [c.width, c.height], points: points.map(at), every: sampled };
  }, { points, every });
}

/**
 * The helper's side of a session: a browser context signed in as `user` (`{email, password}`) on
 * the server at `url`, a new session, and the live helper page (`/sessions/{id}`) open on it.
 * `init`: a function run in each page before its own scripts; `create`: the body of
 * `POST /api/sessions` (`{device_id}` offers the session to a device). Resolves with
 * `{context, page, id, code, created, request(mode), state()}`.
 */
export async function helperSession(browser, url, user, { viewport, init, create = {} } = {}) {
  const context = await browser.newContext({ viewport });
  if (init) await context.addInitScript(init);
  const login = await context.request.post(`${url}/api/auth/login`, { data: { email: user.email, password: user.password } });
  assert.equal(login.status(), 200);
  const created = await context.request.post(`${url}/api/sessions`, { data: create });
  assert.equal(created.status(), 201);
  const createdBody = await created.json();
  const { id, code } = createdBody;
  const page = await context.newPage();
  await page.goto(`${url}/sessions/${id}`);
  /** Asks the sharer for `mode` ('view' or 'control'). */
  const request = async (mode) => {
    const r = await context.request.post(`${url}/api/sessions/${id}/request`, { data: { mode } });
    assert.equal(r.status(), 200, await r.text());
  };
  const state = async () => (await (await context.request.get(`${url}/api/sessions/${id}`)).json());
  return { context, page, id, code, created: createdBody, request, state };
}

/** Polls `fn` every 25 ms until it returns something truthy (resolved with it), for up to `ms`. */
export async function waitFor(fn, ms, what) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
