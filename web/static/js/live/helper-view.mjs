// The helper's session page as one view model: every line the page shows (status, presence,
// connection, the next action) is decided here from one state object, so that no two lines can
// contradict each other ("You ended the session." next to "The sharer is connected.").
// Pure: no DOM, no clock of its own (`now` is given); `t` looks strings up.

import { isTerminal } from './socket.mjs';
import { formatDuration, formatTime } from './format.mjs';

/**
 * The state the page is in:
 * - `view`: the session as the server last said it (`null` until the first answer);
 * - `sharer`: the sharer's presence (`unknown`, `online`, `left`, `lost`, `moving`);
 * - `socket`: the live socket's status (`connecting`, `open`, `closed`);
 * - `paused`: the sharer paused (`paused`) or stopped (`stopped`) sending their screen, or `null`;
 * - `lang`: the page's language, for times and durations.
 */
export function helperModel() {
  return { view: null, sharer: 'unknown', socket: 'connecting', lang: 'en', paused: null };
}

/** Who ended the session, from the helper's side. */
function endedLine(v, t) {
  const reason = v.end_reason || '';
  if (reason === 'helper_ended') return t('you-ended');
  if (reason === 'sharer_ended') return t('sharer-ended');
  if (reason) return `${t('state-ended')} (${t(`reason-${reason}`)})`;
  return t('state-ended');
}

/** What a session waiting for a device's user says. */
function offerLine(offer, lang, t) {
  if (offer.status === 'declined') return t('offer-declined');
  if (offer.status === 'offered') return t('offer-offered');
  if (offer.since) return t('offer-offline', { when: formatTime(offer.since, lang) });
  return t('offer-offline-never');
}

/** The end summary: how long, in which mode (`null` while the session is not over). */
export function summary(v, lang, t) {
  if (!isTerminal(v.state)) return null;
  const lines = [];
  if (v.started_at && v.ended_at) {
    lines.push(t('summary-duration', { duration: formatDuration(v.ended_at - v.started_at, lang) }));
    if (v.mode) lines.push(t(`summary-mode-${v.mode}`));
  } else {
    lines.push(t('summary-not-started'));
  }
  return lines;
}

/**
 * Every line of the helper's page, from `m` (see [`helperModel`]):
 * `status` and its `tone` (`ok`, `warning`, `over`), `presence` (empty when it would say nothing
 * true: before anyone joined, after the end, while the server is out of reach), `connection`,
 * `summary` (lines, or `null`), and `again`: the key of the "start again" action's label, or
 * `null` when there is nothing to start again.
 */
export function helperLines(m, t) {
  const v = m.view;
  const out = { status: '', tone: 'ok', presence: '', presenceStatus: '', connection: '', summary: null, again: null, codeShown: false };
  if (!v) {
    out.connection = m.socket === 'closed' ? t('connection-lost') : '';
    return out;
  }
  const terminal = isTerminal(v.state);
  if (v.state === 'waiting') {
    out.codeShown = true;
    if (v.device_offer) {
      out.status = offerLine(v.device_offer, m.lang, t);
      if (v.device_offer.status !== 'offered') out.tone = 'warning';
      // The code stays a fallback; a declined offer can be made again (a new session).
      if (v.device_offer.status === 'declined') out.again = 'offer-again';
    } else {
      out.status = t('state-waiting');
    }
  } else if (v.state === 'active') {
    if (m.paused) {
      out.status = t(`sharer-${m.paused}`);
      out.tone = 'warning';
    } else if (v.active_mode === 'view' && v.control_stopped_at) {
      // The sharer took control back: say so, rather than a plain "viewing" the helper might
      // read as their own request's outcome. Request control stays offered.
      const name = (v.sharer && v.sharer.full_name) || t('role-sharer');
      out.status = t('control-taken-back', { name });
      out.tone = 'warning';
    } else {
      out.status = t(v.active_mode === 'control' ? 'state-active-control' : 'state-active-view');
    }
  } else if (v.state === 'ended') {
    out.status = endedLine(v, t);
    out.tone = 'over';
  } else if (v.state === 'expired') {
    out.status = t('state-expired');
    out.tone = 'warning';
  } else {
    out.status = t(`state-${v.state}`);
    if (v.state === 'denied') out.tone = 'over';
  }
  if (terminal) {
    out.summary = summary(v, m.lang, t);
    out.again = v.state === 'expired' ? 'new-code' : 'start-another';
    return out;
  }
  if (m.socket !== 'open') {
    // Out of reach of the server: nothing is known of the sharer now.
    out.connection = t('connection-lost');
    return out;
  }
  if (v.state !== 'waiting' && m.sharer !== 'unknown') {
    out.presence = t(`sharer-${m.sharer}`);
    out.presenceStatus = m.sharer;
    // "You are viewing the sharer's screen." is not true while they are away.
    if (v.state === 'active' && m.sharer !== 'online') {
      out.status = t('video-paused');
      out.tone = 'warning';
    }
  }
  return out;
}
