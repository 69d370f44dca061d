// Debian's Chromium through playwright-core (never a downloaded browser), with the flags of
// TESTING.md: mode B (a fake screen for getDisplayMedia) and loopback-only WebRTC.

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
/** Screen sharing with a synthetic screen (TESTING.md mode B), WebRTC on loopback. */
export const MEDIA_ARGS = [
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  '--allow-loopback-in-peer-connection',
  '--disable-features=WebRtcHideLocalIpsWithMdns',
];

/**
 * Launches Chromium. Headless by default; `display` (an X display such as ':5') runs it headed on
 * that screen instead (TESTING.md mode C), e.g. a private Xvfb.
 */
export async function launch({ media = false, args = [], display = null } = {}) {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: !display,
    args: [...BASE_ARGS, ...(media ? MEDIA_ARGS : []), ...args],
    ...(display ? { env: { ...process.env, DISPLAY: display } } : {}),
  });
}

export const SCREENSHOTS = path.join(ROOT, 'target', 'e2e-screenshots');

export async function screenshot(page, name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}
