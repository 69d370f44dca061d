// The device page in real Chromium, with default settings (sessions with unenrolled devices off):
// an enrolled device's page shows its facts as an administrator and as a helper whose role is
// scoped to the device user's group; "New remote help session" opens the session page with the
// code shown (the server shows a code only once, in the answer to its creation), and that
// session is bound to the device. A helper outside the scope is refused. The session page tells
// the helper where the offer to the device stands: offline (and since when), offered once
// `agent run` connects, declined when the person at the device declines; then the end summary
// and "Start another session".
//
// Run: cd tests/e2e && npm ci && node --test devices.test.mjs   (needs target/debug/assist)

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, createUser, signIn, buildBinaries } from './lib/server.mjs';
import { launch, screenshot } from './lib/browser.mjs';
import { enrollAgent } from './lib/agent.mjs';
import { proc } from './lib/proc.mjs';

const SHARER = { email: 'sam@example.com', fullName: 'Sam Sharer', company: 'Example Ltd' };
const DEVICE = 'e2e-finance-laptop';
const PASSWORD = 'a long test password 42';

let server;
let browser;
let enrolled;
let deviceId;
let scoped;
let outsider;
let bin;

/** A user with the Help Desk Operator role for members of `groupId` only. */
async function scopedHelper(email, fullName, groupId) {
  const user = await server.admin.post('/api/users', { email, password: PASSWORD, full_name: fullName });
  const roles = await server.admin.get('/api/roles');
  const role = (Array.isArray(roles) ? roles : roles.items).find((r) => r.name === 'Help Desk Operator');
  await server.admin.post('/api/role-assignments', { role_id: role.id, user_id: user.id, scope_all: false, scope_groups: [groupId] });
  return { id: user.id, email, client: await signIn(server.url, email, PASSWORD) };
}

before(async () => {
  ({ bin } = buildBinaries());
  server = await startServer({ timeoutMs: 60_000 });
  await server.admin.put('/api/settings', { remote_help_enabled: true });
  const sharer = await createUser(server, SHARER);
  enrolled = await enrollAgent(server, { bin, email: sharer.email, password: sharer.password, name: DEVICE });
  const devices = await server.admin.get('/api/devices');
  const device = (Array.isArray(devices) ? devices : devices.items).find((d) => d.name === DEVICE);
  assert.ok(device, 'the enrolled device is listed');
  deviceId = device.id;
  // The administrator names the device's primary user (scope follows that user's groups).
  const patch = await fetch(`${server.url}/api/devices/${deviceId}`, {
    method: 'PATCH',
    headers: { Cookie: `assist_session=${server.admin.token}`, 'Content-Type': 'application/json', Origin: server.url },
    body: JSON.stringify({ primary_user_id: sharer.id }),
  });
  assert.equal(patch.status, 200, await patch.text());
  const finance = await server.admin.post('/api/groups', { name: 'Finance' });
  await server.admin.put(`/api/groups/${finance.id}/members/${sharer.id}`);
  const sales = await server.admin.post('/api/groups', { name: 'Sales' });
  scoped = await scopedHelper('fiona@example.com', 'Fiona Finance-Desk', finance.id);
  outsider = await scopedHelper('sid@example.com', 'Sid Sales-Desk', sales.id);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  enrolled?.remove();
});

/** Opens the device page as `client`, checks it, starts a session from it: the session page. */
async function startFromDevicePage(client, name) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: 'en-US' });
  await context.addCookies([client.cookie]);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${server.url}/admin/devices/${deviceId}`);
  await page.waitForFunction((n) => document.querySelector('h1')?.textContent === n, DEVICE, { timeout: 10_000 });
  const facts = await page.textContent('#device-facts');
  assert.match(facts, /Sam Sharer/, 'the primary user is named');
  assert.doesNotMatch(await page.textContent('body'), /Error:|Cannot read/);
  await screenshot(page, `device-page-${name}`);
  await page.getByRole('button', { name: 'New remote help session' }).click();
  await page.waitForURL(/\/sessions\/[0-9a-f]{32}$/, { timeout: 10_000 });
  const id = page.url().split('/').pop();
  // The code is on screen while the session waits.
  await page.waitForFunction(() => /^[a-z2-9]{4} [a-z2-9]{4}$/.test(document.querySelector('#code')?.textContent?.trim() || ''), null, { timeout: 10_000 });
  await screenshot(page, `device-session-${name}`);
  assert.deepEqual(errors, []);
  await context.close();
  return id;
}

test('an administrator starts a session from the device page, and the code is shown', async () => {
  const id = await startFromDevicePage(server.admin, 'admin');
  const v = await server.admin.get(`/api/sessions/${id}`);
  assert.equal(v.state, 'waiting');
  await server.admin.post(`/api/sessions/${id}/end`);
});

test('a helper scoped to the device user\'s group does the same; one outside the scope is refused', async () => {
  const id = await startFromDevicePage(scoped.client, 'scoped-helper');
  const v = await scoped.client.get(`/api/sessions/${id}`);
  assert.equal(v.state, 'waiting');
  await scoped.client.post(`/api/sessions/${id}/end`);
  await assert.rejects(outsider.client.post('/api/sessions', { device_id: deviceId }), /403|404/);
});

/** The helper's page status line once it matches `re`. */
async function statusMatches(page, re, what) {
  await page.waitForFunction(
    (src) => new RegExp(src).test(document.querySelector('#session-status')?.textContent || ''),
    re.source,
    { timeout: 15_000 },
  ).catch(async (e) => {
    throw new Error(`${what}: status is ${JSON.stringify(await page.textContent('#session-status'))}; ${e.message}`);
  });
}

test('the helper sees the device offline, offered when its agent runs, declined, then the end summary', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: 'en-US' });
  await context.addCookies([server.admin.cookie]);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${server.url}/admin/devices/${deviceId}`);
  await page.getByRole('button', { name: 'New remote help session' }).click();
  await page.waitForURL(/\/sessions\/[0-9a-f]{32}$/, { timeout: 10_000 });
  const id = page.url().split('/').pop();
  // The agent has never connected: offline, and the code is there as a fallback.
  await statusMatches(page, /offline: its agent has never connected/, 'never connected');
  assert.equal(await page.locator('#code-panel').isVisible(), true);
  // Nobody joined: no warning about a sharer's device.
  assert.doesNotMatch(await page.textContent('body'), /not enrolled/);

  // `agent run` connects: the offer reaches it, and the helper sees "asked".
  const agent = proc(bin, ['agent', '--config-dir', enrolled.configDir, 'run'], { env: { ...process.env, ASSIST_LOG: 'warn' } });
  try {
    await agent.waitLine((l) => l.includes('wants to help you on this device'), 20_000, 'the offer');
    await statusMatches(page, /asked to accept/, 'offered');
    await screenshot(page, 'device-offer-offered');
    // The person declines: the helper's page says so at once, with a way to ask again.
    agent.write('decline');
    await agent.waitLine((l) => l === 'Declined.', 5_000, 'the decline');
    await statusMatches(page, /declined the session/, 'declined');
    await page.locator('#again').filter({ hasText: 'Ask again' }).waitFor({ timeout: 5_000 });
    await screenshot(page, 'device-offer-declined');
  } finally {
    await agent.stop();
  }
  // The agent stopped: a decline stands while the device is away.
  await page.waitForTimeout(500);
  await statusMatches(page, /declined the session/, 'still declined');
  const offer = (await server.admin.get(`/api/sessions/${id}`)).device_offer;
  assert.equal(offer.status, 'declined');

  // The helper ends it: one line says who ended, the summary replaces the code, and nothing
  // claims anyone is connected.
  await page.click('#end-session');
  await statusMatches(page, /^You ended the session\.$/, 'ended');
  await page.locator('#summary').waitFor({ state: 'visible', timeout: 5_000 });
  assert.match(await page.textContent('#summary'), /No screen was shared/);
  assert.equal(await page.locator('#code-panel').isVisible(), false);
  assert.equal((await page.textContent('#presence')).trim(), '');
  await page.locator('#again').filter({ hasText: 'Start another session' }).click();
  await page.waitForURL((u) => /\/sessions\/[0-9a-f]{32}$/.test(u.pathname) && !u.pathname.endsWith(id), { timeout: 10_000 });
  // Another session for the same device, offered to it again (its agent is away now).
  await statusMatches(page, /offline since/, 'a new session for the device');
  await screenshot(page, 'device-offer-offline');
  assert.deepEqual(errors, []);
  await context.close();
});
