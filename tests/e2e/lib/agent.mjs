// The native agent for browser tests and benchmarks: enrolled on a server with a fresh enrollment
// token, signed in as a sharer, then `assist agent join CODE` on an X display as a line-speaking
// child process (see proc.mjs).
//
//   const agent = enrollAgent(server, { bin, email, password });   // server from startServer()
//   const join = agent.join(code, { display: ':5', args: ['--fps', '30'], env: { ASSIST_LOG: 'info' } });
//   await join.waitLine((l) => l.startsWith('Helper: '), 20_000, 'trust line');
//   join.write('allow');
//   agent.remove();

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { proc } from './proc.mjs';

/**
 * Enrolls an agent (its own config directory) and signs it in as `email`.
 * `server` is what startServer() returns; `bin` the assist binary.
 */
export async function enrollAgent(server, { bin, email, password, name = 'e2e-laptop' }) {
  const configDir = mkdtempSync(path.join(tmpdir(), 'assist-agent-'));
  const env = { ...process.env, ASSIST_LOG: process.env.ASSIST_LOG || 'warn' };
  const run = (args, input) => {
    const r = spawnSync(bin, ['agent', '--config-dir', configDir, ...args], { input, encoding: 'utf8', env });
    if (r.status !== 0) throw new Error(`assist agent ${args[0]} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
    return r.stdout;
  };
  const enrollment = await server.admin.post('/api/enrollment-tokens', { name });
  run(['enroll', '--server', server.url, '--token', enrollment.token, '--name', name]);
  const signedIn = run(['login', '--email', email, '--password-stdin'], `${password}\n`);
  return {
    configDir,
    signedIn,
    /**
     * `assist agent join CODE --display D [args]`; the sharer answers prompts on its stdin.
     * `env`: variables added to the agent's environment (ASSIST_LOG, ASSIST_AGENT_RELAY_ONLY, ...).
     */
    join(code, { display, args = [], env: extra = {} } = {}) {
      return proc(bin, ['agent', '--config-dir', configDir, 'join', code, ...(display ? ['--display', display] : []), ...args], { env: { ...env, ...extra } });
    },
    remove() {
      rmSync(configDir, { recursive: true, force: true });
    },
  };
}
