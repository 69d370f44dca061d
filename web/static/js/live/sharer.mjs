// The sharer web app `/rh`: the code box (`?passcode=` pre-fills it and joins, also after the
// sign-in it may need first), sign-in when needed, the
// helper's trust screen, Allow / Deny of the mode the helper asks for, then the screen shared
// with getDisplayMedia over WebRTC, an always-visible "you are sharing — Stop" bar, chat, and a
// notice when the session ends. The web app is view only.

import { api, ApiError, iceServers, me, signInUrl } from '../api.mjs';
import { ChatPanel } from './chat.mjs';
import { SharerPeer } from './rtc.mjs';
import { LiveSocket, isTerminal } from './socket.mjs';
import { renderProfile } from './trust.mjs';
import { sharerLines, sharerModel } from './sharer-view.mjs';
import { errorText, setText, show, t } from './text.mjs';

const $ = (id) => document.getElementById(id);
const els = {
  signin: $('signin-panel'),
  signinLink: $('signin-link'),
  joinForm: $('join-form'),
  codeInput: $('code-input'),
  joinButton: $('join-button'),
  joinError: $('join-error'),
  session: $('session-panel'),
  status: $('session-status'),
  presence: $('presence'),
  connection: $('connection'),
  error: $('session-error'),
  trust: $('trust'),
  consent: $('consent-panel'),
  question: $('consent-question'),
  allow: $('allow'),
  deny: $('deny'),
  bar: $('sharing-bar'),
  stop: $('stop-sharing'),
  pause: $('pause-sharing'),
  shareAgain: $('share-again'),
  end: $('end-session'),
  notice: $('end-notice'),
  chat: $('chat'),
  summary: $('summary'),
  summaryLines: $('summary-lines'),
};
const CURRENT = 'assist.rh.current';

let sessionId = null;
let view = null;
let socket = null;
let peer = null;
let chat = null;
let stream = null;
/** An answer to the helper's request is on its way (see `answer`). */
let answering = false;
/** The person paused sending their screen (the track stays, sending black frames). */
let paused = false;
const model = sharerModel();
model.lang = document.documentElement.lang || 'en';

function showError(e) {
  setText(els.error, e ? errorText(e) : '');
  show(els.error, !!e);
}

function track() {
  const tr = stream && stream.getVideoTracks()[0];
  return tr && tr.readyState === 'live' ? tr : null;
}

function stopStream() {
  if (stream) for (const tr of stream.getTracks()) tr.stop();
  stream = null;
}

/** Asks the browser for the screen (needs the click that called it). */
async function pickScreen() {
  if (track()) return track();
  try {
    stream = await navigator.mediaDevices.getDisplayMedia({ video: { displaySurface: 'monitor' }, audio: false });
  } catch {
    stream = null;
    model.cancelled = true;
    paint();
    return null;
  }
  model.cancelled = false;
  const tr = stream.getVideoTracks()[0];
  tr.contentHint = 'detail';
  // The browser's own "stop sharing" ends the track: the same as our Stop (the session goes on).
  tr.addEventListener('ended', () => {
    if (view && view.state === 'active' && stream && stream.getVideoTracks()[0] === tr) stopSharing();
  });
  return tr;
}

/** Shows every line of the page from the one view model (see `sharer-view.mjs`). */
function paint() {
  const lines = sharerLines(model, t);
  setText(els.status, lines.status);
  setText(els.presence, lines.presence);
  els.presence.dataset.status = lines.presenceStatus;
  els.connection.dataset.status = model.socket;
  setText(els.connection, lines.connection);
  setText(els.notice, lines.notice);
  show(els.notice, !!lines.notice);
  show(els.summary, !!lines.summary);
  els.summaryLines.replaceChildren(
    ...(lines.summary || []).map((text) => {
      const li = document.createElement('li');
      li.textContent = text;
      return li;
    }),
  );
}

function render(v) {
  view = v;
  model.view = v;
  if (v.state !== 'requested' && v.state !== 'active') model.cancelled = false;
  paint();
  document.getElementById('live-sharer').dataset.state = v.state;
  renderProfile(els.trust, v.helper);
  const terminal = isTerminal(v.state);
  const asking = v.state === 'requested';
  show(els.consent, asking);
  if (asking) setText(els.question, t(`request-mode-${v.mode}`));
  const sharing = v.state === 'active' && !!track();
  show(els.bar, sharing);
  show(els.shareAgain, v.state === 'active' && !track());
  show(els.end, !terminal);
  els.pause.setAttribute('aria-pressed', String(paused));
  setText(els.pause, t(paused ? 'resume' : 'pause'));
  chat?.setEnabled(!!v.chat_enabled && !terminal, !!v.chat_enabled);
  if (terminal) {
    stopStream();
    peer?.close();
    socket?.stop();
    sessionStorage.removeItem(CURRENT);
    return;
  }
}

function onMessage(msg) {
  switch (msg.type) {
    case 'hello':
      render(msg.session);
      chat.sync();
      break;
    case 'state':
      render(msg.session);
      break;
    case 'presence':
      if (msg.role === 'helper') {
        model.helper = msg.status;
        paint();
      }
      break;
    case 'chat':
      chat.live(msg);
      break;
    case 'signal':
      peer.signal(msg.data).catch(showError);
      break;
    case 'error':
      if (msg.error && msg.error.code !== 'signal_not_allowed') showError(msg.error);
      break;
    default:
      break;
  }
}

async function post(path, body) {
  showError(null);
  try {
    render(await api('POST', `/api/sessions/${encodeURIComponent(sessionId)}/${path}`, body));
  } catch (e) {
    showError(e);
  }
}

/**
 * Answers the helper's request once: Allow and Deny are disabled from the first press until the
 * answer is in, so a double click (or Allow then Deny) sends one answer, not a second one that
 * the server would refuse because nothing is waiting any more.
 */
async function answer(fn) {
  if (answering) return;
  answering = true;
  els.allow.disabled = true;
  els.deny.disabled = true;
  try {
    await fn();
  } finally {
    answering = false;
    els.allow.disabled = false;
    els.deny.disabled = false;
  }
}

async function allow() {
  const tr = await pickScreen();
  if (!tr) return;
  peer.track = tr;
  await post('consent', { allow: true });
  // An offer that came while the browser asked is answered now.
  if (peer.pending) peer.setTrack(tr);
}

async function shareAgain() {
  const tr = await pickScreen();
  if (!tr) return;
  peer.setTrack(tr);
  model.sharing = 'on';
  tellPaused(null);
  render(view);
}

/** Tells the helper whether the screen is paused or stopped (a signal the peers read; the
 * server passes it on as any signal). */
function tellPaused(state) {
  socket?.send({ type: 'signal', data: { type: 'paused', paused: state !== null, stopped: state === 'stopped' } });
}

/** Pauses or resumes sending the screen: the helper sees the last picture and "paused". */
function togglePause() {
  const tr = track();
  if (!tr) return;
  paused = !paused;
  tr.enabled = !paused;
  model.sharing = paused ? 'paused' : 'on';
  tellPaused(paused ? 'paused' : null);
  render(view);
}

/** Stops sharing the screen; the session goes on (chat, sharing again later). */
function stopSharing() {
  paused = false;
  model.sharing = 'stopped';
  stopStream();
  peer?.close();
  tellPaused('stopped');
  render(view);
}

/** Ends the session. */
async function stop() {
  stopStream();
  peer?.close();
  await post('end');
}

async function enter(v) {
  sessionId = v.id;
  sessionStorage.setItem(CURRENT, v.id);
  show(els.joinForm, false);
  show(els.session, true);
  const ice = await iceServers(sessionId);
  socket = new LiveSocket(sessionId, {
    onMessage,
    onStatus: (s) => {
      model.socket = s;
      paint();
    },
  });
  peer = new SharerPeer({
    iceServers: ice,
    send: (data) => socket.send({ type: 'signal', data }),
    onChange: (state) => {
      els.bar.dataset.connection = state;
    },
  });
  chat = new ChatPanel({ root: els.chat, sessionId, role: 'sharer', send: (m) => socket.send(m) });
  render(v);
  socket.start();
}

/** Why joining failed, as a sentence (with how long to wait when locked out for a while). */
function joinError(e) {
  if (e instanceof ApiError && e.code === 'rate_limited' && e.retryAfter) {
    const [n, unit] = e.retryAfter >= 90 ? [Math.ceil(e.retryAfter / 60), 'minute'] : [e.retryAfter, 'second'];
    const when = new Intl.RelativeTimeFormat(document.documentElement.lang || undefined, { numeric: 'always' }).format(n, unit);
    return t('join-error-rate_limited-wait', { when });
  }
  const key = e instanceof ApiError ? `join-error-${e.code}` : 'error';
  const known = t(key);
  return known !== key ? known : errorText(e);
}

async function join(ev) {
  ev?.preventDefault();
  setText(els.joinError, '');
  const code = els.codeInput.value.trim();
  if (!code) {
    setText(els.joinError, t('join-error-code_empty'));
    els.codeInput.focus();
    return;
  }
  els.joinButton.disabled = true;
  try {
    await enter(await api('POST', '/api/sessions/join', { code }));
  } catch (e) {
    setText(els.joinError, joinError(e));
    els.codeInput.setAttribute('aria-invalid', 'true');
    els.codeInput.focus();
  } finally {
    els.joinButton.disabled = false;
  }
}

async function main() {
  const passcode = new URLSearchParams(location.search).get('passcode');
  if (passcode) els.codeInput.value = passcode.slice(0, 64);
  els.joinForm.addEventListener('submit', join);
  els.allow.addEventListener('click', () => answer(allow));
  els.deny.addEventListener('click', () => answer(() => post('consent', { allow: false })));
  els.stop.addEventListener('click', stopSharing);
  els.pause.addEventListener('click', togglePause);
  els.end.addEventListener('click', stop);
  els.shareAgain.addEventListener('click', shareAgain);
  const who = await me();
  if (!who) {
    els.signinLink.href = signInUrl();
    show(els.signin, true);
    show(els.joinForm, false);
    return;
  }
  const current = sessionStorage.getItem(CURRENT);
  if (current) {
    try {
      const v = await api('GET', `/api/sessions/${encodeURIComponent(current)}`);
      if (!isTerminal(v.state) && v.your_role === 'sharer') {
        await enter(v);
        return;
      }
    } catch {
      /* not ours any more */
    }
    sessionStorage.removeItem(CURRENT);
  }
  show(els.joinForm, true);
  els.codeInput.focus();
  if (passcode) {
    // The link's whole point is that nobody types the code: join at once (also after signing
    // in, which comes back here with the link). Dropped from the address so that a reload does
    // not try the used code again.
    const url = new URL(location.href);
    url.searchParams.delete('passcode');
    history.replaceState(null, '', url.pathname + url.search + url.hash);
    await join();
  }
}

main().catch(showError);
