// Remote control from the helper's page: pointer, wheel and keyboard events on the video of the
// sharer's screen become `InputEvent` JSON messages (see crates/input/src/event.rs) on the
// WebRTC data channel named "input". The native agent injects them only while the session is
// Active(control); this module only sends while the page enables it.
//
//   import { attachRemoteControl } from '/static/js/remote-control.js';
//   const rc = attachRemoteControl(videoEl, dataChannel);   // enabled at once
//   rc.disable(); rc.enable(); rc.enabled;                   // follow the session's active_mode
//   rc.detach();                                             // remove every listener
//
// Pointer coordinates are normalised to the picture itself (0..1 over the video's content box,
// letterbox bars excluded, whatever `object-fit: contain` did); events over the bars are not
// sent. Keys carry `code` (the physical key) and `key` (what the helper's layout made of it): the
// agent types by meaning. Held keys and buttons are released when the video loses focus, on
// disable and on detach, so nothing stays pressed on the sharer's desktop.

const BUTTONS = ['left', 'middle', 'right', 'back', 'forward'];
const LINE_PIXELS = 40;
const PAGE_PIXELS = 800;
const MAX_TEXT_CHARS = 1024;

/**
 * Where the picture is drawn inside the element: the content box with `object-fit: contain`.
 * @param {HTMLVideoElement} video
 * @returns {{left:number, top:number, width:number, height:number} | null}
 */
export function contentRect(video) {
  const box = video.getBoundingClientRect();
  const vw = video.videoWidth;
  const vh = video.videoHeight;
  if (!vw || !vh || box.width <= 0 || box.height <= 0) return null;
  const fit = getComputedStyle(video).objectFit || 'contain';
  if (fit === 'fill') return { left: box.left, top: box.top, width: box.width, height: box.height };
  const scale = Math.min(box.width / vw, box.height / vh);
  const width = vw * scale;
  const height = vh * scale;
  return {
    left: box.left + (box.width - width) / 2,
    top: box.top + (box.height - height) / 2,
    width,
    height,
  };
}

/**
 * Normalised (0..1) position of a client point over the picture, or null over the bars.
 * @param {HTMLVideoElement} video
 * @param {number} clientX
 * @param {number} clientY
 */
export function normalisedPoint(video, clientX, clientY) {
  const r = contentRect(video);
  if (!r) return null;
  const x = (clientX - r.left) / r.width;
  const y = (clientY - r.top) / r.height;
  if (x < 0 || x > 1 || y < 0 || y > 1) return null;
  return { x, y };
}

/**
 * Sends the helper's input on `dataChannel` while enabled.
 * @param {HTMLVideoElement} videoEl
 * @param {RTCDataChannel} dataChannel
 * @param {{enabled?: boolean}} [options]
 */
export function attachRemoteControl(videoEl, dataChannel, options = {}) {
  let enabled = options.enabled !== false;
  const heldKeys = new Map(); // code -> key
  const heldButtons = new Set();
  let last = null;

  const previousTabIndex = videoEl.getAttribute('tabindex');
  if (previousTabIndex === null) videoEl.setAttribute('tabindex', '0');
  videoEl.style.touchAction = 'none';

  function send(ev) {
    if (!enabled || dataChannel.readyState !== 'open') return false;
    dataChannel.send(JSON.stringify(ev));
    return true;
  }

  function releaseAll() {
    for (const [code, key] of heldKeys) send({ t: 'key', code, key, down: false });
    heldKeys.clear();
    for (const button of heldButtons) send({ t: 'mouse_button', button, down: false });
    heldButtons.clear();
  }

  function move(e) {
    const p = normalisedPoint(videoEl, e.clientX, e.clientY);
    if (!p) return false;
    if (!last || last.x !== p.x || last.y !== p.y) {
      last = p;
      send({ t: 'mouse_move', x: p.x, y: p.y });
    }
    return true;
  }

  const on = {
    pointermove(e) {
      if (!enabled) return;
      move(e);
    },
    pointerdown(e) {
      if (!enabled) return;
      videoEl.focus({ preventScroll: true });
      const button = BUTTONS[e.button];
      if (!button || !move(e)) return;
      e.preventDefault();
      try {
        videoEl.setPointerCapture(e.pointerId);
      } catch {
        // not capturable (synthetic event): fine
      }
      heldButtons.add(button);
      send({ t: 'mouse_button', button, down: true });
    },
    pointerup(e) {
      if (!enabled) return;
      const button = BUTTONS[e.button];
      if (!button || !heldButtons.has(button)) return;
      e.preventDefault();
      move(e);
      heldButtons.delete(button);
      send({ t: 'mouse_button', button, down: false });
    },
    wheel(e) {
      if (!enabled) return;
      if (!normalisedPoint(videoEl, e.clientX, e.clientY)) return;
      e.preventDefault();
      const unit = e.deltaMode === 1 ? LINE_PIXELS : e.deltaMode === 2 ? PAGE_PIXELS : 1;
      send({ t: 'wheel', dx: e.deltaX * unit, dy: e.deltaY * unit });
    },
    contextmenu(e) {
      if (enabled) e.preventDefault();
    },
    keydown(e) {
      if (!enabled || e.isComposing) return;
      // Everything goes to the sharer: Tab, Backspace, F5, Ctrl+F... (the browser keeps the
      // few it never lets a page have, such as Ctrl+W).
      e.preventDefault();
      e.stopPropagation();
      heldKeys.set(e.code, e.key);
      send({ t: 'key', code: e.code, key: e.key, down: true });
    },
    keyup(e) {
      if (!enabled || e.isComposing) return;
      e.preventDefault();
      e.stopPropagation();
      heldKeys.delete(e.code);
      send({ t: 'key', code: e.code, key: e.key, down: false });
    },
    compositionend(e) {
      if (!enabled || !e.data) return;
      send({ t: 'text', text: e.data.slice(0, MAX_TEXT_CHARS) });
    },
    paste(e) {
      if (!enabled) return;
      const text = e.clipboardData ? e.clipboardData.getData('text/plain') : '';
      if (!text) return;
      e.preventDefault();
      const chars = Array.from(text);
      for (let i = 0; i < chars.length; i += MAX_TEXT_CHARS) {
        send({ t: 'text', text: chars.slice(i, i + MAX_TEXT_CHARS).join('') });
      }
    },
    blur() {
      releaseAll();
    },
  };

  const passiveFalse = { passive: false };
  for (const [name, fn] of Object.entries(on)) videoEl.addEventListener(name, fn, passiveFalse);

  return {
    get enabled() {
      return enabled;
    },
    enable() {
      enabled = true;
    },
    disable() {
      releaseAll();
      enabled = false;
      last = null;
    },
    detach() {
      releaseAll();
      enabled = false;
      for (const [name, fn] of Object.entries(on)) videoEl.removeEventListener(name, fn, passiveFalse);
      if (previousTabIndex === null) videoEl.removeAttribute('tabindex');
    },
  };
}
