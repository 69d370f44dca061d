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
//
// Text that is not a key press goes out as `{t: 'text'}` events: what the helper's input method
// composed (Chinese, Japanese...) and the helper's clipboard on Ctrl+V (Cmd+V). A <video> is not
// editable, so neither an input method nor a paste would reach it: keyboard focus goes to a
// transparent text area over the picture (the "keyboard catcher"). Its key events are sent as
// keys (and cancelled, so nothing is typed into it), except those that belong to an input method
// (`isComposing`, `Process`) and Ctrl+V / Cmd+V, which are left to the browser: the composition
// ends in `compositionend` and the paste in `paste`, each sent as text and never typed into the
// catcher. The modifier held for Ctrl+V is released on the sharer's side first, so the pasted
// text is not typed as shortcuts. A text is cut into events of at most MAX_TEXT_CHARS characters
// (the agent's limit, crates/input/src/event.rs); a paste longer than MAX_PASTE_CHARS is cut
// there (docs/limits.md).

const BUTTONS = ['left', 'middle', 'right', 'back', 'forward'];
const LINE_PIXELS = 40;
const PAGE_PIXELS = 800;
const MAX_TEXT_CHARS = 1024;
const MAX_PASTE_CHARS = 16 * 1024;
const MODIFIERS = ['ControlLeft', 'ControlRight', 'MetaLeft', 'MetaRight', 'OSLeft', 'OSRight'];

/** Whether a keydown is the paste shortcut (Ctrl+V, or Cmd+V on a Mac). */
export function isPasteShortcut(e) {
  return e.code === 'KeyV' && (e.ctrlKey || e.metaKey) && !e.altKey;
}

/** Whether a key event belongs to an input method's composition (the browser must have it). */
export function isComposition(e) {
  return e.isComposing || e.key === 'Process' || e.keyCode === 229;
}

/**
 * `text` cut into pieces of at most `max` characters (code points, never a surrogate half).
 * @param {string} text
 * @param {number} [max]
 * @returns {string[]}
 */
export function textChunks(text, max = MAX_TEXT_CHARS) {
  const chars = Array.from(text);
  const out = [];
  for (let i = 0; i < chars.length; i += max) out.push(chars.slice(i, i + max).join(''));
  return out;
}

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
  // Modifiers released on the sharer's side for a paste: their own keyup is not sent again.
  const releasedForPaste = new Set();

  // The keyboard catcher: transparent, over the picture's top left corner (where an input
  // method shows its candidates), named like the video for screen readers.
  const catcher = document.createElement('textarea');
  catcher.className = 'remote-keyboard';
  catcher.setAttribute('aria-label', videoEl.getAttribute('aria-label') || '');
  catcher.setAttribute('autocomplete', 'off');
  catcher.setAttribute('autocapitalize', 'off');
  catcher.setAttribute('spellcheck', 'false');
  Object.assign(catcher.style, {
    position: 'absolute', opacity: '0', width: '1px', height: '1px', padding: '0', border: '0',
    resize: 'none', overflow: 'hidden', pointerEvents: 'none', left: '0', top: '0',
  });
  function placeCatcher() {
    const parent = videoEl.offsetParent || document.body;
    const box = videoEl.getBoundingClientRect();
    const base = parent.getBoundingClientRect();
    catcher.style.left = `${box.left - base.left + parent.scrollLeft}px`;
    catcher.style.top = `${box.top - base.top + parent.scrollTop}px`;
  }
  videoEl.insertAdjacentElement('afterend', catcher);
  placeCatcher();
  function focusCatcher() {
    placeCatcher();
    catcher.focus({ preventScroll: true });
  }

  function send(ev) {
    if (!enabled || dataChannel.readyState !== 'open') return false;
    dataChannel.send(JSON.stringify(ev));
    return true;
  }

  // Focus moves between the video and the catcher (a click focuses the video, which hands the
  // keyboard on): keys and buttons are released only when neither has it any more, or the
  // window lost it.
  function releaseUnlessFocused() {
    setTimeout(() => {
      const a = document.activeElement;
      if ((a === catcher || a === videoEl) && document.hasFocus()) return;
      releaseAll();
      releasedForPaste.clear();
    }, 0);
  }

  function sendText(text) {
    for (const piece of textChunks(text)) send({ t: 'text', text: piece });
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
      focusCatcher();
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
    focus() {
      // Keyboard users reach the video with Tab: typing goes through the catcher.
      if (enabled) focusCatcher();
    },
    blur: releaseUnlessFocused,
  };

  // On the catcher: the keyboard, input methods and paste.
  const keys = {
    keydown(e) {
      if (!enabled || isComposition(e)) return;
      if (isPasteShortcut(e)) {
        // Left to the browser, which fires `paste`; the sharer's side lets go of Ctrl/Cmd
        // first, so the text is not typed as shortcuts.
        for (const code of MODIFIERS) {
          if (heldKeys.has(code)) {
            send({ t: 'key', code, key: heldKeys.get(code), down: false });
            heldKeys.delete(code);
            releasedForPaste.add(code);
          }
        }
        return;
      }
      // Everything else goes to the sharer: Tab, Backspace, F5, Ctrl+F... (the browser keeps
      // the few it never lets a page have, such as Ctrl+W).
      e.preventDefault();
      e.stopPropagation();
      heldKeys.set(e.code, e.key);
      send({ t: 'key', code: e.code, key: e.key, down: true });
    },
    keyup(e) {
      if (!enabled || isComposition(e)) return;
      if (releasedForPaste.delete(e.code) || (e.code === 'KeyV' && !heldKeys.has('KeyV'))) return;
      e.preventDefault();
      e.stopPropagation();
      heldKeys.delete(e.code);
      send({ t: 'key', code: e.code, key: e.key, down: false });
    },
    compositionend(e) {
      catcher.value = '';
      if (!enabled || !e.data) return;
      sendText(e.data);
    },
    input(e) {
      // Text inserted without a key press or a composition (an emoji picker, a dictation
      // tool); compositions arrive whole in `compositionend`.
      if (e.isComposing) return;
      if (enabled && e.inputType === 'insertText' && e.data) sendText(e.data);
      catcher.value = '';
    },
    paste(e) {
      e.preventDefault();
      if (!enabled) return;
      const text = e.clipboardData ? e.clipboardData.getData('text/plain') : '';
      if (text) sendText(Array.from(text).slice(0, MAX_PASTE_CHARS).join(''));
    },
    blur: releaseUnlessFocused,
  };

  const passiveFalse = { passive: false };
  for (const [name, fn] of Object.entries(on)) videoEl.addEventListener(name, fn, passiveFalse);
  for (const [name, fn] of Object.entries(keys)) catcher.addEventListener(name, fn, passiveFalse);

  return {
    get enabled() {
      return enabled;
    },
    enable() {
      enabled = true;
    },
    /** The element that takes the keyboard while control is on. */
    get keyboard() {
      return catcher;
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
      for (const [name, fn] of Object.entries(keys)) catcher.removeEventListener(name, fn, passiveFalse);
      const hadFocus = document.activeElement === catcher;
      catcher.remove();
      if (hadFocus) videoEl.focus({ preventScroll: true });
      if (previousTabIndex === null) videoEl.removeAttribute('tabindex');
    },
  };
}
