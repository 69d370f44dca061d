// Starts an Assist server for a browser test: the debug binary (or ASSIST_BIN), a fresh data
// directory, plain HTTP (or `tls`) on 127.0.0.1 port 0; ready when it prints `Assist listening on URL`.
// Also a small API client (cookie sign-in) for setting up users, roles and settings.

import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const ADMIN_EMAIL = 'admin@example.com';
export const ADMIN_PASSWORD = 'correct horse battery staple';

/** Cargo's target directory (CARGO_TARGET_DIR, else target/). */
export const TARGET = process.env.CARGO_TARGET_DIR ? path.resolve(ROOT, process.env.CARGO_TARGET_DIR) : path.join(ROOT, 'target');

/**
 * Builds the debug `assist` binary and the given examples (`[[package, example], ...]`), unless
 * ASSIST_E2E_BUILT=1 says a parent process has (a test re-run in a network namespace). Returns
 * the paths: `{bin, examples: {name: path}}`.
 */
export function buildBinaries({ examples = [], features = [] } = {}) {
  if (process.env.ASSIST_E2E_BUILT !== '1') {
    const args = ['build', '-p', 'assist', '--bin', 'assist', ...examples.flatMap(([pkg, ex]) => ['-p', pkg, '--example', ex]), ...features.flatMap((f) => ['--features', f])];
    const r = spawnSync('cargo', args, { cwd: ROOT, stdio: 'inherit' });
    if (r.status !== 0) throw new Error(`cargo ${args.join(' ')} failed`);
  }
  return {
    bin: path.join(TARGET, 'debug', 'assist'),
    examples: Object.fromEntries(examples.map(([, ex]) => [ex, path.join(TARGET, 'debug', 'examples', ex)])),
  };
}

/** The server binary: ASSIST_BIN, else target/debug/assist (built when missing). */
export function serverBinary() {
  if (process.env.ASSIST_BIN) return path.resolve(ROOT, process.env.ASSIST_BIN);
  const bin = path.join(TARGET, 'debug', 'assist');
  if (!existsSync(bin)) {
    const build = spawnSync('cargo', ['build', '-p', 'assist'], { cwd: ROOT, stdio: 'inherit' });
    if (build.status !== 0) throw new Error('cargo build -p assist failed');
  }
  return bin;
}

/**
 * Starts a server. Resolves with `{url, dataDir, stop(), admin}` where `admin` is an API client
 * signed in as the first administrator. `tls`: the server's `--tls` mode (`off`, `self-signed`).
 */
export async function startServer({ timeoutMs = 20000, extraArgs = [], tls = 'off' } = {}) {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'assist-e2e-'));
  const child = spawn(
    serverBinary(),
    [
      'serve',
      '--listen', '127.0.0.1:0',
      '--data', dataDir,
      '--tls', tls,
      '--admin-email', ADMIN_EMAIL,
      '--admin-password', ADMIN_PASSWORD,
      ...extraArgs,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, RUST_LOG: process.env.RUST_LOG || 'warn' } },
  );
  const stderr = [];
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (c) => {
    stderr.push(c);
    if (stderr.length > 200) stderr.shift();
  });
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server not ready in ${timeoutMs} ms:\n${stderr.join('')}`)), timeoutMs);
    const rl = createInterface({ input: child.stdout });
    rl.on('line', (line) => {
      const m = /Assist listening on (https?:\/\/\S+)/.exec(line);
      if (m) {
        clearTimeout(timer);
        resolve(m[1].replace(/\/$/, ''));
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${stderr.join('')}`));
    });
  });
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  const admin = await signIn(url, ADMIN_EMAIL, ADMIN_PASSWORD);
  return { url, dataDir, stop, admin, stderr: () => stderr.join('') };
}

/** An API client with a session cookie. */
export async function signIn(url, email, password) {
  const res = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (!res.ok) throw new Error(`sign-in of ${email} failed: ${res.status} ${await res.text()}`);
  const setCookie = res.headers.getSetCookie().find((c) => c.startsWith('assist_session='));
  if (!setCookie) throw new Error('no session cookie');
  const token = setCookie.split(';')[0].slice('assist_session='.length);
  const call = async (method, p, body) => {
    const r = await fetch(`${url}${p}`, {
      method,
      headers: { Cookie: `assist_session=${token}`, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await r.text();
    const data = text ? JSON.parse(text) : null;
    if (!r.ok) throw new Error(`${method} ${p}: ${r.status} ${text}`);
    return data;
  };
  return {
    token,
    /** The cookie for a Playwright browser context. */
    cookie: { name: 'assist_session', value: token, url },
    get: (p) => call('GET', p),
    post: (p, b) => call('POST', p, b ?? {}),
    put: (p, b) => call('PUT', p, b),
    del: (p) => call('DELETE', p),
  };
}

/**
 * Creates a user with a built-in role ("Help Desk Operator", "Read Only Operator", or null for
 * none) over the whole tenant; resolves with `{id, email, password, client}`.
 */
export async function createUser(server, { email, fullName, jobTitle = null, company = null, role = null }) {
  const password = 'a long test password 42';
  const user = await server.admin.post('/api/users', { email, password, full_name: fullName, job_title: jobTitle, company });
  if (role) {
    const roles = await server.admin.get('/api/roles');
    const found = (Array.isArray(roles) ? roles : roles.items).find((r) => r.name === role);
    if (!found) throw new Error(`no role ${role}`);
    await server.admin.post('/api/role-assignments', { role_id: found.id, user_id: user.id, scope_all: true });
  }
  const client = await signIn(server.url, email, password);
  return { id: user.id, email, password, client };
}
