// The native agent's video through a real TURN relay, both sides relay only.
//
// coturn (Debian package `coturn`, binary `turnserver`) runs on 127.0.0.1 with `use-auth-secret`
// and a shared secret; an Assist server is told about it with `--turn-url` and `--turn-secret`.
// The real agent (`assist agent join`, enrolled and signed in as the sharer) shares a private Xvfb
// screen; the helper watches on the live helper page (`/sessions/{id}`) in real Chromium. Both
// sides are relay only: the agent with `ASSIST_AGENT_RELAY_ONLY=1` (no host candidate), the page
// with `iceTransportPolicy: 'relay'` forced on its RTCPeerConnection (as an administrator's
// policy would). Both fetch their ICE servers from `GET /api/sessions/{id}/ice-servers`.
//
// Checked: the helper decodes the agent's H.264 frames; the selected candidate pair is `relay`
// on the local and on the remote side (getStats); coturn logged allocations for both users; the
// agent logged its relay allocation. Printed: allocation time, Allow → first decoded frame,
// frames per second through the relay.
//
// WebRTC stays on loopback: run inside netns.sh (only `lo` up).
// Run: cd tests/e2e && npm ci && ./netns.sh node --test agent-turn.test.mjs
// Needs Xvfb, /usr/bin/chromium and /usr/bin/turnserver; builds the `assist` binary (debug).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { buildBinaries, createUser, startServer } from './lib/server.mjs';
import { helperSession, launch, videoPixels } from './lib/browser.mjs';
import { startXvfb } from './lib/xvfb.mjs';
import { enrollAgent } from './lib/agent.mjs';
import { startTurn } from './lib/turn.mjs';

const W = 1280;
const H = 720;

let turn;
let xvfb;
let server;
let browser;
let enrolled;
let helperUser;
let sharerUser;

before(async () => {
  const { bin } = buildBinaries();
  turn = await startTurn();
  xvfb = await startXvfb(W, H);
  server = await startServer({ timeoutMs: 60_000, extraArgs: turn.serverArgs });
  await server.admin.put('/api/settings', { remote_help_enabled: true, allow_unenrolled_devices: true });
  helperUser = await createUser(server, { email: 'helen@example.com', fullName: 'Helen Helper', role: 'Help Desk Operator' });
  sharerUser = await createUser(server, { email: 'sam@example.com', fullName: 'Sam Sharer' });
  enrolled = await enrollAgent(server, { bin, email: sharerUser.email, password: sharerUser.password, name: 'e2e-turn-laptop' });
  assert.match(enrolled.signedIn, /Signed in as Sam Sharer/);

  browser = await launch({ loopback: true });
});

after(async () => {
  await browser?.close().catch(() => {});
  await server?.stop();
  await xvfb?.stop();
  await turn?.stop();
  enrolled?.remove();
});

/** In the helper page: the selected pair's candidate types and the decoded video frames. */
async function pageStats(page) {
  return page.evaluate(async () => {
    const pc = (window.__pcs || []).filter((p) => p.connectionState !== 'closed').pop();
    if (!pc) return { local: null, remote: null, frames: 0, remoteAddress: null };
    const stats = await pc.getStats();
    let pair;
    stats.forEach((s) => {
      if (s.type === 'transport' && s.selectedCandidatePairId) pair = stats.get(s.selectedCandidatePairId);
    });
    let frames = 0;
    stats.forEach((s) => {
      if (s.type === 'inbound-rtp' && s.kind === 'video') frames = s.framesDecoded || 0;
    });
    const local = pair ? stats.get(pair.localCandidateId) : null;
    const remote = pair ? stats.get(pair.remoteCandidateId) : null;
    return {
      local: local?.candidateType ?? null,
      remote: remote?.candidateType ?? null,
      remoteAddress: remote ? `${remote.address}:${remote.port}` : null,
      frames,
      remoteSdp: pc.remoteDescription?.sdp ?? '',
    };
  });
}

test('the agent sends video to the helper through coturn, both sides relay only', { timeout: 120_000 }, async () => {
  const { context, page, code, request } = await helperSession(browser, server.url, helperUser, {
    viewport: { width: 800, height: 600 },
    // The page's peer connections are relay only, and kept for getStats.
    init: () => {
      const Native = window.RTCPeerConnection;
      function RelayOnly(config, ...rest) {
        const pc = new Native({ ...(config || {}), iceTransportPolicy: 'relay' }, ...rest);
        (window.__pcs = window.__pcs || []).push(pc);
        return pc;
      }
      RelayOnly.prototype = Native.prototype;
      window.RTCPeerConnection = RelayOnly;
    },
  });

  let painter = null;
  const agent = enrolled.join(code, {
    display: xvfb.display,
    // The log on standard error (not agent.log): the test reads the allocation from it.
    env: { ASSIST_LOG: process.env.ASSIST_E2E_AGENT_LOG || 'warn,assist_agent::media=info', ASSIST_AGENT_RELAY_ONLY: '1', ASSIST_AGENT_LOG_TO: 'stderr' },
  });
  try {
    await agent.waitLine((l) => l.startsWith('Helper: '), 30_000, 'trust line');
    await request('view');
    await agent.waitLine((l) => l.includes('asks to SEE'), 10_000, 'view prompt');
    // The screen changes ten times a second (the agent skips unchanged frames).
    const colours = ['#d02020', '#20a040', '#2040d0', '#e0c020'];
    let n = 0;
    painter = setInterval(() => {
      spawn('xsetroot', ['-solid', colours[n++ % colours.length]], { env: { ...process.env, DISPLAY: xvfb.display }, stdio: 'ignore' });
    }, 100);
    const allowedAt = Date.now();
    agent.write('a');

    // The first decoded frame, then frames for two seconds.
    let s;
    let firstFrameAt = null;
    const deadline = Date.now() + 30_000;
    for (;;) {
      s = await pageStats(page);
      if (s.frames > 0 && firstFrameAt === null) firstFrameAt = Date.now();
      if (firstFrameAt !== null && Date.now() - firstFrameAt >= 2000) break;
      if (Date.now() > deadline) {
        throw new Error(`no video through the relay: ${JSON.stringify({ ...s, remoteSdp: undefined })}\n`
          + `agent stderr:\n${agent.stderr}\ncoturn:\n${turn.log()}`);
      }
      await new Promise((res) => setTimeout(res, 100));
    }
    const fps = (s.frames - 1) / ((Date.now() - firstFrameAt) / 1000);
    // Away from the middle, where the sharer's pointer sits (drawn in the picture, black there).
    const [pixel] = (await videoPixels(page, { points: [[0.25, 0.25]] })).points;
    clearInterval(painter);
    assert.ok(Math.max(...pixel) > 100, `the picture is one of the screen's colours, not black: ${pixel}`);

    // The agent answered with relay candidates only, and the selected pair is relay on both ends.
    assert.match(s.remoteSdp, / typ relay/, 'the agent offered a relay candidate');
    assert.doesNotMatch(s.remoteSdp, / typ (host|srflx)/, 'and nothing else (relay only)');
    assert.equal(s.local, 'relay', 'the page sends from its relay');
    assert.equal(s.remote, 'relay', 'to the agent\'s relay');
    assert.ok(s.frames >= 10, `frames decoded: ${s.frames}`);
    const size = await page.evaluate(() => {
      const v = document.getElementById('screen');
      return [v.videoWidth, v.videoHeight];
    });
    assert.deepEqual(size, [W, H]);

    // Both users allocated on coturn; the agent logged its allocation.
    assert.match(turn.log(), new RegExp(`:${helperUser.id}`), 'coturn logged the helper allocation');
    assert.match(turn.log(), new RegExp(`:${sharerUser.id}`), 'coturn logged the agent allocation');
    const allocated = await agent.waitErr((l) => l.includes('TURN relay allocated'), 1000, 'allocation log');
    const ms = /ms=(\d+)/.exec(allocated);
    console.log(`agent relay allocated in ${ms ? ms[1] : '?'} ms; Allow → first frame through the relay `
      + `${firstFrameAt - allowedAt} ms; ${s.frames} frames decoded, ${fps.toFixed(1)} fps; pair ${s.local} → ${s.remote} (${s.remoteAddress})`);

    agent.write('q');
    assert.equal(await agent.exited, 0, agent.stderr);
  } finally {
    clearInterval(painter);
    await agent.stop();
    await context.close();
  }
});
