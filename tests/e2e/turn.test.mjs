// Media through a real TURN relay with the credentials Assist issues.
//
// The test starts coturn (Debian package `coturn`, binary `turnserver`) on 127.0.0.1 with
// `use-auth-secret` and a shared secret, and an Assist server told about it with `--turn-url` and
// `--turn-secret`. A helper and a sharer take part in a session; each page fetches its ICE servers
// from `GET /api/sessions/{id}/ice-servers` and opens an RTCPeerConnection with
// `iceTransportPolicy: 'relay'`, so the only way between them is the relay. The sharer sends an
// animated canvas as a video track plus a data channel; the test checks that the helper decodes
// frames, that data-channel messages arrive both ways, and that the selected candidate pair is
// `relay` on both sides. Offer and answer travel through the test process (the live socket's
// signalling is covered by the session tests).
//
// Run: cd tests/e2e && npm ci && node --test turn.test.mjs (needs /usr/bin/chromium and turnserver).
// Everything listens on 127.0.0.1; coturn is stopped at the end.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, createUser } from './lib/server.mjs';
import { launch } from './lib/browser.mjs';
import { startTurn } from './lib/turn.mjs';

let turn;
let server;
let browser;

before(async () => {
  turn = await startTurn();
  server = await startServer({ extraArgs: turn.serverArgs });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await turn?.stop();
});

/** A page of `user`, on the server's origin, signed in by cookie. */
async function pageOf(user) {
  const ctx = await browser.newContext({ bypassCSP: true });
  await ctx.addCookies([user.client.cookie]);
  const page = await ctx.newPage();
  await page.goto(`${server.url}/healthz`);
  return page;
}

/** In the page: fetch the ICE servers and open a relay-only peer connection (global `pc`). */
async function openPeer(page, sessionId) {
  return page.evaluate(async (id) => {
    const res = await fetch(`/api/sessions/${id}/ice-servers`, { credentials: 'same-origin' });
    if (!res.ok) throw new Error(`ice-servers: ${res.status}`);
    const ice = await res.json();
    window.pc = new RTCPeerConnection({ iceServers: ice.ice_servers, iceTransportPolicy: 'relay' });
    window.received = [];
    window.gathered = new Promise((resolve) => {
      window.pc.onicegatheringstatechange = () => {
        if (window.pc.iceGatheringState === 'complete') resolve();
      };
    });
    return ice;
  }, sessionId);
}

/** In the page: the candidate types of the selected pair, and decoded video frames. */
async function relayStats(page) {
  return page.evaluate(async () => {
    const stats = await window.pc.getStats();
    let pair;
    stats.forEach((s) => {
      if (s.type === 'transport' && s.selectedCandidatePairId) pair = stats.get(s.selectedCandidatePairId);
    });
    if (!pair) {
      stats.forEach((s) => {
        if (s.type === 'candidate-pair' && s.state === 'succeeded' && s.nominated) pair = s;
      });
    }
    let frames = 0;
    stats.forEach((s) => {
      if (s.type === 'inbound-rtp' && s.kind === 'video') frames = s.framesDecoded || 0;
    });
    return {
      local: pair ? stats.get(pair.localCandidateId)?.candidateType : null,
      remote: pair ? stats.get(pair.remoteCandidateId)?.candidateType : null,
      frames,
    };
  });
}

test('media and data flow through coturn with the credentials Assist issues', { timeout: 90000 }, async () => {
  await server.admin.put('/api/settings', { remote_help_enabled: true, allow_unenrolled_devices: true });
  const stamp = Date.now();
  const helper = await createUser(server, { email: `helper-${stamp}@example.com`, fullName: 'Helen Helper', role: 'Help Desk Operator' });
  const sharer = await createUser(server, { email: `sharer-${stamp}@example.com`, fullName: 'Sam Sharer' });
  const outsider = await createUser(server, { email: `outsider-${stamp}@example.com`, fullName: 'Olga Outsider' });
  const session = await helper.client.post('/api/sessions', {});
  await sharer.client.post('/api/sessions/join', { code: session.code });

  // Only participants get credentials.
  await assert.rejects(outsider.client.get(`/api/sessions/${session.id}/ice-servers`), /404/);

  const hp = await pageOf(helper);
  const sp = await pageOf(sharer);
  const hIce = await openPeer(hp, session.id);
  const sIce = await openPeer(sp, session.id);
  for (const [ice, user] of [[hIce, helper], [sIce, sharer]]) {
    assert.equal(ice.ice_servers.length, 1);
    assert.deepEqual(ice.ice_servers[0].urls, [`turn:127.0.0.1:${turn.port}?transport=udp`]);
    assert.match(ice.ice_servers[0].username, new RegExp(`^\\d+:${user.id}$`));
  }

  // The sharer: an animated canvas as the video track, and a data channel; it makes the offer.
  const offer = await sp.evaluate(async () => {
    const canvas = document.createElement('canvas');
    canvas.width = 320;
    canvas.height = 240;
    document.body.appendChild(canvas);
    const g = canvas.getContext('2d');
    let n = 0;
    setInterval(() => {
      n++;
      g.fillStyle = `hsl(${(n * 7) % 360} 80% 50%)`;
      g.fillRect(0, 0, 320, 240);
      g.fillStyle = '#fff';
      g.fillRect((n * 5) % 300, 100, 20, 20);
    }, 33);
    const stream = canvas.captureStream(30);
    for (const t of stream.getTracks()) window.pc.addTrack(t, stream);
    window.dc = window.pc.createDataChannel('input');
    window.dc.onmessage = (e) => window.received.push(e.data);
    window.dcOpen = new Promise((r) => { window.dc.onopen = r; });
    await window.pc.setLocalDescription(await window.pc.createOffer());
    await window.gathered;
    return window.pc.localDescription.toJSON();
  });
  assert.ok(/ typ relay/.test(offer.sdp), 'the sharer gathered relay candidates');
  assert.ok(!/ typ host/.test(offer.sdp), 'and no host candidates');

  // The helper answers, shows the video, and echoes data-channel messages.
  const answer = await hp.evaluate(async (offer) => {
    const video = document.createElement('video');
    video.muted = true;
    video.autoplay = true;
    document.body.appendChild(video);
    window.pc.ontrack = (e) => { video.srcObject = e.streams[0]; };
    window.pc.ondatachannel = (e) => {
      window.dc = e.channel;
      e.channel.onmessage = (m) => {
        window.received.push(m.data);
        e.channel.send(`echo ${m.data}`);
      };
    };
    await window.pc.setRemoteDescription(offer);
    await window.pc.setLocalDescription(await window.pc.createAnswer());
    await window.gathered;
    return window.pc.localDescription.toJSON();
  }, offer);
  assert.ok(/ typ relay/.test(answer.sdp), 'the helper gathered relay candidates');
  await sp.evaluate(async (answer) => {
    await window.pc.setRemoteDescription(answer);
    await window.dcOpen;
    window.dc.send('click 10 20');
  }, answer);

  // Data both ways, video frames decoded, and the selected pair is relay on both sides.
  const deadline = Date.now() + 30000;
  let h;
  let s;
  for (;;) {
    h = await relayStats(hp);
    s = await relayStats(sp);
    const got = await hp.evaluate(() => window.received.slice());
    const echoed = await sp.evaluate(() => window.received.slice());
    if (h.frames >= 30 && got.includes('click 10 20') && echoed.includes('echo click 10 20')) break;
    if (Date.now() > deadline) {
      throw new Error(`no media through the relay: helper ${JSON.stringify(h)} got ${JSON.stringify(got)}; `
        + `sharer ${JSON.stringify(s)} got ${JSON.stringify(echoed)}\n${turn.log()}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  assert.equal(h.local, 'relay');
  assert.equal(h.remote, 'relay');
  assert.equal(s.local, 'relay');
  assert.equal(s.remote, 'relay');
  console.log(`frames decoded through the relay: ${h.frames}`);

  // The relay saw authenticated allocations for both users.
  assert.match(turn.log(), new RegExp(`${helper.id}`), 'coturn logged the helper allocation');
  assert.match(turn.log(), new RegExp(`${sharer.id}`), 'coturn logged the sharer allocation');
});

test('a forged credential gets no relay', { timeout: 30000 }, async () => {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.goto(`${server.url}/healthz`);
  const types = await page.evaluate(async (port) => {
    const pc = new RTCPeerConnection({
      iceServers: [{ urls: [`turn:127.0.0.1:${port}?transport=udp`], username: `${Math.floor(Date.now() / 1000) + 3600}:nobody`, credential: 'bm90IHRoZSBobWFj' }],
      iceTransportPolicy: 'relay',
    });
    pc.createDataChannel('x');
    const done = new Promise((r) => {
      pc.onicegatheringstatechange = () => { if (pc.iceGatheringState === 'complete') r(); };
      setTimeout(r, 10000);
    });
    await pc.setLocalDescription(await pc.createOffer());
    await done;
    return [...pc.localDescription.sdp.matchAll(/ typ (\w+)/g)].map((m) => m[1]);
  }, turn.port);
  assert.deepEqual(types, [], 'no candidates without a valid HMAC');
  await ctx.close();
});
