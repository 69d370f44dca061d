// Debian's Firefox ESR through puppeteer-core over WebDriver BiDi (never a downloaded browser).
//
// Screen sharing (docs/testing.md): Firefox shares a real screen only when headed, so it runs on a
// private Xvfb; `media.navigator.permission.disabled` makes `getDisplayMedia` return that X screen
// with no picker (headless Firefox answers the same call with a cancellation). WebRTC on loopback:
// Firefox leaves 127.0.0.1 out of its host candidates unless `media.peerconnection.ice.loopback`
// is set, and hides host addresses behind mDNS names unless told not to. And a page that neither
// captures nor holds a camera or microphone permission (the helper's) gathers only on the
// interface of the default route, of which netns.sh's namespace has none: no candidate at all,
// ICE fails at once. Allowing camera and microphone by default counts as that permission (as
// `--use-fake-ui-for-media-stream` does in Chromium); the pages ask for neither.
//
//   const ff = await launchFirefox({ display: x.display });
//   const ctx = await ff.createBrowserContext();   // a separate profile's cookies
//   const page = await ctx.newPage();

import { existsSync } from 'node:fs';
import puppeteer from 'puppeteer-core';

export const FIREFOX = process.env.FIREFOX || '/usr/bin/firefox-esr';

/** Whether the Firefox binary is installed (Debian: apt-get install firefox-esr). */
export const hasFirefox = () => existsSync(FIREFOX);

/** Preferences for tests: screen sharing without a prompt, WebRTC with loopback candidates. */
export const FIREFOX_PREFS = {
  'media.navigator.permission.disabled': true,
  'media.peerconnection.ice.loopback': true,
  'media.peerconnection.ice.obfuscate_host_addresses': false,
  'permissions.default.camera': 1,
  'permissions.default.microphone': 1,
  // No first-run pages, updates or telemetry pings (the tests reach no other address anyway).
  'app.update.auto': false,
  'browser.shell.checkDefaultBrowser': false,
  'datareporting.policy.dataSubmissionEnabled': false,
  'toolkit.telemetry.enabled': false,
};

/**
 * Launches Firefox. `display` (an X display such as ':5') runs it headed there, which screen
 * sharing needs; without it, headless. `prefs`: more preferences.
 */
export async function launchFirefox({ display = null, prefs = {} } = {}) {
  return puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: !display,
    extraPrefsFirefox: { ...FIREFOX_PREFS, ...prefs },
    env: { ...process.env, ...(display ? { DISPLAY: display } : {}), MOZ_CRASHREPORTER_DISABLE: '1' },
  });
}
