// Runs in the helper's page before its own scripts (Playwright `addInitScript`). It only
// observes: the page's own code shows the video and sends the input, unchanged.
//
// - `__bench.realtimeOffset()`: the offset from this page's clock (`timeOrigin + now()`) to the
//   machine's wall clock, found at the edges of `Date.now()`'s millisecond ticks.
// - Pointer: a capture-phase `pointermove` listener on window (registered before the page's)
//   records each event's `timeStamp` (when the browser took the event in) and the handler time;
//   `RTCDataChannel.send` is wrapped to record when each `mouse_move` message leaves the page.
// - Glass: `__bench.watch(selector)` starts a `requestVideoFrameCallback` loop on the video;
//   `__bench.expect(id, rgb, old, region)` arms it: on every presented frame it samples the region
//   (normalised to the video) into a small canvas, and reports the first frame whose colour
//   differs from `old` and the first within tolerance of `rgb`, with the callback's `now` and
//   metadata (`expectedDisplayTime`, `presentationTime`, `receiveTime`, `captureTime`,
//   `processingDuration`), through the exposed binding `__glassSeen`.
(() => {
  const TOLERANCE = 48; // per channel, 0..255: H.264 in 4:2:0 keeps a flat patch within ~10
  const pointer = [];
  const sent = [];
  const bench = { sample: -1, pointer, sent, frames: 0, expecting: null };
  window.__bench = bench;

  bench.realtimeOffset = () => {
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
  };

  window.addEventListener('pointermove', (e) => {
    pointer.push({ sample: bench.sample, timeStamp: e.timeStamp, handled: performance.now(), x: e.clientX, y: e.clientY });
  }, { capture: true });

  // The page's peer connections (the helper makes a data channel on each), for getStats.
  const pcs = [];
  const createDataChannel = RTCPeerConnection.prototype.createDataChannel;
  RTCPeerConnection.prototype.createDataChannel = function (...args) {
    pcs.push(this);
    return createDataChannel.apply(this, args);
  };

  /** The received video's inbound-rtp statistics of the newest connection. */
  bench.videoStats = async () => {
    const pc = pcs[pcs.length - 1];
    if (!pc) return null;
    const stats = await pc.getStats();
    for (const s of stats.values()) if (s.type === 'inbound-rtp' && s.kind === 'video') return s;
    return null;
  };

  /** The header extensions of the video section of the newest connection's offer and answer. */
  bench.videoExtensions = () => {
    const pc = pcs[pcs.length - 1];
    const exts = (desc) => {
      const video = (desc?.sdp ?? '').split(/\r?\n(?=m=)/).find((m) => m.startsWith('m=video')) ?? '';
      return video.split(/\r?\n/).filter((l) => l.startsWith('a=extmap:')).map((l) => l.slice(9));
    };
    return pc ? { offer: exts(pc.localDescription), answer: exts(pc.remoteDescription) } : null;
  };

  /**
   * Experiment only (the product's page does not do this): a requestAnimationFrame loop, which
   * keeps the page's compositor producing frames while the picture is still.
   */
  bench.animate = () => {
    const tick = () => requestAnimationFrame(tick);
    requestAnimationFrame(tick);
  };

  const send = RTCDataChannel.prototype.send;
  RTCDataChannel.prototype.send = function (data) {
    const t = performance.now();
    const r = send.call(this, data);
    if (typeof data === 'string' && data.includes('"mouse_move"')) {
      try {
        const m = JSON.parse(data);
        sent.push({ sample: bench.sample, t, x: m.x, y: m.y });
      } catch {
        // not ours to judge
      }
    }
    return r;
  };

  const dist = (a, b) => Math.max(Math.abs(a[0] - b[0]), Math.abs(a[1] - b[1]), Math.abs(a[2] - b[2]));
  const pick = (m) => ({
    expectedDisplayTime: m.expectedDisplayTime,
    presentationTime: m.presentationTime,
    receiveTime: m.receiveTime,
    captureTime: m.captureTime,
    processingDuration: m.processingDuration,
    presentedFrames: m.presentedFrames,
    mediaTime: m.mediaTime,
    rtpTimestamp: m.rtpTimestamp,
    width: m.width,
    height: m.height,
  });

  bench.expect = (id, rgb, old, region) => {
    bench.expecting = { id, rgb, old, region, changed: null, armed: performance.now() };
  };

  bench.watch = (selector) => {
    const video = document.querySelector(selector);
    const canvas = document.createElement('canvas');
    canvas.width = 4;
    canvas.height = 4;
    const g = canvas.getContext('2d', { willReadFrequently: true });
    const onFrame = (now, meta) => {
      bench.frames++;
      const e = bench.expecting;
      if (e && video.videoWidth) {
        const vw = video.videoWidth;
        const vh = video.videoHeight;
        // The frame sampled is named by its timestamp, to check it is the one the metadata
        // describes (a newer frame could have arrived since the callback was queued).
        const frame = new VideoFrame(video);
        const frameTime = frame.timestamp / 1e6;
        g.drawImage(frame, e.region.x * vw, e.region.y * vh, e.region.w * vw, e.region.h * vh, 0, 0, 4, 4);
        frame.close();
        const d = g.getImageData(0, 0, 4, 4).data;
        const avg = [0, 0, 0];
        for (let i = 0; i < d.length; i += 4) for (let c = 0; c < 3; c++) avg[c] += d[i + c] / 16;
        const seen = { now, meta: pick(meta), frameTime, avg: avg.map(Math.round), sampled: performance.now() };
        if (!e.changed && dist(avg, e.old) > TOLERANCE) e.changed = seen;
        if (dist(avg, e.rgb) <= TOLERANCE) {
          bench.expecting = null;
          window.__glassSeen({ id: e.id, armed: e.armed, changed: e.changed, matched: seen });
        }
      }
      video.requestVideoFrameCallback(onFrame);
    };
    video.requestVideoFrameCallback(onFrame);
  };
})();
