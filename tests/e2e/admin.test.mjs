// The admin center and the sign-in page in real Chromium: an administrator signs in through the
// page, enables Remote Help, creates a helper and a sharer, assigns the Help Desk Operator role;
// the sign-in page in Arabic (right to left) and Japanese; the language picker; a helper is
// refused the admin center; axe-core finds no serious or critical violation on the main pages.
// Screenshots go to target/e2e-screenshots/.
//
// Run: cd tests/e2e && npm ci && node --test admin.test.mjs   (needs target/debug/assist)

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { startServer, createUser, ADMIN_EMAIL, ADMIN_PASSWORD } from './lib/server.mjs';
import { launch, screenshot } from './lib/browser.mjs';

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** Runs axe-core on the page; fails on serious or critical violations. */
async function checkAccessibility(page, name) {
  await page.evaluate(AXE);
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5) }));
  });
  const bad = result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(bad, [], `${name}: axe violations ${JSON.stringify(bad, null, 2)}`);
}

async function newPage(options = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, ...options });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 40[134]/.test(m.text())) errors.push(m.text());
  });
  return { context, page, errors };
}

test('an administrator signs in, enables Remote Help, creates a helper and a sharer, assigns a role', async () => {
  const { context, page, errors } = await newPage({ locale: 'en-US' });
  await page.goto(`${server.url}/admin/settings`);
  assert.match(page.url(), /\/signin\?next=\/admin\/settings$/);
  assert.equal(await page.getAttribute('html', 'dir'), 'ltr');
  await checkAccessibility(page, 'sign-in');
  await screenshot(page, 'signin-en');

  // A wrong password is announced in the alert region.
  await page.fill('#signin-email', ADMIN_EMAIL);
  await page.fill('#signin-password', 'not the password');
  await page.click('#signin-form button[type="submit"]');
  await page.waitForSelector('#signin-error:not([hidden])');
  assert.match(await page.textContent('#signin-error'), /Wrong email or password/);

  await page.fill('#signin-password', ADMIN_PASSWORD);
  await Promise.all([page.waitForURL((u) => u.pathname === '/admin/settings'), page.click('#signin-form button[type="submit"]')]);

  // Tenant settings: Remote Help on.
  await page.waitForFunction(() => document.getElementById('s-max-minutes').value !== '');
  assert.equal(await page.isChecked('#s-remote-help'), false);
  await page.check('#s-remote-help');
  await page.click('#settings button[type="submit"]');
  await page.waitForFunction(() => document.getElementById('status').textContent.includes('Saved'));
  assert.equal((await server.admin.get('/api/settings')).remote_help_enabled, true);
  await checkAccessibility(page, 'settings');
  await screenshot(page, 'admin-settings');

  // Users: a helper and a sharer.
  await page.click('nav.admin-nav >> text=Users');
  await page.waitForURL((u) => u.pathname === '/admin/users');
  // The password's help says the server's own minimum, and the field enforces it.
  assert.match(await page.textContent('#nu-password-help'), /At least \u2068?10\u2069? characters/);
  assert.equal(await page.getAttribute('#nu-password', 'minlength'), '10');
  for (const [email, name, title] of [
    ['helper@example.com', 'Hana Helper', 'Support engineer'],
    ['sharer@example.com', 'Sam Sharer', 'Accountant'],
  ]) {
    await page.fill('#nu-email', email);
    await page.fill('#nu-full-name', name);
    await page.fill('#nu-job-title', title);
    await page.fill('#nu-company', 'Example Ltd');
    await page.fill('#nu-password', 'a long test password 42');
    await page.click('#new-user button[type="submit"]');
    await page.waitForSelector(`#table td >> text=${email}`);
  }
  const users = (await server.admin.get('/api/users')).items;
  const helper = users.find((u) => u.email === 'helper@example.com');
  assert.ok(helper && users.some((u) => u.email === 'sharer@example.com'));
  assert.equal(helper.job_title, 'Support engineer');
  await checkAccessibility(page, 'users');
  await screenshot(page, 'admin-users');

  // Sorting by name, then the user's detail page.
  await page.click('#table th >> button.sort >> nth=0');
  assert.equal(await page.getAttribute('#table th >> nth=0', 'aria-sort'), 'ascending');
  await page.click('#table a >> text=Hana Helper');
  await page.waitForURL((u) => u.pathname.startsWith('/admin/users/'));
  await page.waitForFunction(() => document.getElementById('u-full-name').value === 'Hana Helper');
  await checkAccessibility(page, 'user detail');

  // Roles: Help Desk Operator for the helper, whole tenant.
  await page.goto(`${server.url}/admin/roles`);
  await page.waitForSelector('#a-role option', { state: 'attached' });
  await page.selectOption('#a-role', { label: 'Help Desk Operator' });
  await page.fill('#a-email', 'helper@example.com');
  await page.click('#assign button[type="submit"]');
  await page.waitForSelector('#assignments td >> text=Hana Helper <helper@example.com>');
  const roles = await server.admin.get('/api/roles');
  const hdo = roles.find((r) => r.name === 'Help Desk Operator');
  const assignments = await server.admin.get('/api/role-assignments');
  assert.ok(assignments.some((a) => a.user_id === helper.id && a.role_id === hdo.id && a.scope_all));
  await checkAccessibility(page, 'roles');
  await screenshot(page, 'admin-roles');

  // The other main pages render and pass axe.
  for (const slug of ['groups', 'domains', 'compliance', 'conditional-access', 'enrollment', 'devices', 'reports', 'audit']) {
    await page.goto(`${server.url}/admin/${slug}`);
    await page.waitForSelector('#main table, #main form');
    await page.waitForLoadState('networkidle');
    await checkAccessibility(page, slug);
    await screenshot(page, `admin-${slug}`);
  }
  // The audit log shows the sign-in.
  await page.goto(`${server.url}/admin/audit`);
  await page.waitForSelector('#table td >> text=auth.sign_in');

  assert.deepEqual(errors, []);
  await context.close();
});

test('a helper is refused the admin center with a 403 page', async () => {
  const helper = await createUser(server, { email: 'helper2@example.com', fullName: 'Second Helper', role: 'Help Desk Operator' });
  const { context, page } = await newPage();
  await context.addCookies([helper.client.cookie]);
  const res = await page.goto(`${server.url}/admin/users`);
  assert.equal(res.status(), 403);
  assert.match(await page.textContent('h1'), /Not allowed/);
  await context.close();
});

test('a helper\'s menu, row counts, a user without a picture, the icon and dates read right', async () => {
  // A Help Desk Operator reaches only the device list: the menu says "Devices", not "Admin center".
  const helper = await createUser(server, { email: 'helper3@example.com', fullName: 'Third Helper', role: 'Help Desk Operator' });
  {
    const { context, page } = await newPage({ locale: 'en-US' });
    await context.addCookies([helper.client.cookie]);
    await page.goto(`${server.url}/`);
    const menu = await page.$$eval('.site-nav a', (as) => as.map((a) => a.textContent.trim()));
    assert.ok(menu.includes('Devices') && !menu.includes('Admin center'), JSON.stringify(menu));
    await context.close();
  }
  const { context, page, errors } = await newPage({ locale: 'en-US' });
  await context.addCookies([server.admin.cookie]);
  await page.goto(`${server.url}/`);
  assert.ok((await page.$$eval('.site-nav a', (as) => as.map((a) => a.textContent.trim()))).includes('Admin center'));
  // One row is "1 row", more are "N rows" (Fluent's plural forms, chosen in the page).
  await page.goto(`${server.url}/admin/users`);
  await page.waitForSelector('#table input[type="search"]:not([disabled])');
  await page.fill('#table input[type="search"]', 'helper3@');
  await page.waitForFunction(() => document.querySelector('#table p.help').textContent.replace(/[\u2068\u2069]/g, '') === '1 row');
  await page.fill('#table input[type="search"]', 'helper');
  await page.waitForFunction(() => /^([2-9]|\d\d+) rows$/.test(document.querySelector('#table p.help').textContent.replace(/[\u2068\u2069]/g, '')));
  // A user without a picture shows no broken image.
  await page.click('#table a >> text=Third Helper');
  await page.waitForFunction(() => document.getElementById('u-full-name').value === 'Third Helper');
  assert.equal(await page.isVisible('#user-picture'), false);
  // The site has an icon where browsers look for one.
  const icon = await fetch(`${server.url}/favicon.ico`);
  assert.equal(icon.status, 200);
  assert.equal(icon.headers.get('content-type'), 'image/x-icon');
  assert.equal(await page.getAttribute('link[rel="icon"]', 'href'), '/static/icon.svg');
  // The console and the admin center write a time the same way.
  await server.admin.put('/api/settings', { remote_help_enabled: true });
  await server.admin.post('/api/sessions', {});
  await page.goto(`${server.url}/`);
  await page.waitForSelector('#sessions-body tr');
  const consoleTime = (await page.locator('#sessions-body tr >> nth=0 >> td >> nth=0').textContent()).trim();
  const pattern = await page.evaluate(() => new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short' }).format(new Date()).replace(/\d+/g, '#'));
  assert.equal(consoleTime.replace(/\d+/g, '#'), pattern, consoleTime);
  assert.deepEqual(errors, []);
  await context.close();
});

test('the sign-in page in Arabic is right to left, in Japanese it is Japanese', async () => {
  for (const [locale, dir, heading] of [['ar', 'rtl', /[\u0600-\u06FF]/], ['ja', 'ltr', /[\u3040-\u30FF\u4E00-\u9FFF]/]]) {
    const { context, page } = await newPage({ locale });
    await page.goto(`${server.url}/signin`);
    assert.equal(await page.getAttribute('html', 'lang'), locale);
    assert.equal(await page.getAttribute('html', 'dir'), dir);
    assert.match(await page.textContent('h1'), heading);
    assert.match(await page.textContent('label[for="signin-email"]'), heading);
    if (dir === 'rtl') {
      // Mirrored: the header's tools sit on the left, the brand on the right.
      const brand = await page.locator('.brand').boundingBox();
      const tools = await page.locator('.header-tools').boundingBox();
      assert.ok(brand.x > tools.x, 'the layout is mirrored');
    }
    // An error message in the page's language, from the scripts' strings.
    await page.click('#signin-form button[type="submit"]');
    await page.waitForSelector('#signin-error:not([hidden])');
    assert.match(await page.textContent('#signin-error'), heading);
    await checkAccessibility(page, `sign-in ${locale}`);
    await screenshot(page, `signin-${locale}`);
    await context.close();
  }
});

test('the language picker remembers the choice', async () => {
  const { context, page } = await newPage({ locale: 'en-US' });
  await page.goto(`${server.url}/signin?next=/admin`);
  await page.selectOption('#lang-select', 'he');
  await Promise.all([page.waitForURL(/\/signin\?next=\/admin$/), page.click('.lang-picker button')]);
  assert.equal(await page.getAttribute('html', 'dir'), 'rtl');
  assert.equal(await page.getAttribute('html', 'lang'), 'he');
  await page.goto(`${server.url}/signin`);
  assert.equal(await page.getAttribute('html', 'lang'), 'he');
  await context.close();
});

/** Holds every request matching `pattern` until the returned `release` is called. */
async function hold(page, pattern) {
  let release;
  const gate = new Promise((r) => (release = r));
  await page.route(pattern, async (route) => {
    await gate;
    await route.continue();
  });
  return release;
}

test('forms do nothing before their scripts are ready, and no field ever lands in a URL', async () => {
  // Sign-in: Enter before signin.mjs has run neither posts natively nor shows raw JSON.
  {
    const { context, page } = await newPage({ locale: 'en-US' });
    const native = [];
    page.on('request', (r) => {
      if (r.isNavigationRequest() && r.url().includes('/api/')) native.push(r.url());
    });
    const release = await hold(page, '**/static/js/signin.mjs');
    await page.goto(`${server.url}/signin`, { waitUntil: 'commit' });
    await page.waitForSelector('#signin-password');
    await page.fill('#signin-email', ADMIN_EMAIL);
    await page.fill('#signin-password', ADMIN_PASSWORD);
    await page.press('#signin-password', 'Enter');
    await page.waitForTimeout(500);
    assert.equal(new URL(page.url()).pathname, '/signin');
    assert.deepEqual(native, []);
    assert.equal(await page.isDisabled('#signin-form button[type="submit"]'), true);
    release();
    await page.waitForSelector('#signin-form button[type="submit"]:not([disabled])');
    await Promise.all([page.waitForURL((u) => u.pathname === '/'), page.press('#signin-password', 'Enter')]);
    await context.close();
  }
  // New user: before the page's strings and handlers are there, the form cannot be used at all;
  // afterwards it works and the password never appears in the address.
  {
    const { context, page, errors } = await newPage({ locale: 'en-US' });
    await context.addCookies([server.admin.cookie]);
    const release = await hold(page, '**/i18n/*.json');
    await page.goto(`${server.url}/admin/users`, { waitUntil: 'commit' });
    await page.waitForSelector('#nu-password', { state: 'attached' });
    assert.equal(await page.isDisabled('#nu-password'), true);
    await page.locator('#new-user button[type="submit"]').click({ force: true }).catch(() => {});
    await page.waitForTimeout(300);
    assert.equal(new URL(page.url()).search, '');
    release();
    await page.waitForSelector('#nu-password:not([disabled])');
    await page.fill('#nu-email', 'forms@example.com');
    await page.fill('#nu-full-name', 'Form Person');
    await page.fill('#nu-password', 'a long enough password');
    await page.press('#nu-password', 'Enter');
    await page.waitForFunction(() => document.getElementById('status').textContent.includes('Form Person'));
    assert.ok(!page.url().includes('password') && !page.url().includes('?'), page.url());

    // An earlier failure is not shown next to a later success.
    await page.fill('#nu-email', 'forms@example.com');
    await page.fill('#nu-full-name', 'Form Person Again');
    await page.click('#new-user button[type="submit"]');
    await page.waitForSelector('#error:not([hidden])');
    await page.fill('#nu-email', 'forms2@example.com');
    await page.click('#new-user button[type="submit"]');
    await page.waitForFunction(() => document.getElementById('status').textContent.includes('Form Person Again'));
    assert.equal(await page.isVisible('#error'), false);
    assert.deepEqual(errors.filter((e) => !/status of 409/.test(e)), []);
    await context.close();
  }
  // Settings: a box ticked before the server's values arrive would be overwritten silently, so
  // the boxes are disabled until then.
  {
    const { context, page } = await newPage({ locale: 'en-US' });
    await context.addCookies([server.admin.cookie]);
    const release = await hold(page, '**/api/settings');
    await page.goto(`${server.url}/admin/settings`, { waitUntil: 'commit' });
    await page.waitForSelector('#s-chat-disabled', { state: 'attached' });
    assert.equal(await page.isDisabled('#s-chat-disabled'), true);
    release();
    await page.waitForSelector('#s-chat-disabled:not([disabled])');
    assert.equal(await page.isChecked('#s-chat-disabled'), (await server.admin.get('/api/settings')).chat_disabled);
    await context.close();
  }
  // A filter the server refuses, then one it accepts: the refusal does not stay on the page.
  {
    const { context, page } = await newPage({ locale: 'en-US' });
    await context.addCookies([server.admin.cookie]);
    await page.goto(`${server.url}/admin/audit`);
    await page.waitForSelector('#au-action:not([disabled])');
    await page.fill('#au-action', 'x'.repeat(5000));
    await page.click('#filters button[type="submit"]');
    await page.waitForSelector('#error:not([hidden])');
    await page.fill('#au-action', 'auth.sign_in');
    await page.click('#filters button[type="submit"]');
    await page.waitForSelector('#error', { state: 'hidden' });
    await page.waitForSelector('#table td >> text=auth.sign_in');
    await context.close();
  }
  // Every form of every admin page posts (a native submission can never put a field in a URL).
  {
    const { context, page } = await newPage({ locale: 'en-US' });
    await context.addCookies([server.admin.cookie]);
    for (const slug of ['users', 'groups', 'roles', 'settings', 'domains', 'compliance', 'conditional-access', 'enrollment', 'devices', 'reports', 'audit']) {
      await page.goto(`${server.url}/admin/${slug}`);
      const methods = await page.$$eval('form', (fs) => fs.map((f) => `${f.id || f.className}:${f.method}`));
      assert.deepEqual(methods.filter((m) => !m.endsWith(':post')), [], slug);
    }
    await context.close();
  }
});

test('errors are sentences in the page\'s language, and fields stop at the server\'s limits', async () => {
  const taken = await createUser(server, { email: 'taken@example.com', fullName: 'Taken Already' });
  const { context, page, errors } = await newPage({ locale: 'de-DE' });
  await context.addCookies([server.admin.cookie]);
  const alert = async () => (await page.textContent('#error')).replace(/[\u2068\u2069]/g, '').trim();
  // A role for an email nobody has: a German sentence naming it, not the bare address.
  await page.goto(`${server.url}/admin/roles`);
  await page.waitForSelector('#page-gate:not([disabled])');
  await page.waitForFunction(() => document.querySelector('#a-role').options.length > 0);
  await page.fill('#a-email', 'nobody@example.test');
  await page.click('#assign button[type="submit"]');
  await page.waitForSelector('#error:not([hidden])');
  assert.equal(await alert(), 'Mit der E-Mail-Adresse nobody@example.test gibt es hier kein Konto.');
  // The server's refusal (the email is taken) is a German sentence too, not its code or English.
  await page.goto(`${server.url}/admin/users`);
  await page.waitForSelector('#page-gate:not([disabled])');
  assert.equal(await page.getAttribute('#nu-full-name', 'maxlength'), '200');
  assert.equal(await page.getAttribute('#nu-job-title', 'maxlength'), '200');
  assert.equal(await page.getAttribute('#nu-email', 'maxlength'), '254');
  assert.equal(await page.getAttribute('#nu-password', 'maxlength'), '512');
  // Typing past the limit stops at it: the server's "longer than 200 characters" cannot happen.
  await page.fill('#nu-full-name', 'x'.repeat(250));
  assert.equal((await page.inputValue('#nu-full-name')).length, 200);
  await page.fill('#nu-email', 'taken@example.com');
  await page.fill('#nu-full-name', 'Someone Else');
  await page.fill('#nu-password', 'a long enough password 1');
  await page.click('#new-user button[type="submit"]');
  await page.waitForSelector('#error:not([hidden])');
  const text = await alert();
  assert.equal(text, 'Es gibt bereits ein Konto mit dieser E-Mail-Adresse.');
  assert.doesNotMatch(text, /email_taken|Error:/);
  // A picture: one limit, the same in the help text and the check, checked before any upload.
  await page.goto(`${server.url}/admin/users/${taken.id}`);
  await page.waitForSelector('#page-gate:not([disabled])');
  const max = Number(await page.getAttribute('#u-picture', 'data-max-bytes'));
  assert.equal(max, 512 * 1024);
  assert.match((await page.textContent('#u-picture-help')).replace(/[\u2068\u2069]/g, ''), /höchstens 512 KB/);
  const uploads = [];
  page.on('request', (r) => {
    if (r.url().endsWith('/picture')) uploads.push(r.url());
  });
  await page.setInputFiles('#u-picture', { name: 'big.png', mimeType: 'image/png', buffer: Buffer.alloc(max + 1, 1) });
  await page.click('#picture-form button[type="submit"]');
  await page.waitForSelector('#error:not([hidden])');
  assert.equal(await alert(), 'Das Bild ist zu groß: Bilder dürfen höchstens 512 KB haben.');
  assert.deepEqual(uploads, [], 'nothing was sent');
  for (const path of ['/admin/groups', '/admin/roles', '/admin/compliance', '/admin/enrollment']) {
    await page.goto(`${server.url}${path}`);
    const unlimited = await page.$$eval('form input:not([type]), form input[type="text"], form input[type="email"]', (els) =>
      els.filter((e) => !e.closest('[role="search"]') && !e.hasAttribute('maxlength')).map((e) => e.id));
    assert.deepEqual(unlimited, [], `${path}: text fields without maxlength`);
  }
  // The taken email's 409 is logged by the browser as a failed load; nothing else went wrong.
  assert.deepEqual(errors.filter((e) => !/status of 409/.test(e)), []);
  await context.close();
});
