// The helper's session page `/sessions/{id}`: the code while waiting, the sharer's trust screen
// and warnings, the request buttons the helper's role allows, the sharer's screen, chat, End;
// and the sharer's presence as soon as the server tells it (left, lost, back).

import { api, ApiError, iceServers, me, signInUrl } from '../api.mjs';
import { ChatPanel } from './chat.mjs';
import { HelperPeer } from './rtc.mjs';
import { LiveSocket, PROTOCOL_VERSION, isTerminal } from './socket.mjs';
import { renderProfile, renderWarnings } from './trust.mjs';
import { errorText, setText, show, t } from './text.mjs';
import { readCode, renderCode, saveCode } from './code.mjs';
import { helperLines, helperModel } from './helper-view.mjs';
import { ClipboardLink } from './clipboard.mjs';

const root = document.getElementById('live-session');
const sessionId = root.dataset.sessionId;
const $ = (id) => document.getElementById(id);

const els = {
  status: $('session-status'),
  presence: $('presence'),
  connection: $('connection'),
  error: $('session-error'),
  codePanel: $('code-panel'),
  trust: $('trust'),
  warnings: $('warnings'),
  requests: $('requests'),
  requestView: $('request-view'),
  requestControl: $('request-control'),
  requestNote: $('request-note'),
  screenPanel: $('screen-panel'),
  video: $('screen'),
  screenNote: $('screen-note'),
  end: $('end-session'),
  chat: $('chat'),
  summary: $('summary'),
  summaryLines: $('summary-lines'),
  againActions: $('again-actions'),
  again: $('again'),
};

let view = null;
let permissions = new Set();
let sharerPresence = 'unknown';
const model = helperModel();
model.lang = document.documentElement.lang || 'en';
let socket = null;
let peer = null;
let chat = null;
let remoteControl = null;
let clipboard = null;
// Whether the server allows clipboard sharing in this session (asked when control starts).
let clipboardAllowed = { channel: null, allowed: false };
const DISCONNECTED_GRACE_MS = 2000;

function showError(e) {
  setText(els.error, e ? errorText(e) : '');
  show(els.error, !!e);
}

/** Shows every line of the page from the one view model (see `helper-view.mjs`). */
function paint() {
  const lines = helperLines(model, t);
  setText(els.status, lines.status);
  els.status.dataset.tone = lines.tone;
  setText(els.presence, lines.presence);
  els.presence.dataset.status = lines.presenceStatus;
  els.connection.dataset.status = model.socket;
  setText(els.connection, lines.connection);
  show(els.summary, !!lines.summary);
  els.summaryLines.replaceChildren(
    ...(lines.summary || []).map((text) => {
      const li = document.createElement('li');
      li.textContent = text;
      return li;
    }),
  );
  show(els.againActions, !!lines.again);
  if (lines.again) setText(els.again, t(lines.again));
  return lines;
}

function render(v) {
  view = v;
  model.view = v;
  root.dataset.state = v.state;
  const lines = paint();
  const waiting = v.state === 'waiting';
  show(els.codePanel, lines.codeShown);
  if (lines.codeShown) renderCode(els.codePanel, readCode(v.id) || (v.code ? { code: v.code, link: v.link, expires_at: v.expires_at } : null));
  renderProfile(els.trust, v.sharer);
  renderWarnings(els.warnings, v.warnings);

  const terminal = isTerminal(v.state);
  const canView = permissions.has('remote_help.view_screen');
  const canControl = permissions.has('remote_help.full_control');
  const agent = !!(v.device && v.device.verified);
  show(els.requests, !terminal && !waiting && (canView || canControl));
  show(els.requestView, canView);
  show(els.requestControl, canControl);
  els.requestView.disabled = !(v.state === 'joined');
  els.requestControl.disabled = !agent || !(v.state === 'joined' || (v.state === 'active' && v.active_mode === 'view'));
  // An agent told to accept by itself (`--yes`) allows without asking when the server says so:
  // the helper should know that before asking.
  let note = '';
  if (!terminal && canControl && !agent) note = t('control-needs-agent');
  else if (!terminal && agent && v.unattended_allowed) note = t('unattended-allowed');
  setText(els.requestNote, note);

  show(els.screenPanel, !!v.active_mode || v.state === 'active');
  show(els.end, !terminal);
  chat?.setEnabled(!!v.chat_enabled && !terminal, !!v.chat_enabled);

  if (terminal) {
    peer?.close();
    socket?.stop();
    detachControl();
    setText(els.screenNote, '');
    return;
  }
  maybeOffer();
  syncControl();
  syncClipboard();
}

/**
 * Clipboard text with the sharer: while in control, with `remote_help.clipboard`, when the server
 * allows it for this session (asked once per control and data channel).
 */
async function syncClipboard() {
  if (!clipboard) return;
  const channel = peer?.input || null;
  clipboard.setChannel(channel);
  const inControl = !!view && view.state === 'active' && view.active_mode === 'control';
  if (!inControl || !channel || !permissions.has('remote_help.clipboard')) {
    clipboardAllowed = { channel: null, allowed: false };
    clipboard.setEnabled(false);
    return;
  }
  if (clipboardAllowed.channel !== channel) {
    const asked = { channel, allowed: false };
    clipboardAllowed = asked;
    try {
      const r = await api('GET', `/api/sessions/${encodeURIComponent(sessionId)}/transfers`);
      asked.allowed = !!r.clipboard_allowed;
    } catch {
      asked.allowed = false;
    }
  }
  clipboard.setEnabled(clipboardAllowed.channel === channel && clipboardAllowed.allowed && view.active_mode === 'control');
}

function renderPresence(status) {
  // The sharer coming back after a leave or loss may have lost its connection (a reload, an agent
  // restart); a connection still up survived a mere socket blip and is kept.
  const back = status === 'online' && ['left', 'lost', 'moving'].includes(sharerPresence);
  sharerPresence = status;
  model.sharer = status;
  paint();
  if (status !== 'online') {
    setText(els.screenNote, view && view.active_mode ? t('video-paused') : '');
  }
  if (status === 'online') maybeOffer(back && !peer.connected);
}

/**
 * The screen view's tools: full screen (the panel, so the status note stays over the picture),
 * and fit to the window or actual size (pixel for pixel, scrolled).
 */
function bindScreenTools() {
  const full = $('fullscreen');
  const actual = $('actual-size');
  if (!document.fullscreenEnabled) full.hidden = true;
  full.addEventListener('click', () => {
    if (document.fullscreenElement) document.exitFullscreen().catch(() => {});
    else els.screenPanel.requestFullscreen().catch(() => {});
  });
  actual.addEventListener('click', () => {
    const on = actual.getAttribute('aria-pressed') !== 'true';
    actual.setAttribute('aria-pressed', String(on));
    els.screenPanel.classList.toggle('actual-size', on);
  });
}

/** A new session like this one (for the same device, if it was for one), then its page. */
async function startAgain() {
  showError(null);
  els.again.disabled = true;
  try {
    const body = view && view.device && view.device.id && !view.sharer ? { device_id: view.device.id } : {};
    const created = await api('POST', '/api/sessions', body);
    saveCode(created.id, created);
    location.assign(`/sessions/${encodeURIComponent(created.id)}`);
  } catch (e) {
    els.again.disabled = false;
    showError(e);
  }
}

/** Offers a connection when media may flow, the sharer is here, and none is up (or `force`). */
function maybeOffer(force = false) {
  if (!view || !view.active_mode || sharerPresence !== 'online' || !socket?.open) return;
  if (peer.pc && !force && ['new', 'connecting', 'connected'].includes(peer.pc.connectionState)) return;
  setText(els.screenNote, t('video-waiting'));
  peer.offer().catch(showError);
}

async function syncControl() {
  if (view && view.active_mode === 'control' && peer?.input) {
    if (remoteControl && remoteControl.channel === peer.input) return;
    detachControl();
    // Claimed before the import resolves, so that calls meanwhile (a state and a new channel
    // arriving together) see it and do not attach a second set of listeners.
    const claim = { channel: peer.input, handle: null };
    remoteControl = claim;
    try {
      const mod = await import('../remote-control.js');
      const attach = mod.attachRemoteControl || mod.attach || mod.default;
      // Detached or replaced while loading: nothing to attach.
      if (remoteControl !== claim || typeof attach !== 'function') return;
      claim.handle = attach(els.video, claim.channel);
    } catch (e) {
      if (remoteControl === claim) remoteControl = null;
      showError(e);
    }
  } else {
    detachControl();
  }
}

function detachControl() {
  if (!remoteControl) return;
  const h = remoteControl.handle;
  remoteControl = null;
  if (typeof h === 'function') h();
  else if (h && typeof h.detach === 'function') h.detach();
  else if (h && typeof h.stop === 'function') h.stop();
}

function onMessage(msg) {
  switch (msg.type) {
    case 'hello':
      if (msg.protocol_version !== PROTOCOL_VERSION) showError(new Error('protocol'));
      render(msg.session);
      chat.sync();
      break;
    case 'state':
      render(msg.session);
      break;
    case 'presence':
      if (msg.role === 'sharer') renderPresence(msg.status);
      break;
    case 'chat':
      chat.live(msg);
      break;
    case 'signal':
      if (msg.data && msg.data.type === 'paused') {
        model.paused = msg.data.paused ? (msg.data.stopped ? 'stopped' : 'paused') : null;
        paint();
      } else {
        peer.signal(msg.data).catch(showError);
      }
      break;
    case 'error':
      if (msg.error && msg.error.code !== 'signal_not_allowed') showError(msg.error);
      break;
    default:
      break; // unknown types are ignored (protocol: version 1 may add types)
  }
}

async function post(path, body) {
  showError(null);
  try {
    render(await api('POST', `/api/sessions/${encodeURIComponent(sessionId)}/${path}`, body));
  } catch (e) {
    if (e instanceof ApiError && e.code === 'control_needs_agent') setText(els.requestNote, t('control-needs-agent'));
    else showError(e);
  }
}

async function main() {
  const who = await me();
  if (!who) {
    location.assign(signInUrl());
    return;
  }
  permissions = new Set(who.permissions || []);
  const ice = await iceServers(sessionId);
  socket = new LiveSocket(sessionId, {
    onMessage,
    onStatus: (s) => {
      model.socket = s;
      paint();
      if (s === 'open') maybeOffer();
    },
  });
  peer = new HelperPeer({
    video: els.video,
    iceServers: ice,
    send: (data) => socket.send({ type: 'signal', data }),
    onChange: (state) => {
      els.screenPanel.dataset.connection = state;
      if (state === 'connected') setText(els.screenNote, '');
      if (state === 'failed') maybeOffer(true);
      if (state === 'disconnected') {
        // Still down after a moment: the sharer's side is gone; start again.
        const pc = peer.pc;
        setTimeout(() => {
          if (peer.pc === pc && pc && ['disconnected', 'failed'].includes(pc.connectionState)) maybeOffer(true);
        }, DISCONNECTED_GRACE_MS);
      }
    },
    onInputChannel: () => {
      syncControl();
      syncClipboard();
    },
  });
  clipboard = new ClipboardLink({ button: $('clipboard-send'), note: $('clipboard-note'), t });
  chat = new ChatPanel({ root: els.chat, sessionId, role: 'helper', send: (m) => socket.send(m) });
  els.requestView.addEventListener('click', () => post('request', { mode: 'view' }));
  els.requestControl.addEventListener('click', () => post('request', { mode: 'control' }));
  els.end.addEventListener('click', () => post('end'));
  els.again.addEventListener('click', startAgain);
  bindScreenTools();
  els.video.addEventListener('playing', () => setText(els.screenNote, ''));
  try {
    render(await api('GET', `/api/sessions/${encodeURIComponent(sessionId)}`));
  } catch (e) {
    showError(e);
  }
  socket.start();
}

main().catch(showError);
