// Single sign-on for the native agent through the system browser (RFC 8252 loopback redirect),
// end to end with real parts: the `assist` binary as server and as agent, the real OpenID
// provider of tests/oidc (oidc-provider, its development sign-in screens accept any login), and
// Debian's Chromium as the "system browser".
//
// Checked:
// - `assist agent login --sso --no-browser` prints the address; Chromium signs in at the provider
//   and is sent back to the agent's loopback listener, which says the tab may be closed; the agent
//   saves user.json (0600) whose token works for `GET /api/me` as the single sign-on user;
// - a request to the agent's listener with a wrong state is refused and the agent keeps waiting;
// - cancelling at the provider reaches the agent as an error (`access_denied`), which it reports;
// - playing the agent by hand: a replayed code, a wrong verifier (which also burns the code) and
//   a non-loopback / `localhost` / https / portless `agent_redirect` are all refused;
// - the agent's sign-in is in the audit log, and the browser is not left signed in to the web app.
//
// Run: (cd tests/oidc && ./install.sh) && cd tests/e2e && npm ci && node --test agent-sso.test.mjs

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, existsSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { ROOT, buildBinaries, startServer } from './lib/server.mjs';
import { launch } from './lib/browser.mjs';
import { proc } from './lib/proc.mjs';

const OIDC_DIR = path.join(ROOT, 'tests', 'oidc');

let bin;
let server;
let provider;
let browser;
let tmp;

async function startProvider(redirectUri) {
  assert.ok(
    existsSync(path.join(OIDC_DIR, 'node_modules', 'oidc-provider', 'package.json')),
    'the OpenID provider is not installed: run tests/oidc/install.sh',
  );
  const p = proc('node', ['provider.mjs'], { cwd: OIDC_DIR, env: { ...process.env, REDIRECT_URI: redirectUri } });
  const ready = await p.waitLine((l) => l.startsWith('READY '), 30000, 'READY line');
  return { proc: p, ...JSON.parse(ready.slice('READY '.length)) };
}

/** Signs in at the provider's development screens in `page` (any login), consenting if asked. */
async function signInAtProvider(page, login) {
  await page.waitForSelector('input[name=login]');
  await page.fill('input[name=login]', login);
  await page.fill('input[name=password]', 'any password');
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  if (await page.locator('input[name=prompt][value=consent]').count()) {
    await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  }
}

function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  return { verifier, challenge };
}

/** A loopback listener playing the agent: resolves with the query of the first /callback hit. */
async function fakeAgent() {
  let resolveHit;
  const hit = new Promise((r) => { resolveHit = r; });
  const srv = http.createServer((req, res) => {
    const u = new URL(req.url, 'http://127.0.0.1');
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    if (u.pathname === '/callback') resolveHit(Object.fromEntries(u.searchParams));
  });
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  return { redirect: `http://127.0.0.1:${srv.address().port}/callback`, hit, close: () => srv.close() };
}

async function exchange(body) {
  const res = await fetch(`${server.url}/api/auth/agent/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

/** One sign-in through Chromium as a hand-made agent; returns the code and the agent's secrets. */
async function codeByHand(login) {
  const agent = await fakeAgent();
  const { verifier, challenge } = pkce();
  const state = randomBytes(16).toString('base64url');
  const url = `${server.url}/auth/oidc/login?${new URLSearchParams({ agent_redirect: agent.redirect, agent_state: state, agent_challenge: challenge })}`;
  const ctx = await browser.newContext();
  try {
    const page = await ctx.newPage();
    await page.goto(url);
    await signInAtProvider(page, login);
    const q = await agent.hit;
    assert.equal(q.state, state, 'the agent state is echoed back');
    assert.ok(q.code && q.code.length >= 40, `a code comes back: ${JSON.stringify(q)}`);
    return { code: q.code, verifier };
  } finally {
    await ctx.close();
    agent.close();
  }
}

before(async () => {
  ({ bin } = buildBinaries());
  tmp = mkdtempSync(path.join(os.tmpdir(), 'assist-agent-sso-'));
  server = await startServer();
  provider = await startProvider(`${server.url}/auth/oidc/callback`);
  await server.admin.put('/api/settings/oidc', {
    enabled: true,
    issuer: provider.issuer,
    client_id: 'assist',
    client_secret: 'assist-secret',
  });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  provider?.proc.child.stdin.end();
  await provider?.proc.stop();
  await server?.stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

test('assist agent login --sso: the browser comes back to the agent, which keeps a working token', async () => {
  const dir = path.join(tmp, 'alice');
  const agent = proc(bin, ['agent', '--config-dir', dir, 'login', '--sso', '--no-browser', '--server', server.url], {
    env: { ...process.env, ASSIST_LOG: 'warn' },
  });
  try {
    const line = await agent.waitLine((l) => l.includes('/auth/oidc/login?'), 15000, 'sign-in address');
    const url = line.trim();
    const redirect = new URL(url).searchParams.get('agent_redirect');
    assert.match(redirect, /^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    assert.equal(new URL(url).searchParams.get('agent_challenge').length, 43);

    // A stranger's request to the listener (wrong state) is refused; the agent keeps waiting.
    const wrong = await fetch(`${redirect}?code=forged&state=not-the-agents`);
    assert.equal(wrong.status, 400);
    assert.equal(agent.child.exitCode, null, 'the agent still waits after a wrong state');

    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    const t0 = Date.now();
    await page.goto(url);
    await signInAtProvider(page, 'alice');
    await page.waitForURL((u) => u.href.startsWith(redirect));
    assert.match(await page.textContent('body'), /Signed in\. You can close this tab/);
    // The browser was not signed in to the web app along the way.
    const cookies = await ctx.cookies(server.url);
    assert.ok(!cookies.some((c) => c.name === 'assist_session'), JSON.stringify(cookies));
    await ctx.close();

    assert.equal(await agent.exited, 0, `agent failed:\n${agent.lines.join('\n')}\n${agent.stderr}`);
    console.log(`browser opened the address → agent signed in: ${Date.now() - t0} ms`);
    assert.ok(agent.lines.some((l) => l.includes('Signed in as Alice Example <alice@example.com>')), agent.lines.join('\n'));
  } finally {
    await agent.stop();
  }
  const file = path.join(dir, 'user.json');
  assert.equal(statSync(file).mode & 0o777, 0o600);
  const saved = JSON.parse(readFileSync(file, 'utf8'));
  assert.equal(saved.server, server.url);
  assert.equal(saved.email, 'alice@example.com');
  assert.match(saved.token, /^at_/);
  const me = await fetch(`${server.url}/api/me`, { headers: { authorization: `Bearer ${saved.token}` } });
  assert.equal(me.status, 200);
  const body = await me.json();
  assert.equal(body.user.email, 'alice@example.com');
  assert.equal(body.user.full_name, 'Alice Example');
  assert.equal(body.user.sso, true);

  // The token is an ordinary API token of Alice's, named after the device, living TOKEN_DAYS.
  const tokens = await (await fetch(`${server.url}/api/tokens`, { headers: { authorization: `Bearer ${saved.token}` } })).json();
  assert.equal(tokens.length, 1);
  assert.match(tokens[0].name, /^assist agent on /);
  const days = (tokens[0].expires_at - tokens[0].created_at) / 86_400_000;
  assert.ok(Math.abs(days - 90) < 0.01, `token lives ${days} days`);

  // Audited: the sign-in (from the agent) and the token.
  const audit = await server.admin.get('/api/audit?limit=100');
  const items = Array.isArray(audit) ? audit : audit.items;
  assert.ok(items.some((e) => e.action === 'auth.sign_in' && e.detail.client === 'agent' && e.actor === 'alice@example.com'), JSON.stringify(items.slice(0, 5)));
  assert.ok(items.some((e) => e.action === 'token.created' && e.detail.via === 'agent_sso'));
});

test('cancelling at the provider reaches the agent as an error', async () => {
  const dir = path.join(tmp, 'cancel');
  const agent = proc(bin, ['agent', '--config-dir', dir, 'login', '--sso', '--no-browser', '--server', server.url], {
    env: { ...process.env, ASSIST_LOG: 'warn' },
  });
  try {
    const url = (await agent.waitLine((l) => l.includes('/auth/oidc/login?'), 15000, 'sign-in address')).trim();
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    await page.goto(url);
    await page.waitForSelector('input[name=login]');
    await Promise.all([page.waitForNavigation(), page.click('text=[ Cancel ]')]);
    await page.waitForURL((u) => u.hostname === '127.0.0.1' && u.pathname === '/callback');
    assert.match(await page.textContent('body'), /Sign-in failed \(oidc_provider_error\)/);
    await ctx.close();
    assert.notEqual(await agent.exited, 0);
    const err = agent.stderr;
    assert.match(err, /single sign-on failed/);
    assert.match(err, /access_denied/);
    assert.ok(!existsSync(path.join(dir, 'user.json')));
  } finally {
    await agent.stop();
  }
});

test('a code works once, only with its verifier', async () => {
  // The right verifier: a token; the same code again: refused.
  const a = await codeByHand('bob');
  const ok = await exchange({ code: a.code, code_verifier: a.verifier });
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  assert.equal(ok.body.user.email, 'bob@example.com');
  const me = await fetch(`${server.url}/api/me`, { headers: { authorization: `Bearer ${ok.body.token}` } });
  assert.equal(me.status, 200);
  const replay = await exchange({ code: a.code, code_verifier: a.verifier });
  assert.equal(replay.status, 401);
  assert.equal(replay.body.error.code, 'agent_code_refused');

  // A wrong verifier is refused, and burns the code: the right one afterwards is refused too.
  const b = await codeByHand('bob');
  const wrong = await exchange({ code: b.code, code_verifier: pkce().verifier });
  assert.equal(wrong.status, 401);
  assert.equal(wrong.body.error.code, 'agent_code_refused');
  assert.match(wrong.body.error.message, /verifier/);
  const after = await exchange({ code: b.code, code_verifier: b.verifier });
  assert.equal(after.status, 401);

  // Malformed exchanges: 400, never 500.
  for (const body of [{}, { code: 'x', code_verifier: 'short' }, { code: '', code_verifier: pkce().verifier }, { code: 'x', code_verifier: pkce().verifier, extra: 1 }]) {
    const r = await exchange(body);
    assert.ok(r.status === 400 || r.status === 422, `${JSON.stringify(body)} → ${r.status}`);
  }
  const unknown = await exchange({ code: 'no-such-code', code_verifier: pkce().verifier });
  assert.equal(unknown.status, 401);
});

test('only loopback redirects are accepted', async () => {
  const { challenge } = pkce();
  for (const redirect of [
    'http://evil.example:4000/callback',
    'http://localhost:4000/callback',
    'https://127.0.0.1:4000/callback',
    'http://127.0.0.1/callback',
    'http://127.0.0.2:4000/callback',
    'http://user@127.0.0.1:4000/callback',
    'http://127.0.0.1:4000/callback?next=https://evil.example',
  ]) {
    const res = await fetch(`${server.url}/auth/oidc/login?${new URLSearchParams({ agent_redirect: redirect, agent_state: 's', agent_challenge: challenge })}`, { redirect: 'manual' });
    assert.equal(res.status, 400, redirect);
    assert.equal(res.headers.get('location'), null);
    assert.equal((await res.json()).error.code, 'invalid_agent_redirect');
  }
  // The three parameters go together, and the challenge must be S256-shaped.
  for (const q of [
    { agent_redirect: 'http://127.0.0.1:4000/callback' },
    { agent_redirect: 'http://127.0.0.1:4000/callback', agent_state: 's', agent_challenge: 'plain' },
    { agent_redirect: 'http://127.0.0.1:4000/callback', agent_state: 'a b', agent_challenge: challenge },
  ]) {
    const res = await fetch(`${server.url}/auth/oidc/login?${new URLSearchParams(q)}`, { redirect: 'manual' });
    assert.equal(res.status, 400, JSON.stringify(q));
  }
  // [::1] is a loopback literal too: on to the provider.
  const v6 = await fetch(`${server.url}/auth/oidc/login?${new URLSearchParams({ agent_redirect: 'http://[::1]:4000/callback', agent_state: 's', agent_challenge: challenge })}`, { redirect: 'manual' });
  assert.equal(v6.status, 303);
  assert.ok(v6.headers.get('location').startsWith(provider.issuer));
});
