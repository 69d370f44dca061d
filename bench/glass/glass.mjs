// Glass to glass and control input, end to end (docs/architecture.md, "Measures"), on one machine:
//
//   sharer's Xvfb (W×H) ◄── latency_probe (paints a patch at t0; timestamps MotionNotify)
//        │ X11 capture                                      ▲ XTEST
//   assist agent join (release) ── H.264 / data channel ── helper page in Chromium (headed, on its
//        │ live socket                                    own Xvfb): rVFC samples the patch;
//   assist serve (release, 127.0.0.1) ◄────────────────── page.mouse moves over the video
//
// Glass to glass: t0 is when the probe sent the fill request (the X server's round trip after it
// takes 0.1–0.5 ms); the picture counts as shown one 60 Hz display frame after the
// requestVideoFrameCallback's `presentationTime` (the frame handed to the compositor), an upper
// bound. Control input: from the pointer event's `timeStamp` in the page (when the browser took
// the event in) to the probe reading the MotionNotify. Pacing, last: frames the page receives and
// the agent's CPU over 10 s of a still screen, then 10 s of the patch changing continuously.
//
// Every time is the machine's wall clock (CLOCK_REALTIME) in milliseconds: the probe reads it
// directly; the page and this script convert `timeOrigin + performance.now()` with an offset
// measured at the edges of `Date.now()`'s ticks, at the start and end of the run.
//
// Run it through bench/glass/run.sh, which builds the release binaries and puts this script in a
// loopback-only network namespace. Arguments: [SAMPLES] [--fps N] [--size WxH] [--json FILE]
// [--animate-page] (an experiment: a requestAnimationFrame loop in the helper's page keeps its
// compositor busy, which the product's page does not do).

import { setTimeout as sleep } from 'node:timers/promises';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, createUser } from '../../tests/e2e/lib/server.mjs';
import { launch } from '../../tests/e2e/lib/browser.mjs';
import { proc } from '../../tests/e2e/lib/proc.mjs';
import { startXvfb } from '../../tests/e2e/lib/xvfb.mjs';
import { enrollAgent } from '../../tests/e2e/lib/agent.mjs';
import { summary, header, row } from './stats.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../..');

function parseArgs(argv) {
  const o = { samples: 200, fps: 30, width: 1920, height: 1080, json: null, animate: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--fps') o.fps = Number(argv[++i]);
    else if (a === '--size') [o.width, o.height] = argv[++i].split('x').map(Number);
    else if (a === '--json') o.json = argv[++i];
    else if (a === '--animate-page') o.animate = true;
    else if (/^\d+$/.test(a)) o.samples = Number(a);
    else throw new Error(`unknown argument ${a}; usage: glass.mjs [SAMPLES] [--fps N] [--size WxH] [--json FILE] [--animate-page]`);
  }
  if (!(o.samples > 0 && o.fps >= 1 && o.fps <= 60 && o.width >= 320 && o.height >= 240)) throw new Error('bad arguments');
  return o;
}

const opts = parseArgs(process.argv.slice(2));
const TARGET = process.env.CARGO_TARGET_DIR ? path.resolve(ROOT, process.env.CARGO_TARGET_DIR) : path.join(ROOT, 'target');
const BIN = process.env.ASSIST_BIN ? path.resolve(ROOT, process.env.ASSIST_BIN) : path.join(TARGET, 'release', 'assist');
const PROBE = path.join(TARGET, 'release', 'examples', 'latency_probe');
process.env.ASSIST_BIN = BIN; // for startServer
const W = opts.width;
const H = opts.height;
// The patch: macroblock-aligned, in the top-left corner, away from where the pointer goes.
const PATCH = { x: 80, y: 80, w: 160, h: 160 };
// Sampled: the middle half of the patch, normalised to the picture.
const REGION = { x: (PATCH.x + PATCH.w / 4) / W, y: (PATCH.y + PATCH.h / 4) / H, w: PATCH.w / 2 / W, h: PATCH.h / 2 / H };
const PALETTE = ['ff0000', '00ff00', '0000ff', 'ffff00', '00ffff', 'ff00ff', 'ffffff'];
const WARMUP = 5;
// One frame of the helper's display (Chromium's compositor runs at 60 Hz here).
const DISPLAY_FRAME_MS = 1000 / 60;
const SEEN_TIMEOUT_MS = 3000;
const HELPER_VIEWPORT = { width: 1280, height: 720 };

const rgb = (hex) => [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16));
const jitter = (lo, hi) => lo + Math.random() * (hi - lo);

/** This process's wall-clock offset, measured like the page's (see page-probe.js). */
function nodeRealtimeOffset() {
  const offsets = [];
  for (let k = 0; k < 15; k++) {
    const d0 = Date.now();
    let d;
    let p;
    do {
      p = performance.now();
      d = Date.now();
    } while (d === d0);
    offsets.push(d - (performance.timeOrigin + p));
  }
  offsets.sort((a, b) => a - b);
  return offsets[offsets.length >> 1];
}
const nodeNow = (offset) => performance.timeOrigin + performance.now() + offset;

function cpuSeconds(pid) {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) / 100; // utime + stime, in clock ticks of 1/100 s
  } catch {
    return NaN;
  }
}
const loadavg = () => os.loadavg().map((x) => x.toFixed(2)).join(' ');

const cleanup = [];
async function main() {
  const machine = `${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Linux ${os.release()}`;
  const loadBefore = loadavg();
  console.log(`machine: ${machine}; load average ${loadBefore}`);
  console.log(`sharer screen ${W}x${H}, agent --fps ${opts.fps}, ${opts.samples} samples each`);

  const sharerX = await startXvfb(W, H);
  cleanup.push(() => sharerX.stop());
  const helperX = await startXvfb(HELPER_VIEWPORT.width, HELPER_VIEWPORT.height + 80);
  cleanup.push(() => helperX.stop());

  const server = await startServer();
  cleanup.push(() => server.stop());
  await server.admin.put('/api/settings', { remote_help_enabled: true, allow_unenrolled_devices: true });
  const helper = await createUser(server, { email: 'helen@example.com', fullName: 'Helen Helper', role: 'Help Desk Operator' });
  const sharer = await createUser(server, { email: 'sam@example.com', fullName: 'Sam Sharer' });
  const agent = await enrollAgent(server, { bin: BIN, email: sharer.email, password: sharer.password, name: 'bench-laptop' });
  cleanup.push(() => agent.remove());

  const probe = proc(PROBE, [PATCH.x, PATCH.y, PATCH.w, PATCH.h].map(String), { env: { ...process.env, DISPLAY: sharerX.display } });
  cleanup.push(() => probe.stop());
  await probe.waitLine((l) => l.startsWith('READY'), 10_000, 'READY');

  const browser = await launch({
    display: helperX.display,
    args: [
      '--allow-loopback-in-peer-connection', '--disable-features=WebRtcHideLocalIpsWithMdns',
      '--window-position=0,0', `--window-size=${HELPER_VIEWPORT.width},${HELPER_VIEWPORT.height + 80}`,
    ],
  });
  cleanup.push(() => browser.close());
  const context = await browser.newContext({ viewport: HELPER_VIEWPORT });
  await context.addCookies([helper.client.cookie]);
  await context.addInitScript({ path: path.join(HERE, 'page-probe.js') });
  const waiting = new Map();
  await context.exposeBinding('__glassSeen', (_source, data) => waiting.get(data.id)?.(data));
  const session = await helper.client.post('/api/sessions', {});
  const page = await context.newPage();
  await page.goto(`${server.url}/sessions/${session.id}`);

  const join = agent.join(session.code, { display: sharerX.display, args: ['--fps', String(opts.fps)] });
  cleanup.push(() => join.stop());
  await join.waitLine((l) => l.startsWith('Helper: '), 20_000, 'trust line');
  await helper.client.post(`/api/sessions/${session.id}/request`, { mode: 'control' });
  await join.waitLine((l) => l.includes('asks to CONTROL'), 10_000, 'control prompt');
  join.write('allow');
  await join.waitLine((l) => l.includes('now CONTROLS'), 10_000, 'control active');
  await page.waitForFunction(() => {
    const v = document.getElementById('screen');
    return v && v.videoWidth > 0 && v.getVideoPlaybackQuality().totalVideoFrames > 3;
  }, null, { timeout: 30_000 });
  await page.evaluate(() => {
    document.getElementById('screen').scrollIntoView();
    window.__bench.watch('#screen');
  });

  const exts = await page.evaluate(() => window.__bench.videoExtensions());
  const playout = (list) => list?.find((e) => e.endsWith('/playout-delay')) ?? 'none';
  console.log(`playout-delay header extension: offer ${playout(exts?.offer)}; answer ${playout(exts?.answer)}`);

  if (opts.animate) {
    await page.evaluate(() => window.__bench.animate());
    console.log('experiment: a requestAnimationFrame loop runs in the helper page');
  }
  const timeOrigin = await page.evaluate(() => performance.timeOrigin);
  const calibrate = async () => ({ at: Date.now(), page: await page.evaluate(() => window.__bench.realtimeOffset()), node: nodeRealtimeOffset() });
  const cal0 = await calibrate();
  const nodeOffset = cal0.node;

  // ---- glass to glass
  const glass = [];
  let missed = 0;
  let old = '000000';
  const agentPid = join.child.pid;
  const cpu0 = cpuSeconds(agentPid);
  const g0 = Date.now();
  const stats0 = await page.evaluate(() => window.__bench.videoStats());
  for (let i = -WARMUP; i < opts.samples; i++) {
    const id = i + WARMUP + 1;
    const colour = PALETTE[(id - 1) % PALETTE.length];
    let resolveSeen;
    const seen = new Promise((r) => { resolveSeen = r; });
    waiting.set(id, resolveSeen);
    await page.evaluate(([id, want, was, region]) => window.__bench.expect(id, want, was, region), [id, rgb(colour), rgb(old), REGION]);
    const from = probe.lines.length;
    probe.write(`PAINT ${id} ${colour}`);
    const painted = (await probe.waitLine((l) => l.startsWith(`PAINTED ${id} `), 5000, `PAINTED ${id}`, from)).split(' ');
    const result = await Promise.race([seen, sleep(SEEN_TIMEOUT_MS).then(() => null)]);
    waiting.delete(id);
    old = colour;
    if (i >= 0) {
      if (!result) missed++;
      else glass.push({ id, colour, sent: Number(painted[2]), done: Number(painted[3]), ...result });
    }
    if (!result) await page.evaluate(() => { window.__bench.expecting = null; });
    // Spaced so that each change is independent and falls at a random phase of the capture tick.
    await sleep(jitter(150, 400));
  }
  const stats1 = await page.evaluate(() => window.__bench.videoStats());
  const glassSeconds = (Date.now() - g0) / 1000;
  const agentCpu = (cpuSeconds(agentPid) - cpu0) / glassSeconds;

  // ---- control input
  const { rect } = await page.evaluate(async () => {
    const { contentRect } = await import('/static/js/remote-control.js');
    return { rect: contentRect(document.getElementById('screen')) };
  });
  const client = (i) => {
    // Golden-ratio steps: every move lands far from the last, inside the middle of the picture
    // (and below the patch's corner), so each gives exactly one MotionNotify.
    const nx = 0.3 + 0.6 * ((i * 0.6180339887) % 1);
    const ny = 0.35 + 0.55 * ((i * 0.7548776662 + 0.5) % 1);
    return { x: rect.left + nx * rect.width, y: rect.top + ny * rect.height };
  };
  // Warm up: the page attaches remote control when the session became active in control.
  for (let k = 0; ; k++) {
    if (k > 40) throw new Error('pointer moves never reached the probe');
    const from = probe.lines.length;
    const p = client(10_000 + k);
    await page.mouse.move(p.x, p.y);
    try {
      await probe.waitLine((l) => l.startsWith('MOTION '), 500, 'motion', from);
      break;
    } catch {
      // not attached yet
    }
  }
  const moves = [];
  let missedMoves = 0;
  for (let i = 0; i < opts.samples; i++) {
    await page.evaluate((i) => { window.__bench.sample = i; }, i);
    const p = client(i);
    const from = probe.lines.length;
    const t = nodeNow(nodeOffset);
    await page.mouse.move(p.x, p.y);
    try {
      const m = (await probe.waitLine((l) => l.startsWith('MOTION '), 2000, 'motion', from)).split(' ');
      moves.push({ sample: i, node: t, mx: Number(m[1]), my: Number(m[2]), injected: Number(m[3]) });
    } catch {
      missedMoves++;
    }
    await sleep(jitter(50, 150));
  }
  const records = await page.evaluate(() => ({ pointer: window.__bench.pointer, sent: window.__bench.sent }));
  const cal1 = await calibrate();

  // ---- pacing: frames the helper receives, and the agent's CPU, on a still screen and while
  // the patch changes continuously (far more often than --fps)
  const pacing = async (seconds, moving) => {
    await page.evaluate(() => { window.__bench.expecting = null; });
    const s0 = await page.evaluate(() => window.__bench.videoStats());
    const c0 = cpuSeconds(agentPid);
    const t0 = Date.now();
    let paints = 0;
    while (Date.now() - t0 < seconds * 1000) {
      if (moving) {
        const id = 100_000 + paints;
        const from = probe.lines.length;
        probe.write(`PAINT ${id} ${PALETTE[paints % PALETTE.length]}`);
        await probe.waitLine((l) => l.startsWith(`PAINTED ${id} `), 5000, `PAINTED ${id}`, from);
        paints++;
        await sleep(2);
      } else {
        await sleep(100);
      }
    }
    const wall = (Date.now() - t0) / 1000;
    const s1 = await page.evaluate(() => window.__bench.videoStats());
    return {
      paintsPerSecond: paints / wall,
      framesPerSecond: ((s1?.framesReceived ?? NaN) - (s0?.framesReceived ?? NaN)) / wall,
      cpu: (cpuSeconds(agentPid) - c0) / wall,
    };
  };
  const still = await pacing(10, false);
  const moving = await pacing(10, true);
  const loadAfter = loadavg();

  join.write('q');
  await join.exited;
  const inputLine = join.lines.find((l) => l.startsWith('Input:'));

  // ---- analysis
  // Page time → wall clock, the offset interpolated between the two calibrations.
  const pageReal = (t) => {
    const real0 = timeOrigin + t + cal0.page;
    const f = (real0 - cal0.at) / Math.max(1, cal1.at - cal0.at);
    return real0 + f * (cal1.page - cal0.page);
  };
  const g = glass.map((s) => {
    const m = s.matched.meta;
    const r = (t) => (Number.isFinite(t) ? pageReal(t) - s.sent : NaN);
    return {
      // On glass at the latest: one display frame after the frame was handed to the compositor.
      // (Chromium's expectedDisplayTime is not used: it is stale when the page's compositor was
      // idle, and unrelated to the display when the sender asks for zero playout delay.)
      shown: r(m.presentationTime + DISPLAY_FRAME_MS),
      expected: r(m.expectedDisplayTime),
      staleExpected: m.expectedDisplayTime < m.presentationTime,
      presented: r(m.presentationTime),
      callback: r(s.matched.now),
      received: r(m.receiveTime),
      decode: m.processingDuration * 1000,
      receivedToPresented: m.presentationTime - m.receiveTime,
      presentedToShown: m.expectedDisplayTime - m.presentationTime,
      earlierChange: s.changed && s.changed.meta.presentedFrames !== m.presentedFrames ? r(s.changed.meta.expectedDisplayTime) : NaN,
      frameMismatch: Math.abs(s.matched.frameTime - m.mediaTime) > 0.0005,
      paintRoundTrip: s.done - s.sent,
    };
  });
  // The first record of each sample (a move gives one pointer event and one message).
  const bySample = (list) => {
    const m = new Map();
    for (const r of list) if (r.sample >= 0 && !m.has(r.sample)) m.set(r.sample, r);
    return m;
  };
  const pointerBy = bySample(records.pointer);
  const sentBy = bySample(records.sent);
  let misplaced = 0;
  const c = moves.map((mv) => {
    const pe = pointerBy.get(mv.sample);
    const se = sentBy.get(mv.sample);
    if (se) {
      const want = [Math.round(se.x * (W - 1)), Math.round(se.y * (H - 1))];
      if (Math.abs(want[0] - mv.mx) > 1 || Math.abs(want[1] - mv.my) > 1) misplaced++;
    }
    return {
      event: pe ? mv.injected - pageReal(pe.timeStamp) : NaN,
      handler: pe ? mv.injected - pageReal(pe.handled) : NaN,
      send: se ? mv.injected - pageReal(se.t) : NaN,
      eventToSend: pe && se ? se.t - pe.timeStamp : NaN,
      node: mv.injected - mv.node,
    };
  });

  const col = (list, k) => list.map((x) => x[k]);
  const gs = summary(col(g, 'shown'));
  const cs = summary(col(c, 'event'));
  const verdict = (ok) => (ok ? 'met' : 'NOT met');
  console.log('');
  console.log(`== glass to glass: ${g.length} samples (${missed} not seen within ${SEEN_TIMEOUT_MS} ms), t0 = the X fill request sent`);
  console.log(header());
  console.log(row('t0 → shown (presentationTime + 16.7 ms) [main]', gs));
  console.log(row('t0 → rVFC expectedDisplayTime', summary(col(g, 'expected'))));
  console.log(row('t0 → presented (rVFC presentationTime)', summary(col(g, 'presented'))));
  console.log(row('t0 → rVFC callback (now)', summary(col(g, 'callback'))));
  console.log(row('t0 → last packet received (receiveTime)', summary(col(g, 'received'))));
  console.log(row('  received → presented (jitter buffer, decode, render)', summary(col(g, 'receivedToPresented'))));
  console.log(row('  decode (processingDuration)', summary(col(g, 'decode'))));
  console.log(row('  presented → expectedDisplayTime', summary(col(g, 'presentedToShown'))));
  console.log(row('  X fill round trip (t0 uncertainty)', summary(col(g, 'paintRoundTrip'))));
  const early = g.filter((x) => Number.isFinite(x.earlierChange)).length;
  const mismatch = g.filter((x) => x.frameMismatch).length;
  const stale = g.filter((x) => x.staleExpected).length;
  console.log(`frames whose expectedDisplayTime is before their presentationTime: ${stale}`);
  console.log(`frames where the patch had left the old colour before matching the new one: ${early}; sampled frame ≠ callback's frame: ${mismatch}`);
  if (stats0 && stats1) {
    const d = (k) => (stats1[k] ?? NaN) - (stats0[k] ?? NaN);
    const emitted = d('jitterBufferEmittedCount');
    const per = (k) => ((1000 * d(k)) / emitted).toFixed(1);
    console.log(`receiver (getStats over the glass phase): ${d('framesReceived')} frames received, ${d('framesDecoded')} decoded, ${d('keyFramesDecoded')} keyframes, ${d('framesDropped')} dropped, ${d('pliCount')} PLI, ${d('nackCount')} NACK; per frame: jitter buffer delay ${per('jitterBufferDelay')} ms, target ${per('jitterBufferTargetDelay')} ms, minimum ${per('jitterBufferMinimumDelay')} ms, processing ${(1000 * d('totalProcessingDelay') / d('framesDecoded')).toFixed(1)} ms, decode ${(1000 * d('totalDecodeTime') / d('framesDecoded')).toFixed(1)} ms, assembly ${(1000 * d('totalAssemblyTime') / Math.max(1, d('framesAssembledFromMultiplePackets'))).toFixed(1)} ms; ${stats1.frameWidth}x${stats1.frameHeight}, ${stats1.decoderImplementation}`);
  }
  console.log(`agent CPU during the glass phase: ${(agentCpu * 100).toFixed(0)} % of one core`);
  console.log(`bar: p50 ≤ 50 ms, p99 ≤ 100 ms → p50 ${gs.p50.toFixed(1)} ms ${verdict(gs.p50 <= 50)}, p99 ${gs.p99.toFixed(1)} ms ${verdict(gs.p99 <= 100)}`);
  console.log('');
  console.log(`== control input: ${c.length} pointer moves (${missedMoves} never reached the probe, ${misplaced} landed off target)`);
  console.log(header());
  console.log(row('pointer event (timeStamp) → MotionNotify  [main]', cs));
  console.log(row('pointermove handler → MotionNotify', summary(col(c, 'handler'))));
  console.log(row('data channel send → MotionNotify', summary(col(c, 'send'))));
  console.log(row('  event → send (in the page)', summary(col(c, 'eventToSend'))));
  console.log(row('page.mouse.move called → MotionNotify', summary(col(c, 'node'))));
  console.log(`bar: p99 ≤ 30 ms → p99 ${cs.p99.toFixed(1)} ms ${verdict(cs.p99 <= 30)}`);
  if (inputLine) console.log(`agent: ${inputLine}`);
  console.log('');
  console.log(`== pacing (agent --fps ${opts.fps}), 10 s each`);
  console.log(`still screen: ${still.framesPerSecond.toFixed(1)} frames/s received, agent CPU ${(still.cpu * 100).toFixed(1)} % of one core`);
  console.log(`patch changing ${moving.paintsPerSecond.toFixed(0)} times/s: ${moving.framesPerSecond.toFixed(1)} frames/s received, agent CPU ${(moving.cpu * 100).toFixed(1)} % of one core`);
  console.log('');
  console.log(`clock offsets (page, node → wall clock): start ${cal0.page.toFixed(3)}, ${cal0.node.toFixed(3)} ms; end ${cal1.page.toFixed(3)}, ${cal1.node.toFixed(3)} ms`);
  console.log(`load average: before ${loadBefore}, after ${loadAfter}`);
  if (opts.json) {
    writeFileSync(opts.json, JSON.stringify({ opts, machine, loadBefore, loadAfter, cal0, cal1, timeOrigin, stats0, stats1, glass, moves, records, pacing: { still, moving }, derived: { glass: g, control: c } }, null, 1));
    console.log(`raw samples: ${opts.json}`);
  }
}

try {
  await main();
} catch (e) {
  console.error(e);
  process.exitCode = 1;
} finally {
  for (const f of cleanup.reverse()) await Promise.resolve().then(f).catch(() => {});
}
