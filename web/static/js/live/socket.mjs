// The live WebSocket of a session (docs/protocol.md): hello, state, presence, chat, signal.
//
// - Sends `ping` every HEARTBEAT_INTERVAL_MS and counts any message as a sign of life; after
//   LOST_AFTER_MS of silence the connection is dropped and made again. The server counts only
//   these messages (not the browser's automatic pongs), so the beat is timed by a worker
//   (heartbeat-worker.js) that hidden tabs do not throttle, and sent by the page itself.
// - Reconnects at once, then with a growing delay (capped at one second while the session may
//   still resume, five seconds after RESUME_GRACE_MS), until `stop()` or a terminal state.
// - A close with CLOSE_MOVING (1012: the server node is shutting down) reconnects at once, whatever
//   came before: the load balancer sends the new socket to another node and the session resumes.
// - Closes cleanly when the page goes away, so the other side is told "left" at once.

// The contract's constants, the same as assist_proto's (a test of crates/proto reads this block
// and compares every value): change them there and here together.
export const PROTOCOL_VERSION = 1;
export const HEARTBEAT_INTERVAL_MS = 1000;
export const LOST_AFTER_MS = 4000;
export const RESUME_GRACE_MS = 60000;
export const CLOSE_MOVING = 1012;
export const TERMINAL_STATES = ['denied', 'expired', 'ended'];
const TERMINAL = new Set(TERMINAL_STATES);

export function isTerminal(state) {
  return TERMINAL.has(state);
}

/** Calls `fn` every `ms`, timed by a worker when the browser has them; returns a stop function. */
function every(fn, ms) {
  try {
    const worker = new Worker('/static/js/live/heartbeat-worker.js');
    worker.onmessage = fn;
    worker.postMessage(ms);
    return () => worker.terminate();
  } catch {
    const timer = setInterval(fn, ms);
    return () => clearInterval(timer);
  }
}

export class LiveSocket {
  /**
   * @param {string} sessionId
   * @param {{onMessage: (msg: object) => void, onStatus?: (status: 'open'|'closed') => void}} handlers
   */
  constructor(sessionId, handlers) {
    this.sessionId = sessionId;
    this.handlers = handlers;
    this.ws = null;
    this.stopped = false;
    this.attempt = 0;
    this.downSince = null;
    this.lastSeen = 0;
    this.timer = null;
    this.retry = null;
    this.onPageHide = () => this.stop();
    addEventListener('pagehide', this.onPageHide);
  }

  url() {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    return `${scheme}//${location.host}/ws/sessions/${encodeURIComponent(this.sessionId)}`;
  }

  start() {
    if (this.stopped || this.ws) return;
    let ws;
    try {
      ws = new WebSocket(this.url());
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      this.attempt = 0;
      this.downSince = null;
      this.lastSeen = Date.now();
      this.timer?.();
      this.timer = every(() => this.beat(), HEARTBEAT_INTERVAL_MS / 2);
      this.send({ type: 'ping' });
      this.handlers.onStatus?.('open');
    };
    ws.onmessage = (ev) => {
      this.lastSeen = Date.now();
      let msg;
      try {
        msg = JSON.parse(ev.data);
      } catch {
        return;
      }
      if (!msg || typeof msg.type !== 'string') return;
      if ((msg.type === 'hello' || msg.type === 'state') && msg.session && isTerminal(msg.session.state)) {
        // Clients do not reconnect to a session in a terminal state.
        this.stopped = true;
      }
      if (msg.type === 'error' && msg.error && msg.error.code === 'access_revoked') {
        // The sign-in or the rights this socket was opened with are gone (close code 4403).
        this.stopped = true;
      }
      this.handlers.onMessage(msg);
    };
    ws.onclose = (ev) => {
      // The server is going away on purpose: no backoff, the next node is ready.
      if (ev.code === CLOSE_MOVING) this.attempt = 0;
      this.dropped(ws);
    };
    ws.onerror = () => {};
  }

  beat() {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return;
    if (Date.now() - this.lastSeen > LOST_AFTER_MS) {
      const ws = this.ws;
      try {
        ws.close();
      } catch {
        /* already closing */
      }
      this.dropped(ws);
      return;
    }
    if (!this.lastPing || Date.now() - this.lastPing >= HEARTBEAT_INTERVAL_MS - 50) {
      this.lastPing = Date.now();
      this.send({ type: 'ping' });
    }
  }

  dropped(ws) {
    if (this.ws !== ws) return;
    this.ws = null;
    this.timer?.();
    this.timer = null;
    if (this.downSince === null) this.downSince = Date.now();
    this.handlers.onStatus?.('closed');
    if (!this.stopped) this.scheduleReconnect();
  }

  scheduleReconnect() {
    const n = this.attempt++;
    const grace = this.downSince !== null && Date.now() - this.downSince > RESUME_GRACE_MS;
    const delay = grace ? 5000 : n === 0 ? 0 : Math.min(1000, 125 * 2 ** n);
    clearTimeout(this.retry);
    this.retry = setTimeout(() => this.start(), delay);
  }

  /** Sends a message; false when not connected. */
  send(msg) {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(msg));
    return true;
  }

  get open() {
    return !!this.ws && this.ws.readyState === WebSocket.OPEN;
  }

  /** Closes for good (no reconnection). */
  stop() {
    this.stopped = true;
    clearTimeout(this.retry);
    this.timer?.();
    this.timer = null;
    removeEventListener('pagehide', this.onPageHide);
    if (this.ws) {
      const ws = this.ws;
      this.ws = null;
      try {
        ws.close(1000, 'bye');
      } catch {
        /* already closed */
      }
    }
  }
}
